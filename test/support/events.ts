export * from "../../scripts/sample-events.js";
