import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { createSsmProvider, retryAfterMs, SsmSecret } from "../../../src/adapters/slack.js";
import { loadNotifierConfig } from "../../../src/app/config-notifier.js";
import { ConfigError } from "../../../src/core/errors.js";

const URL_SECRET = "https://hooks.slack.com/services/T000/B000/not-a-real-token";
const ssm = mockClient(SSMClient);
beforeEach(() => ssm.reset());

function parameter(value: string) {
  return { Parameter: { Name: "/guard/slack", Type: "SecureString" as const, Value: value, Version: 1 } };
}

describe("the webhook URL from SSM Parameter Store", () => {
  it("is read once, decrypted, and cached for the container", async () => {
    ssm.on(GetParameterCommand).resolves(parameter(URL_SECRET));
    const secret = new SsmSecret("/guard/slack", createSsmProvider(new SSMClient({ region: "us-east-1" })));

    const values = [await secret.get(), await secret.get(), await secret.get()];

    expect(values).toEqual([URL_SECRET, URL_SECRET, URL_SECRET]);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: "/guard/slack",
      WithDecryption: true,
    });
  });

  it("is read again on the next call after a failed read", async () => {
    ssm.on(GetParameterCommand).rejectsOnce(new Error("throttled")).resolves(parameter(URL_SECRET));
    const secret = new SsmSecret("/guard/slack", createSsmProvider(new SSMClient({ region: "us-east-1" })));

    await expect(secret.get()).rejects.toThrow(/cannot read SSM parameter \/guard\/slack/);
    await expect(secret.get()).resolves.toBe(URL_SECRET);
  });

  it("refuses a value that is not an https URL without repeating the value", async () => {
    ssm.on(GetParameterCommand).resolves(parameter("http://hooks.example/s3cr3t-token"));
    const secret = new SsmSecret("/guard/slack", createSsmProvider(new SSMClient({ region: "us-east-1" })));

    const error = await secret.get().catch((e: Error) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain("s3cr3t");
  });
});

describe("Slack's Retry-After", () => {
  it("is read as seconds or as an HTTP date, and defaults to one second", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs("0.5")).toBe(500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 7_000)).toBe(3000);
    expect(retryAfterMs(null)).toBe(1000);
    expect(retryAfterMs("soon")).toBe(1000);
  });
});

describe("the notifier's configuration", () => {
  const env = { AWS_REGION: "eu-west-1", GUARD_SLACK_WEBHOOK_PARAMETER: "/isolation-guard/prod/slack-webhook" };

  it("needs only the region and the parameter name", () => {
    expect(loadNotifierConfig(env)).toEqual({
      region: "eu-west-1",
      webhookParameter: "/isolation-guard/prod/slack-webhook",
      runbookUrl: null,
      maxRetryWaitMs: 20_000,
      maxAttempts: 3,
      timeoutMs: 10_000,
    });
  });

  it("lists every problem at cold start", () => {
    const error = (() => {
      try {
        loadNotifierConfig({ GUARD_RUNBOOK_URL: "ftp://x", GUARD_SLACK_MAX_ATTEMPTS: "0" });
      } catch (e) {
        return e as Error;
      }
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(
      /AWS_REGION[\s\S]*GUARD_SLACK_WEBHOOK_PARAMETER[\s\S]*GUARD_RUNBOOK_URL[\s\S]*ATTEMPTS/,
    );
  });

  it("refuses a webhook URL in the environment without echoing it", () => {
    const run = () => loadNotifierConfig({ ...env, GUARD_SLACK_WEBHOOK_URL: URL_SECRET });

    expect(run).toThrow(/GUARD_SLACK_WEBHOOK_URL is set: keep the webhook URL in SSM/);
    expect(run).not.toThrow(/not-a-real-token/);
  });
});
