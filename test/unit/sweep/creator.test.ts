import { creatorOf } from "../../../src/sweep/creator.js";

describe("creator of a resource found without an event", () => {
  it("prefers a creator tag", () => {
    expect(creatorOf({ owner: "ana@example.com" }, { RoleArn: "arn:aws:iam::1:role/R" })).toBe("ana@example.com");
  });

  it("falls back to the execution role, marked as a role", () => {
    expect(creatorOf({}, { ExecutionRoleArn: "arn:aws:iam::1:role/M" })).toBe("role: arn:aws:iam::1:role/M");
    expect(creatorOf(null, { TrainingJobDefinition: { RoleArn: "arn:aws:iam::1:role/T" } })).toBe(
      "role: arn:aws:iam::1:role/T",
    );
  });

  it("says nothing rather than guess", () => {
    expect(creatorOf({}, { EndpointName: "e" })).toBeNull();
  });
});
