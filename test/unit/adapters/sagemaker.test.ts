import { AddTagsCommand, SageMakerClient, StopTrainingJobCommand } from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { isNotFound, SageMakerAdapter } from "../../../src/adapters/sagemaker.js";
import { RESOURCE_TYPE_NAMES, RESOURCE_TYPES } from "../../../src/core/resource-types.js";

const sm = mockClient(SageMakerClient);
const adapter = new SageMakerAdapter(new SageMakerClient({ region: "us-east-1" }));
const awsError = (name: string, message: string) => Object.assign(new Error(message), { name });

beforeEach(() => sm.reset());

describe("SageMaker adapter", () => {
  it("reads a Stop refused for a finished job as not-running, not as a failure", async () => {
    sm.on(StopTrainingJobCommand).rejects(
      awsError("ValidationException", "The request was rejected because the training job is in status Completed."),
    );

    await expect(adapter.stop("training-job", "j")).resolves.toBe("not-running");
  });

  it("reads SageMaker's not-found answers (ValidationException or ResourceNotFound) as gone", async () => {
    sm.on(StopTrainingJobCommand).rejects(awsError("ValidationException", "Requested resource not found."));
    await expect(adapter.stop("training-job", "j")).resolves.toBe("gone");
    expect(isNotFound(awsError("ResourceNotFound", "x"))).toBe(true);
    expect(isNotFound(awsError("ValidationException", 'Could not find model "arn:..."'))).toBe(true);
    expect(isNotFound(awsError("ValidationException", "The job is in status Stopped"))).toBe(false);
  });

  it("fails loudly on any other error", async () => {
    sm.on(StopTrainingJobCommand).rejects(awsError("AccessDeniedException", "not authorized"));

    await expect(adapter.stop("training-job", "j")).rejects.toThrow(/StopTrainingJob j failed: not authorized/);
  });

  it("rewrites the comma-separated rule list when SageMaker's tag value pattern rejects commas", async () => {
    sm.on(AddTagsCommand)
      .rejectsOnce(
        awsError(
          "ValidationException",
          "1 validation error detected: Value at 'tags.2.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern",
        ),
      )
      .resolves({});

    await adapter.addTags("arn:aws:sagemaker:us-east-1:123456789012:training-job/j", {
      "isolation-guard:rules": "network-isolation-disabled,vpc-config-missing",
    });

    const second = sm.commandCalls(AddTagsCommand)[1]?.args[0].input;
    expect(second?.Tags).toEqual([
      { Key: "isolation-guard:rules", Value: "network-isolation-disabled+vpc-config-missing" },
    ]);
  });
});

describe("SageMaker adapter: every row's operations", () => {
  it.each(RESOURCE_TYPE_NAMES)("sends %s's describe and remedy as the commands its row names", async (type) => {
    const row = RESOURCE_TYPES[type];
    sm.onAnyCommand().resolves({});

    await adapter.describe(type, "r");
    if (row.remedy === "stop") await adapter.stop(type, "r");
    if (row.remedy === "delete") await adapter.delete(type, "r");

    const sent = sm.calls().map((c) => [c.args[0].constructor.name, c.args[0].input]);
    const ops = [
      row.api.describe,
      row.remedy === "stop" ? row.api.stop : row.remedy === "delete" ? row.api.delete : null,
    ];
    expect(sent).toEqual(
      ops.filter((op): op is string => !!op).map((op) => [`${op}Command`, { [row.api.nameParam]: "r" }]),
    );
  });
});
