export * from "./arn.js";
export * from "./decide.js";
export * from "./errors.js";
export * from "./images.js";
export * from "./normalize.js";
export * from "./policy.js";
export * from "./policy-text.js";
export * from "./resource-types.js";
export type * from "./types.js";
