import { type FindingsPort, type GuardFinding, sweepFindings } from "../../../src/org/security-hub.js";
import { Sweeper, SweepIncompleteError } from "../../../src/sweep/sweep.js";
import { runSweep, runSweepOver } from "../../../src/sweep/units.js";
import { arnOf, depsWith, FakeAlerts, FakeSageMaker, MemoryRecord, NOW } from "../../support/fakes.js";

describe("Sweeper.examine", () => {
  it("decides a resource with one record read for the batch and one describe, then acts like the event path", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("open", false);
    const alerts = new FakeAlerts();
    const record = new MemoryRecord();
    const sweeper = new Sweeper(depsWith(sm, alerts, "policy-1", record), sm, { concurrency: 4, trigger: "sweep" });

    const { resources } = await sweeper.list(["training-job"], { runningJobsOnly: true });
    const [item] = await sweeper.examine(resources, { dryRun: false, skipDecided: true });

    expect(item).toMatchObject({ verdict: "NON_COMPLIANT", remedy: "stopped", alerted: true, tagged: true });
    expect(sm.calls).toEqual([
      "list training-job",
      "describe training-job/open",
      "stop training-job/open",
      "addTags training-job/open",
    ]);
    expect(record.calls[0]).toBe("getMany 1");
    expect(alerts.sent).toHaveLength(1);
  });

  it("never reads the resource's tags: forged guard tags do not make the sweep skip a violation", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("forged", false, {
      "isolation-guard:status": "NON_COMPLIANT",
      "isolation-guard:rules": "network-isolation-disabled",
      "isolation-guard:policy": "policy-1",
    });
    const alerts = new FakeAlerts();
    const deps = { ...depsWith(sm, alerts), policy: { ...depsWith(sm).policy, mode: "audit" as const } };
    const sweeper = new Sweeper(deps, sm, { concurrency: 1, trigger: "sweep" });

    const { resources } = await sweeper.list(["training-job"], { runningJobsOnly: true });
    const [item] = await sweeper.examine(resources, { dryRun: false, skipDecided: true });

    expect(item).toMatchObject({ skipped: false, verdict: "NON_COMPLIANT", alerted: true });
    expect(alerts.sent).toHaveLength(1);
    expect(sm.tags.get(arnOf("training-job", "forged"))).toMatchObject({ "isolation-guard:action": "audit-only" });
  });

  it("skips a resource the record says is decided and reported under the current policy, without describing it", async () => {
    const sm = new FakeSageMaker();
    const arn = sm.trainingJob("decided", false);
    const record = new MemoryRecord();
    const createdAt = new Date(NOW - 3_600_000).toISOString();
    await record.put(
      { arn, createdAt },
      {
        verdict: "NON_COMPLIANT",
        rules: "network-isolation-disabled",
        policyId: "policy-1",
        alert: "reported",
      },
    );
    const sweeper = new Sweeper(depsWith(sm, new FakeAlerts(), "policy-1", record), sm, {
      concurrency: 4,
      trigger: "sweep",
    });

    const { resources } = await sweeper.list(["training-job"], { runningJobsOnly: true });
    const [item] = await sweeper.examine(resources, { dryRun: false, skipDecided: true });

    expect(item).toMatchObject({ skipped: true, verdict: "NON_COMPLIANT" });
    expect(item?.findings.map((f) => f.rule)).toEqual(["network-isolation-disabled"]);
    expect(sm.calls.some((c) => c.startsWith("describe"))).toBe(false);
  });

  it("decides again a resource whose earlier report is still pending (a failed stop)", async () => {
    const sm = new FakeSageMaker();
    const arn = sm.trainingJob("pending", false);
    const record = new MemoryRecord();
    const createdAt = new Date(NOW - 3_600_000).toISOString();
    await record.put(
      { arn, createdAt },
      {
        verdict: "NON_COMPLIANT",
        rules: "network-isolation-disabled",
        policyId: "policy-1",
        remedy: "failed",
        alert: "pending",
      },
    );
    const sweeper = new Sweeper(depsWith(sm, new FakeAlerts(), "policy-1", record), sm, {
      concurrency: 1,
      trigger: "sweep",
    });

    const { resources } = await sweeper.list(["training-job"], { runningJobsOnly: true });
    const [item] = await sweeper.examine(resources, { dryRun: false, skipDecided: true });

    expect(item).toMatchObject({ skipped: false, remedy: "stopped" });
  });

  it("describes again a resource decided under another policy", async () => {
    const sm = new FakeSageMaker();
    const arn = sm.trainingJob("old-policy", true);
    const record = new MemoryRecord();
    await record.put(
      { arn, createdAt: new Date(NOW - 3_600_000).toISOString() },
      { verdict: "COMPLIANT", policyId: "policy-0", alert: "none" },
    );
    const sweeper = new Sweeper(depsWith(sm, new FakeAlerts(), "policy-1", record), sm, {
      concurrency: 4,
      trigger: "sweep",
    });

    const { resources } = await sweeper.list(["training-job"], { runningJobsOnly: true });
    const [item] = await sweeper.examine(resources, { dryRun: false, skipDecided: true });

    expect(item).toMatchObject({ skipped: false, verdict: "COMPLIANT", previous: { policy: "policy-0" } });
    expect(sm.tags.get(arnOf("training-job", "old-policy"))?.["isolation-guard:policy"]).toBe("policy-1");
  });

  it("describes a model shared by several consumers once per sweep", async () => {
    const sm = new FakeSageMaker();
    sm.model("shared", true);
    for (const n of ["a", "b", "c"])
      sm.add("transform-job", n, { TransformJobName: n, ModelName: "shared", TransformJobStatus: "InProgress" });
    const sweeper = new Sweeper(depsWith(sm), sm, { concurrency: 3, trigger: "scan" });

    const { resources } = await sweeper.list(["transform-job", "model"], { runningJobsOnly: true });
    const items = await sweeper.examine(resources, { dryRun: true, skipDecided: false });

    expect(items.map((i) => i.verdict)).toEqual(["COMPLIANT", "COMPLIANT", "COMPLIANT", "COMPLIANT"]);
    expect(sm.calls.filter((c) => c === "describe model/shared")).toHaveLength(1);
  });

  it("never has more than `concurrency` resources in flight", async () => {
    const sm = new FakeSageMaker();
    for (let i = 0; i < 20; i++) sm.trainingJob(`j${i}`, true);
    let inFlight = 0;
    let peak = 0;
    const describe = sm.describe.bind(sm);
    sm.describe = async (type, name) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return describe(type, name);
    };
    const sweeper = new Sweeper(depsWith(sm), sm, { concurrency: 4, trigger: "scan" });

    const { resources } = await sweeper.list(["training-job"], { runningJobsOnly: true });
    const items = await sweeper.examine(resources, { dryRun: true, skipDecided: false });

    expect(items).toHaveLength(20);
    expect(peak).toBe(4);
  });

  it("records a resource whose describe keeps failing as ERROR and goes on with the others", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("flaky", true);
    sm.trainingJob("fine", true);
    sm.failDescribe.add("flaky");
    const sweeper = new Sweeper(depsWith(sm), sm, { concurrency: 2, trigger: "scan" });

    const { resources } = await sweeper.list(["training-job"], { runningJobsOnly: true });
    const items = await sweeper.examine(resources, { dryRun: true, skipDecided: false });

    expect(items.map((i) => [i.name, i.verdict])).toEqual([
      ["flaky", "ERROR"],
      ["fine", "COMPLIANT"],
    ]);
    expect(items[0]?.error).toMatch(/Rate exceeded/);
  });

  it("in a dry run changes nothing, and `fix` then applies the remedies with no second read", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("open", false);
    sm.model("open-model", false);
    const alerts = new FakeAlerts();
    const sweeper = new Sweeper(depsWith(sm, alerts), sm, { concurrency: 2, trigger: "scan" });
    const { resources } = await sweeper.list(["training-job", "model"], { runningJobsOnly: true });
    const found = await sweeper.examine(resources, { dryRun: true, skipDecided: false });
    expect(sm.calls.filter((c) => /stop|delete|addTags/.test(c))).toEqual([]);
    sm.calls.length = 0;

    const fixed = await sweeper.fix(found);

    expect(fixed.map((i) => i.remedy)).toEqual(["stopped", "deleted"]);
    expect(sm.calls).toEqual(["stop training-job/open", "delete model/open-model", "addTags training-job/open"]);
    expect(alerts.sent).toHaveLength(2);
  });
});

describe("runSweep", () => {
  it("lists running jobs and models created in the lookback window, and summarises", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("open", false);
    const seen: unknown[] = [];
    const lister = {
      list: (type: Parameters<FakeSageMaker["list"]>[0], filter: unknown) => {
        seen.push([type, filter]);
        return sm.list(type);
      },
    };

    const summary = await runSweep(depsWith(sm), lister, { concurrency: 4, lookbackMinutes: 35 });

    expect(summary).toMatchObject({ listed: 1, examined: 1, stopped: 1, alerted: 1, verdicts: { NON_COMPLIANT: 1 } });
    expect(seen).toContainEqual(["model", { runningJobsOnly: true, createdAfter: new Date(NOW - 35 * 60_000) }]);
    expect(summary.createdAfter).toBe(new Date(NOW - 35 * 60_000).toISOString());
  });

  it("throws SweepIncompleteError after deciding what it could, when a resource failed", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("flaky", false);
    sm.trainingJob("open", false);
    sm.failDescribe.add("flaky");

    await expect(runSweep(depsWith(sm), sm, { concurrency: 1, lookbackMinutes: 0 })).rejects.toThrow(
      SweepIncompleteError,
    );
    expect(sm.calls).toContain("stop training-job/open");
  });

  it("stops taking new resources when told to (a Lambda near its timeout) and says how many were left", async () => {
    const sm = new FakeSageMaker();
    for (let i = 0; i < 5; i++) sm.trainingJob(`j${i}`, true);
    let n = 0;

    await expect(
      runSweep(depsWith(sm), sm, { concurrency: 1, lookbackMinutes: 0, stopWhen: () => n++ >= 2 }),
    ).rejects.toThrow(/3 resources not reached/);
  });
});

describe("Security Hub from the sweep", () => {
  /** Security Hub in memory; `failures` imports are refused first. */
  function hub(failures = 0) {
    const stored = new Map<string, GuardFinding>();
    let left = failures;
    const port: FindingsPort = {
      findingsOf: async (arn) =>
        [...stored.values()]
          .filter((f) => (f.Resources as { Id: string }[])[0]?.Id === arn)
          .map((f) => ({
            id: f.Id,
            generatorId: f.GeneratorId as string,
            recordState: f.RecordState,
            createdAt: f.CreatedAt as string,
          })),
      importFindings: async (findings) => {
        if (left-- > 0) throw new Error("ThrottlingException");
        for (const f of findings) stored.set(f.Id, f);
      },
    };
    return {
      stored,
      target: { port, productArn: "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default" },
    };
  }

  it("reports a failed import as the resource's error, and the next sweep retries it without a second alert", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("open", false);
    const alerts = new FakeAlerts();
    const record = new MemoryRecord();
    const deps = {
      ...depsWith(sm, alerts, "policy-1", record),
      policy: { ...depsWith(sm).policy, mode: "audit" as const },
    };
    const h = hub(1);
    const options = { concurrency: 1, lookbackMinutes: 0, findings: sweepFindings(() => h.target) };

    await expect(runSweep(deps, sm, options)).rejects.toThrow(/1 failures/);
    expect(h.stored.size).toBe(0);
    const again = await runSweep(deps, sm, options);
    const third = await runSweep(deps, sm, options);

    expect(again).toMatchObject({ examined: 1, skipped: 0, errors: [] });
    expect([...h.stored.values()].map((f) => [f.RecordState, f.GeneratorId])).toEqual([
      ["ACTIVE", "isolation-guard/network-isolation-disabled"],
    ]);
    expect(third).toMatchObject({ examined: 0, skipped: 1 });
    expect(alerts.sent).toHaveLength(1);
  });

  it("does not skip a decided resource whose record says Security Hub never saw the decision", async () => {
    const sm = new FakeSageMaker();
    const arn = sm.trainingJob("decided-before-hub", false);
    const record = new MemoryRecord();
    const decidedAt = new Date(NOW - 60_000).toISOString();
    await record.put(
      { arn, createdAt: new Date(NOW - 3_600_000).toISOString() },
      {
        verdict: "NON_COMPLIANT",
        rules: "network-isolation-disabled",
        policyId: "policy-1",
        alert: "reported",
        decidedAt,
      },
    );
    const h = hub();

    const without = await runSweep(depsWith(sm, new FakeAlerts(), "policy-1", record), sm, {
      concurrency: 1,
      lookbackMinutes: 0,
    });
    const withHub = await runSweep(depsWith(sm, new FakeAlerts(), "policy-1", record), sm, {
      concurrency: 1,
      lookbackMinutes: 0,
      findings: sweepFindings(() => h.target),
    });

    expect(without).toMatchObject({ skipped: 1 });
    expect(withHub).toMatchObject({ skipped: 0, examined: 1 });
    expect(h.stored.size).toBe(1);
  });
});

describe("runSweepOver (the central shape's sweep)", () => {
  it("reports an account that cannot be reached, and one that time ran out for, as not examined", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("open", false);
    const deps = depsWith(sm);
    let reached = 0;
    const targets = [
      { account: "111122223333", region: "us-east-1" },
      { account: "444455556666", region: "us-east-1" },
      { account: "777788889999", region: "us-east-1" },
    ];

    const run = runSweepOver(
      deps,
      targets,
      async (account) => {
        reached++;
        if (account === "111122223333") throw new Error("cannot assume the member role: AccessDenied");
        return { deps, lister: sm };
      },
      { concurrency: 1, unitConcurrency: 1, lookbackMinutes: 0, stopWhen: () => reached >= 2 },
    );

    await expect(run).rejects.toThrow(
      /2 of 3 account\/region\(s\) not examined \(111122223333\/us-east-1: cannot assume/,
    );
    expect(reached).toBe(2);
  });
});
