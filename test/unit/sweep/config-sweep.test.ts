import { loadSweepConfig, rateMinutes } from "../../../src/app/config-sweep.js";
import { ConfigError } from "../../../src/core/errors.js";

const base = { AWS_REGION: "us-east-1", GUARD_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:alerts" };

describe("sweep configuration", () => {
  it("defaults to concurrency 4 and a lookback of two intervals plus five minutes", () => {
    expect(loadSweepConfig(base)).toMatchObject({ concurrency: 4, intervalMinutes: 15, lookbackMinutes: 35 });
  });

  it("derives the lookback from the deployed schedule", () => {
    expect(loadSweepConfig({ ...base, GUARD_SWEEP_RATE: "rate(1 hour)" })).toMatchObject({
      intervalMinutes: 60,
      lookbackMinutes: 125,
    });
  });

  it("reads rate expressions in minutes, hours and days, and nothing else", () => {
    expect(rateMinutes("rate(5 minutes)")).toBe(5);
    expect(rateMinutes("rate(1 day)")).toBe(1440);
    expect(rateMinutes("cron(0 * * * ? *)")).toBeNull();
    expect(rateMinutes("rate(0 minutes)")).toBeNull();
  });

  it("lists every problem at once, the enforcer's included", () => {
    const env = {
      AWS_REGION: "us-east-1",
      GUARD_SWEEP_CONCURRENCY: "0",
      GUARD_SWEEP_RATE: "every 15 minutes",
      GUARD_SWEEP_LOOKBACK_MINUTES: "abc",
    };
    expect(() => loadSweepConfig(env)).toThrow(ConfigError);
    try {
      loadSweepConfig(env);
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toMatch(/GUARD_ALERT_TOPIC_ARN/);
      expect(message).toMatch(/GUARD_SWEEP_CONCURRENCY must be an integer between 1 and 32/);
      expect(message).toMatch(/GUARD_SWEEP_RATE/);
      expect(message).toMatch(/GUARD_SWEEP_LOOKBACK_MINUTES/);
    }
  });

  it("refuses a lookback shorter than the interval (resources would fall in the gap); 0 means everything", () => {
    expect(() => loadSweepConfig({ ...base, GUARD_SWEEP_LOOKBACK_MINUTES: "10" })).toThrow(
      /shorter than the sweep interval/,
    );
    expect(loadSweepConfig({ ...base, GUARD_SWEEP_LOOKBACK_MINUTES: "0" }).lookbackMinutes).toBe(0);
  });
});
