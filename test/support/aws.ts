export * from "../../scripts/local-aws.js";
