export { renderHtml } from "./html.js";
export { renderJson } from "./json.js";
export { buildReport, formatAge, type ScanReport, scanScope, type ViolationRow } from "./model.js";
export { renderTable } from "./table.js";
