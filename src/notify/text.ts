/**
 * Length-safe text helpers for chat messages. Lengths are counted in code points, never cutting a
 * surrogate pair (an emoji) or a Slack HTML entity (`&amp;`) in half.
 */

/** The ellipsis appended to anything shortened. */
export const ELLIPSIS = "…";

/**
 * Shortens `text` to at most `max` characters, ending with `…` when something was cut.
 * @example truncate("abcdef", 4) // "abc…"
 */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  let cut = chars.slice(0, Math.max(0, max - 1)).join("");
  // An entity cut in half would render as garbage: drop the partial entity.
  const amp = cut.lastIndexOf("&");
  if (amp >= 0 && amp >= cut.length - 6 && !cut.slice(amp).includes(";")) cut = cut.slice(0, amp);
  return `${cut}${ELLIPSIS}`;
}

/** Length in characters as Slack counts them (code points). */
export function charLength(text: string): number {
  return [...text].length;
}

/**
 * Escapes the three characters Slack's mrkdwn treats as control characters, so text from an event
 * (a resource name, an ARN) can never become a link or an `<!channel>` mention.
 * @example escapeMrkdwn("a<b>") // "a&lt;b&gt;"
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The reverse of {@link escapeMrkdwn}, for plain-text renderings. */
export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/**
 * Joins lines, keeping whole lines while they fit in `max` characters and saying how many were left out.
 * @example joinLines(["a", "b", "c"], 3) // "a\n… 2 more"  (when only one line fits)
 */
export function joinLines(lines: string[], max: number, more = (n: number) => `${ELLIPSIS} and ${n} more`): string {
  const kept: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const cost = charLength(line) + (kept.length ? 1 : 0);
    const tail = i < lines.length - 1 ? charLength(more(lines.length - i)) + 1 : 0;
    if (used + cost + tail > max) {
      if (!kept.length) return truncate(line, max);
      kept.push(more(lines.length - i));
      return kept.join("\n");
    }
    kept.push(line);
    used += cost;
  }
  return kept.join("\n");
}
