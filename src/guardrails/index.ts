export * from "./actions.js";
export * from "./coverage.js";
export * from "./errors.js";
export * from "./exemptions.js";
export * from "./generate.js";
export * from "./request-context.js";
export * from "./rules.js";
