import { isSdkNodeVersionWarning, nodeVersionProblem } from "../../../bin/preflight.js";

describe("the CLI's Node check", () => {
  it.each([
    ["v20.0.0", ">=20"],
    ["v24.11.1", ">=20"],
    ["v22.3.0", ">=22.3"],
  ])("lets %s run under engines %s", (version, engines) => {
    expect(nodeVersionProblem(version, engines)).toBeNull();
  });

  it.each([
    ["v18.19.0", ">=20"],
    ["v16.20.2", ">=20"],
    ["v22.2.0", ">=22.3"],
  ])("tells %s in one sentence that it needs %s", (version, engines) => {
    expect(nodeVersionProblem(version, engines)).toBe(
      `isolation-guard needs Node ${engines} (the AWS SDK and middy it runs on require it); this is Node ${version}. Install a current Node LTS (24) and run it again.`,
    );
  });
});

describe("the SDK warning filter", () => {
  it("recognises the SDK's warning by its message, as process.emitWarning(text) names it Warning", () => {
    const sdk = new Error("NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) versions ...");
    sdk.name = "Warning";

    expect(isSdkNodeVersionWarning(sdk)).toBe(true);
    expect(isSdkNodeVersionWarning({ name: "NodeVersionSupportWarning", message: "x" })).toBe(true);
    expect(isSdkNodeVersionWarning({ name: "Warning", message: "Something mentions NodeVersionSupportWarning" })).toBe(
      false,
    );
    expect(isSdkNodeVersionWarning({ name: "DeprecationWarning", message: "Buffer() is deprecated" })).toBe(false);
  });
});
