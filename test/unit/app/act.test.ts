import { type ActContext, act, alert, alertKey, claim, label, remedy } from "../../../src/app/act.js";
import { enforceResource, handleEvent } from "../../../src/app/enforce.js";
import { decideFacts } from "../../../src/core/decide.js";
import { DEFAULT_POLICY, policyFromObject } from "../../../src/core/policy.js";
import type { Caller, ResourceRef } from "../../../src/core/types.js";
import { sampleFor } from "../../support/events.js";
import {
  ACCOUNT,
  arnOf,
  depsWith,
  FakeAlerts,
  FakeCreators,
  FakeSageMaker,
  MemoryRecord,
  NOW,
  REGION,
} from "../../support/fakes.js";

/*
 * act() as named steps (remedy → claim → alert → label, then the record), each against in-memory fakes
 * of the SageMaker port and the record store; and the verify step in front of it (handleEvent).
 */
const ref = (type: ResourceRef["type"], name: string): ResourceRef => ({
  type,
  name,
  arn: arnOf(type, name),
  account: ACCOUNT,
  region: REGION,
});
const CREATED = new Date(NOW - 3_600_000).toISOString();

function contextFor(sm: FakeSageMaker, name: string, options: { isolated?: boolean; audit?: boolean } = {}) {
  const out = sm.resources.get(arnOf("training-job", name))?.out as Record<string, unknown>;
  const policy = options.audit ? { ...DEFAULT_POLICY, mode: "audit" as const } : DEFAULT_POLICY;
  const decision = decideFacts(
    {
      resource: ref("training-job", name),
      caller: null,
      units: [
        {
          basePath: "",
          label: null,
          networkIsolation: out.EnableNetworkIsolation === true,
          networkIsolationPath: "enableNetworkIsolation",
          vpc: null,
          vpcPath: "vpcConfig",
          images: [{ uri: "own:1", path: "algorithmSpecification.trainingImage" }],
        },
      ],
    },
    policy,
    NOW,
  );
  const ctx: ActContext = {
    decision,
    status: out.TrainingJobStatus as string,
    incarnation: { arn: arnOf("training-job", name), createdAt: CREATED },
    eventCaller: null,
    suspicious: null,
  };
  return ctx;
}

describe("remedy", () => {
  it("stops a running violating job", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("open", false);

    const done = await remedy(contextFor(sm, "open"), depsWith(sm));

    expect(done).toMatchObject({ remedy: "stopped", tagAction: "stopped", error: null });
    expect(sm.calls).toEqual(["stop training-job/open"]);
  });

  it("makes no call for a job Describe already saw finished", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("done", false);
    (sm.resources.get(arnOf("training-job", "done"))?.out as Record<string, unknown>).TrainingJobStatus = "Completed";

    const done = await remedy(contextFor(sm, "done"), depsWith(sm));

    expect(done).toMatchObject({ remedy: "not-running", detail: expect.stringContaining("status Completed") });
    expect(sm.calls).toEqual([]);
  });

  it("turns a refused stop of a job that still runs into a failure (retried, not recorded as done)", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("refused", false);
    sm.refuseStop.add("refused");

    const done = await remedy(contextFor(sm, "refused"), depsWith(sm));

    expect(done.remedy).toBe("failed");
    expect(done.error?.message).toMatch(/refused to stop training-job refused, which is still InProgress/);
    expect(sm.calls).toEqual(["stop training-job/refused", "describe training-job/refused"]);
  });

  it("does nothing in audit mode, and says so", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("audited", false);

    const done = await remedy(contextFor(sm, "audited", { audit: true }), depsWith(sm));

    expect(done).toMatchObject({ remedy: null, tagAction: "audit-only", detail: expect.stringMatching(/audit mode/) });
    expect(sm.calls).toEqual([]);
  });
});

describe("alertKey and claim", () => {
  it("keys one alert per mode, verdict and rules; interim alerts apart from the final one", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("k", false);
    const ctx = contextFor(sm, "k");
    const base = { tagAction: "none" as const, detail: "", error: null };

    expect(alertKey(ctx, { ...base, remedy: "stopped" })).toBe("enforce#NON_COMPLIANT#network-isolation-disabled");
    expect(alertKey(ctx, { ...base, remedy: "failed" })).toBe(
      "enforce#NON_COMPLIANT#network-isolation-disabled#failed",
    );
    expect(alertKey(ctx, { ...base, remedy: "gone" })).toBeNull();
    expect(alertKey({ ...ctx, suspicious: ctx.decision }, { ...base, remedy: null })).toBe("suspicious-event");
  });

  it("lets one claimer win; the others see it busy, then done once the alert went out", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("c", false);
    const record = new MemoryRecord();
    const deps = depsWith(sm, new FakeAlerts(), "policy-1", record);
    const ctx = contextFor(sm, "c");

    const first = await claim(ctx, "k", deps);
    const second = await claim(ctx, "k", deps);
    if (first?.state !== "won") throw new Error("the first claim must win");
    await record.complete(ctx.incarnation, "k", first.token, "m-1");
    const third = await claim(ctx, "k", deps);

    expect([first.state, second?.state, third?.state]).toEqual(["won", "busy", "done"]);
  });

  it("lets a claim whose holder died (lease ran out) be taken over", async () => {
    let now = NOW;
    const record = new MemoryRecord(() => now);
    const sm = new FakeSageMaker();
    sm.trainingJob("lease", false);
    const deps = depsWith(sm, new FakeAlerts(), "policy-1", record);
    const ctx = contextFor(sm, "lease");

    await claim(ctx, "k", deps);
    now += deps.leaseMs + 1;
    const later = await claim(ctx, "k", deps);

    expect(later?.state).toBe("won");
  });
});

describe("alert", () => {
  it("publishes only for the winner, and completes the claim with the message id", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("a", false);
    const alerts = new FakeAlerts();
    const record = new MemoryRecord();
    const deps = depsWith(sm, alerts, "policy-1", record);
    const ctx = contextFor(sm, "a");
    const done = {
      remedy: "stopped" as const,
      tagAction: "stopped" as const,
      detail: "the guard stopped it",
      error: null,
    };
    const won = await claim(ctx, "k", deps);

    expect(await alert(ctx, done, "k", won, deps)).toBe(true);
    expect(await alert(ctx, done, "k", { state: "busy" }, deps)).toBe(false);
    expect(alerts.sent).toHaveLength(1);
    expect([...record.claims.values()][0]).toMatchObject({ status: "COMPLETED", messageId: "1" });
  });

  it("gives the claim back when the publish fails, so the retry can report", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("p", false);
    const record = new MemoryRecord();
    const failing = { publish: async () => Promise.reject(new Error("SNS down")) };
    const deps = { ...depsWith(sm, new FakeAlerts(), "policy-1", record), alerts: failing };
    const ctx = contextFor(sm, "p");
    const won = await claim(ctx, "k", deps);

    await expect(
      alert(ctx, { remedy: null, tagAction: "none", detail: "", error: null }, "k", won, deps),
    ).rejects.toThrow(/SNS down/);
    expect(record.claims.size).toBe(0);
    expect((await claim(ctx, "k", deps))?.state).toBe("won");
  });
});

describe("label", () => {
  it("writes the contract's tags and nothing reads them back", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("l", false);
    const ctx = contextFor(sm, "l");

    expect(await label(ctx, "stopped", depsWith(sm))).toBe(true);

    expect(sm.tags.get(arnOf("training-job", "l"))).toMatchObject({
      "isolation-guard:status": "NON_COMPLIANT",
      "isolation-guard:rules": "network-isolation-disabled",
      "isolation-guard:action": "stopped",
      "isolation-guard:policy": "policy-1",
    });
    expect(sm.calls).toEqual(["addTags training-job/l"]);
  });
});

describe("act", () => {
  it("runs remedy, claim, alert, label and the record in that order, once", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("all", false);
    const record = new MemoryRecord();
    const alerts = new FakeAlerts();
    const deps = depsWith(sm, alerts, "policy-1", record);

    const outcome = await act(contextFor(sm, "all"), deps);

    expect(outcome).toMatchObject({ remedy: "stopped", alerted: true, tagged: true, duplicateOf: null });
    expect(record.calls).toEqual([
      "claim enforce#NON_COMPLIANT#network-isolation-disabled",
      "complete enforce#NON_COMPLIANT#network-isolation-disabled",
      "put",
    ]);
    expect(record.items.get(`${arnOf("training-job", "all")}#${CREATED}`)).toMatchObject({
      verdict: "NON_COMPLIANT",
      remedy: "stopped",
      alert: "reported",
      policyId: "policy-1",
    });
  });

  it("does not alert or label twice for a second delivery; it says the guard stopped the job", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("twice", false);
    const deps = depsWith(sm);
    await act(contextFor(sm, "twice"), deps);
    sm.calls.length = 0;

    const again = await act(contextFor(sm, "twice"), deps);

    expect(again).toMatchObject({ remedy: "not-running", tagAction: "stopped", alerted: false, tagged: false });
    expect(again.duplicateOf).not.toBeNull();
    expect(sm.calls).toEqual([]);
  });

  it("records a failed remedy as pending and throws, after its interim alert", async () => {
    const sm = new FakeSageMaker();
    sm.trainingJob("fails", false);
    sm.refuseStop.add("fails");
    const record = new MemoryRecord();
    const alerts = new FakeAlerts();

    await expect(act(contextFor(sm, "fails"), depsWith(sm, alerts, "policy-1", record))).rejects.toThrow(/refused/);

    expect(alerts.sent).toHaveLength(1);
    expect(record.items.get(`${arnOf("training-job", "fails")}#${CREATED}`)).toMatchObject({
      remedy: "failed",
      alert: "pending",
    });
    expect(sm.tags.get(arnOf("training-job", "fails"))).toEqual({});
  });
});

describe("verify (handleEvent) and creators (enforceResource)", () => {
  it("stops nothing when the event's claim is contradicted by Describe, and reports the event", async () => {
    const sm = new FakeSageMaker();
    const arn = sm.trainingJob("isolated", true);
    const alerts = new FakeAlerts();

    const outcome = await handleEvent(
      sampleFor("CreateTrainingJob.no-isolation.json", "isolated", arn),
      depsWith(sm, alerts),
    );

    expect(outcome).toMatchObject({ remedy: null, eventMismatch: true, alerted: true });
    expect(sm.calls).toEqual(["describe training-job/isolated", "addTags training-job/isolated"]);
    expect(alerts.sent[0]?.subject).toMatch(/Suspicious event/);
  });

  it("makes Describe and Stop the only calls before the stop", async () => {
    const sm = new FakeSageMaker();
    const arn = sm.trainingJob("first-calls", false);
    const record = new MemoryRecord();
    const order: string[] = [];
    const describe = sm.describe.bind(sm);
    sm.describe = async (t, n) => {
      order.push("describe");
      return describe(t, n);
    };
    const stop = sm.stop.bind(sm);
    sm.stop = async (t, n) => {
      order.push("stop");
      return stop(t, n);
    };
    const claimOf = record.claim.bind(record);
    record.claim = async (...a) => {
      order.push("claim");
      return claimOf(...a);
    };

    await handleEvent(
      sampleFor("CreateTrainingJob.no-isolation.json", "first-calls", arn),
      depsWith(sm, new FakeAlerts(), "policy-1", record),
    );

    expect(order).toEqual(["describe", "stop", "claim"]);
  });

  it("takes the creator from the record, else CloudTrail, else reports the violation as unverifiable", async () => {
    const exempt = "arn:aws:iam::123456789012:role/Platform";
    const policy = policyFromObject(
      { exemptions: [{ principal: exempt, reason: "canary", expires: "2099-01-01" }] },
      "test",
    );
    const caller = (arn: string): Caller => ({
      type: "AssumedRole",
      arn: `${arn}/s`,
      sessionIssuerArn: arn,
      sourceIdentity: null,
      invokedBy: null,
    });
    const run = async (setup: (r: MemoryRecord, c: FakeCreators) => Promise<void> | void) => {
      const sm = new FakeSageMaker();
      sm.trainingJob("j", false);
      const record = new MemoryRecord();
      const creators = new FakeCreators();
      await setup(record, creators);
      const deps = { ...depsWith(sm, new FakeAlerts(), "policy-1", record, creators), policy };
      return { outcome: await enforceResource(ref("training-job", "j"), deps), creators };
    };

    const fromRecord = await run((r) =>
      r.put({ arn: arnOf("training-job", "j"), createdAt: CREATED }, { caller: caller(exempt) }),
    );
    const fromTrail = await run((_r, c) => {
      c.creators.set("j", caller("arn:aws:iam::123456789012:role/Intern"));
    });
    const unknown = await run((_r, c) => {
      c.fail = true;
    });

    expect(fromRecord.outcome.decision.verdict).toBe("EXEMPT");
    expect(fromRecord.creators.calls).toEqual([]);
    expect(fromTrail.outcome).toMatchObject({ remedy: "stopped" });
    expect(unknown.outcome).toMatchObject({ remedy: null, alerted: true });
    expect(unknown.outcome.decision.verdict).toBe("NON_COMPLIANT");
    expect(unknown.outcome.decision.notes.join(" ")).toMatch(/creator unverifiable/);
  });
});
