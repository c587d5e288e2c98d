import type { ScanReport } from "./model.js";

/**
 * The report as one JSON document (`schema: isolation-guard.scan/v1`), with every resource examined.
 * @example writeFileSync("posture.json", renderJson(report));
 */
export function renderJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
