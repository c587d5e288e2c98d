export { renderHtml } from "./html.js";
export { renderJson } from "./json.js";
export { buildReport, formatAge, type ScanReport, type ViolationRow } from "./model.js";
export { renderTable } from "./table.js";
