/** One document cut from a stream: its text, or why it could not be read. */
export type StreamItem = { text: string } | { error: string };

/**
 * Cuts a stream of JSON documents into one document each, as soon as each is complete: JSON Lines, or
 * pretty-printed documents one after another (`cat event.json | isolation-guard handle -`). A document
 * is an object or array, tracked by bracket depth outside strings; anything else at the top level is
 * unreadable up to the end of its line, and reading goes on after it.
 *
 * @example for await (const item of jsonDocuments(process.stdin)) console.log(item);
 */
export async function* jsonDocuments(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<StreamItem> {
  let buf = "";
  let start = -1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let garbage = -1;
  let i = 0;
  const decoder = new TextDecoder();
  for await (const chunk of chunks) {
    buf += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    for (; i < buf.length; i++) {
      const c = buf[i];
      if (garbage >= 0) {
        if (c === "\n") {
          yield { error: `not a JSON object: ${buf.slice(garbage, i).trim().slice(0, 80)}` };
          garbage = -1;
        }
        continue;
      }
      if (start < 0) {
        if (c === "{" || c === "[") {
          start = i;
          depth = 1;
        } else if (!/\s/.test(c as string)) garbage = i;
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === "\\") escaped = true;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "{" || c === "[") depth++;
      else if (c === "}" || c === "]") {
        if (--depth === 0) {
          yield { text: buf.slice(start, i + 1) };
          buf = buf.slice(i + 1);
          i = -1;
          start = -1;
        }
      }
    }
    // Keep only what is still needed: the open document, or nothing.
    if (start < 0 && garbage < 0) {
      buf = "";
      i = 0;
    }
  }
  if (garbage >= 0) yield { error: `not a JSON object: ${buf.slice(garbage).trim().slice(0, 80)}` };
  else if (start >= 0) yield { error: "the stream ended inside a JSON document" };
}
