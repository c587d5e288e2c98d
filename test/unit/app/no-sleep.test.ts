import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/*
 * Exactly-once rests on the record's conditional writes, not on waiting (issue 12): no timer may sit on
 * the event path, the sweep or the record. The Slack notifier's Retry-After backoff is its own function.
 */
const SRC = join(import.meta.dirname, "../../../src");
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );

it("has no sleep or timer on the event path, the sweep, the wiring or the record", () => {
  const offenders = files(SRC)
    .filter((f) => !f.endsWith("adapters/slack.ts"))
    .filter((f) => /setTimeout|setInterval|\bsleep\(|SETTLE/i.test(readFileSync(f, "utf8")));

  expect(offenders.map((f) => f.slice(SRC.length + 1))).toEqual([]);
});
