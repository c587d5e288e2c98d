import { jsonDocuments, type StreamItem } from "../../../src/cli/json-stream.js";

async function* chunks(...parts: string[]) {
  for (const p of parts) yield p;
}
async function all(source: AsyncIterable<string>): Promise<StreamItem[]> {
  const out: StreamItem[] = [];
  for await (const item of jsonDocuments(source)) out.push(item);
  return out;
}

describe("jsonDocuments", () => {
  it("cuts JSON Lines into one document per line", async () => {
    expect(await all(chunks('{"a":1}\n{"b":2}\n'))).toEqual([{ text: '{"a":1}' }, { text: '{"b":2}' }]);
  });

  it("cuts pretty-printed documents one after another, across chunk boundaries", async () => {
    const docs = await all(chunks('{\n  "a": {"x": "}"', '},\n  "b": [1, 2]\n}\n{', '"c": "\\"{"}'));
    expect(docs.map((d) => ("text" in d ? JSON.parse(d.text) : d))).toEqual([
      { a: { x: "}" }, b: [1, 2] },
      { c: '"{' },
    ]);
  });

  it("yields a document before the stream ends (the next chunk is not awaited)", async () => {
    let released = false;
    async function* slow() {
      yield '{"first": true}\n';
      await new Promise((r) => setTimeout(r, 20));
      released = true;
      yield '{"second": true}';
    }
    const it = jsonDocuments(slow());
    const first = await it.next();
    expect(first.value).toEqual({ text: '{"first": true}' });
    expect(released).toBe(false);
  });

  it("reports a line that is not a JSON object and reads on; and a document cut short", async () => {
    expect(await all(chunks('oops\n{"a":1}\n{"b":'))).toEqual([
      { error: "not a JSON object: oops" },
      { text: '{"a":1}' },
      { error: "the stream ended inside a JSON document" },
    ]);
  });
});
