import { jest } from "@jest/globals";
import type { Context } from "aws-lambda";
import { AlertInbox, clients, emulatorEnv, Fixtures } from "../support/aws.js";
import { type Emulator, startEmulator } from "../support/emulator.js";
import { sampleFor } from "../support/events.js";

let emu: Emulator;
const lambdaContext = {
  functionName: "sagemaker-isolation-guard-test-enforcer",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:sagemaker-isolation-guard-test-enforcer",
  memoryLimitInMB: "256",
  awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

beforeAll(async () => {
  emu = await startEmulator();
}, 30_000);
afterAll(async () => emu?.stop());

describe("the deployed Lambda handler (middy + Powertools) against the emulator", () => {
  it("stops a violating job and writes structured, correlated logs and EMF metrics without the request's secrets", async () => {
    const aws = clients(emu.endpoint);
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create("lambda-alerts");
    const arn = await new Fixtures(aws.sm).trainingJob("lambda-open-job");
    Object.assign(process.env, {
      ...emulatorEnv(emu.endpoint),
      GUARD_ALERT_TOPIC_ARN: inbox.topicArn,
      GUARD_SETTLE_MS: "0",
      POWERTOOLS_DEV: "false",
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    });
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    });
    const logSpies = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
      jest.spyOn(console, m).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      }),
    );
    const { handler } = await import("../../handlers/enforcer/index.js");

    const result = await handler(
      sampleFor("CreateTrainingJob.with-secret-env.json", "lambda-open-job", arn),
      lambdaContext,
    );

    spy.mockRestore();
    for (const s of logSpies) s.mockRestore();
    expect(result).toMatchObject({ verdict: "NON_COMPLIANT", remedy: "stopped", alerted: true });
    const output = lines.join("\n");
    expect(output).toContain('"resourceArn"');
    expect(output).toContain('"eventId"');
    expect(output).toMatch(/"Stops"/);
    expect(output).toMatch(/"AlertsSent"/);
    expect(output).toMatch(/"ColdStart"/); // published when the invocation ended, as Powertools' logMetrics does
    expect(output).not.toMatch(/hunter2|FAKE-SECRET|wJalrXUtnFEMI/);
    expect(await inbox.drain()).toHaveLength(1);
  });
});
