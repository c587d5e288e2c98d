import type { HandleOutcome } from "../../../src/app/enforce.js";
import { ConfigError } from "../../../src/core/errors.js";
import type { Decision } from "../../../src/core/types.js";
import { loadOrgConfig, needsOrgWiring } from "../../../src/org/config.js";
import { MemberAccessError } from "../../../src/org/errors.js";
import { MemberAccess } from "../../../src/org/member-access.js";
import { OrgMembership } from "../../../src/org/membership.js";
import type { MemberCredentials, OrgAccount } from "../../../src/org/ports.js";
import {
  type FindingsPort,
  type GuardFinding,
  publishFindings,
  type StoredFinding,
} from "../../../src/org/security-hub.js";

const HOME = { account: "123456789012", region: "us-east-1" };

describe("organization settings", () => {
  it("is single-account mode without GUARD_MEMBER_ROLE_NAME, with the home region as the only region", () => {
    const c = loadOrgConfig({}, HOME);
    expect(c).toMatchObject({ memberRoleName: null, memberAccounts: null, regions: ["us-east-1"], securityHub: null });
    expect(needsOrgWiring(c)).toBe(false);
  });

  it("reads the member role, allow-list, regions and Security Hub's default product of the home account", () => {
    const c = loadOrgConfig(
      {
        GUARD_MEMBER_ROLE_NAME: "IsolationGuardMember",
        GUARD_MEMBER_ACCOUNTS: "111122223333, 444455556666",
        GUARD_REGIONS: "us-east-1,eu-west-1",
        GUARD_SECURITY_HUB: "true",
      },
      HOME,
    );
    expect(c.memberAccounts).toEqual(["111122223333", "444455556666"]);
    expect(c.regions).toEqual(["us-east-1", "eu-west-1"]);
    expect(c.securityHub?.productArn).toBe("arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default");
    expect(needsOrgWiring(c)).toBe(true);
  });

  it("lists every problem at once", () => {
    expect(() =>
      loadOrgConfig(
        {
          GUARD_MEMBER_ROLE_NAME: "bad role",
          GUARD_MEMBER_ACCOUNTS: "12",
          GUARD_REGIONS: "mars",
          GUARD_SECURITY_HUB: "yes",
        },
        HOME,
      ),
    ).toThrow(
      expect.objectContaining({
        constructor: ConfigError,
        message: expect.stringMatching(/ROLE_NAME[\s\S]*"12"[\s\S]*"mars"[\s\S]*SECURITY_HUB/),
      }),
    );
  });
});

describe("organization membership", () => {
  const accounts: OrgAccount[] = [
    { id: "111122223333", name: "ml-dev", status: "ACTIVE" },
    { id: "444455556666", name: "old", status: "SUSPENDED" },
  ];

  it("trusts ACTIVE accounts of the organization, lists them once per TTL, and refuses suspended and unknown ones", async () => {
    let calls = 0;
    let now = 0;
    const m = new OrgMembership(
      {
        directory: {
          listAccounts: async () => {
            calls++;
            return accounts;
          },
        },
      },
      { ttlMs: 300_000, now: () => now, refreshFloorMs: 60_000 },
    );
    expect(await m.check("111122223333")).toEqual({ member: true, name: "ml-dev" });
    expect(await m.check("444455556666")).toMatchObject({ member: false, reason: expect.stringMatching(/SUSPENDED/) });
    expect(await m.check("999999999999")).toMatchObject({
      member: false,
      reason: expect.stringMatching(/not in the organization/),
    });
    expect(calls).toBe(1);
    now = 61_000; // an unknown account refreshes the list early, at most once a minute
    await m.check("999999999999");
    await m.check("999999999999");
    expect(calls).toBe(2);
    now = 400_000;
    await m.check("111122223333");
    expect(calls).toBe(3);
  });

  it("with an allow-list, never calls Organizations", async () => {
    const m = new OrgMembership({ allowList: ["111122223333"] }, { ttlMs: 0, now: () => 0 });
    expect((await m.check("111122223333")).member).toBe(true);
    expect((await m.check("444455556666")).member).toBe(false);
  });
});

describe("member credentials", () => {
  function sts(expiresInMs: number, fail = false) {
    const arns: string[] = [];
    return {
      arns,
      port: {
        async assumeRole(roleArn: string): Promise<MemberCredentials> {
          arns.push(roleArn);
          if (fail) throw new MemberAccessError("AccessDenied", "assume-role");
          return { accessKeyId: "A", secretAccessKey: "S", sessionToken: "T", expiration: new Date(expiresInMs) };
        },
      },
    };
  }

  it("assumes the role once per account for every region, until five minutes before expiry", async () => {
    let now = 0;
    const s = sts(3_600_000);
    const access = new MemberAccess(s.port, "IsolationGuardMember", () => now);
    await Promise.all([
      access.credentials("111122223333", "us-east-1"),
      access.credentials("111122223333", "eu-west-1"),
    ]);
    expect(s.arns).toEqual(["arn:aws:iam::111122223333:role/IsolationGuardMember"]);
    now = 3_600_000 - 4 * 60_000;
    await access.credentials("111122223333", "us-east-1");
    expect(s.arns).toHaveLength(2);
  });

  it("does not cache a refused AssumeRole", async () => {
    const s = sts(0, true);
    const access = new MemberAccess(s.port, "R", () => 0);
    await expect(access.credentials("111122223333", "us-east-1")).rejects.toThrow(MemberAccessError);
    await expect(access.credentials("111122223333", "us-east-1")).rejects.toThrow(MemberAccessError);
    expect(s.arns).toHaveLength(2);
  });

  it("names the role in the region's partition", () => {
    expect(new MemberAccess(sts(0).port, "R", () => 0).roleArn("111122223333", "cn-north-1")).toBe(
      "arn:aws-cn:iam::111122223333:role/R",
    );
  });
});

describe("Security Hub findings", () => {
  const ARN = "arn:aws:sagemaker:us-east-1:111122223333:training-job/j";
  const PRODUCT = { productArn: "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default" };

  class FakeHub implements FindingsPort {
    readonly stored = new Map<string, GuardFinding>();
    async findingsOf(arn: string): Promise<StoredFinding[]> {
      return [...this.stored.values()]
        .filter((f) => (f.Resources as { Id: string }[])[0]?.Id === arn)
        .map((f) => ({
          id: f.Id,
          generatorId: f.GeneratorId as string,
          recordState: f.RecordState,
          createdAt: f.CreatedAt as string,
        }));
    }
    async importFindings(findings: GuardFinding[]) {
      for (const f of findings) this.stored.set(f.Id, f);
    }
  }

  function outcome(
    verdict: Decision["verdict"],
    remedy: HandleOutcome["remedy"],
    rules: string[] = ["network-isolation-disabled"],
  ): HandleOutcome {
    return {
      decision: {
        verdict,
        reason: null,
        resource: { type: "training-job", name: "j", arn: ARN, account: "111122223333", region: "us-east-1" },
        caller: null,
        findings: rules.map((rule) => ({
          rule,
          severity: "high",
          message: `${rule} message`,
          path: "p",
          fix: `${rule} fix`,
        })) as Decision["findings"],
        actions: [],
        mode: "enforce",
        notes: [],
        exemption: null,
        event: { id: null, deliveryId: null, name: null, time: null, source: null, detailType: null },
      },
      remedy,
      tagAction: null,
      tagged: false,
      alerted: false,
      duplicateOf: null,
    };
  }
  const ctx = { now: 1_000, createdAt: "2026-12-01T00:00:00.000Z", accountName: "ml-dev" };

  it("one finding per rule and incarnation; re-deliveries update it; a stop archives it and a later delivery does not reopen it", async () => {
    const hub = new FakeHub();
    await publishFindings(
      hub,
      PRODUCT,
      outcome("NON_COMPLIANT", null, ["network-isolation-disabled", "vpc-config-missing"]),
      ctx,
    );
    await publishFindings(
      hub,
      PRODUCT,
      outcome("NON_COMPLIANT", null, ["network-isolation-disabled", "vpc-config-missing"]),
      ctx,
    );
    expect(hub.stored.size).toBe(2);
    expect([...hub.stored.values()].every((f) => f.RecordState === "ACTIVE" && f.AwsAccountId === "111122223333")).toBe(
      true,
    );
    await publishFindings(
      hub,
      PRODUCT,
      outcome("NON_COMPLIANT", "stopped", ["network-isolation-disabled", "vpc-config-missing"]),
      ctx,
    );
    await publishFindings(
      hub,
      PRODUCT,
      outcome("NON_COMPLIANT", "not-running", ["network-isolation-disabled", "vpc-config-missing"]),
      ctx,
    );
    expect(hub.stored.size).toBe(2);
    expect([...hub.stored.values()].map((f) => [f.RecordState, (f.Workflow as { Status: string }).Status])).toEqual([
      ["ARCHIVED", "RESOLVED"],
      ["ARCHIVED", "RESOLVED"],
    ]);
  });

  it("a re-created resource (new creation time) gets a new finding", async () => {
    const hub = new FakeHub();
    await publishFindings(hub, PRODUCT, outcome("NON_COMPLIANT", "deleted"), ctx);
    await publishFindings(hub, PRODUCT, outcome("NON_COMPLIANT", null), {
      ...ctx,
      createdAt: "2026-12-02T00:00:00.000Z",
    });
    expect([...hub.stored.values()].map((f) => f.RecordState).sort()).toEqual(["ACTIVE", "ARCHIVED"]);
  });

  it("archives the rules a later decision no longer finds, and everything when it is compliant", async () => {
    const hub = new FakeHub();
    await publishFindings(
      hub,
      PRODUCT,
      outcome("NON_COMPLIANT", null, ["network-isolation-disabled", "vpc-config-missing"]),
      ctx,
    );
    await publishFindings(hub, PRODUCT, outcome("NON_COMPLIANT", null, ["vpc-config-missing"]), ctx);
    const states = () => Object.fromEntries([...hub.stored.values()].map((f) => [f.GeneratorId, f.RecordState]));
    expect(states()).toEqual({
      "isolation-guard/network-isolation-disabled": "ARCHIVED",
      "isolation-guard/vpc-config-missing": "ACTIVE",
    });
    await publishFindings(hub, PRODUCT, outcome("COMPLIANT", null, []), ctx);
    expect(states()).toEqual({
      "isolation-guard/network-isolation-disabled": "ARCHIVED",
      "isolation-guard/vpc-config-missing": "ARCHIVED",
    });
  });

  it("a deleted resource that can no longer be described keeps its finding's id", async () => {
    const hub = new FakeHub();
    await publishFindings(hub, PRODUCT, outcome("NON_COMPLIANT", "deleted"), ctx);
    await publishFindings(hub, PRODUCT, outcome("NON_COMPLIANT", "gone"), { ...ctx, createdAt: null });
    expect(hub.stored.size).toBe(1);
  });
});

describe("alerts of a central guard name the member account", () => {
  it("shows the account's name next to its id in the email, the JSON document, Slack and Chatbot", async () => {
    const { renderAlert } = await import("../../../src/app/alert-message.js");
    const { readTopicMessage } = await import("../../../src/notify/alert-document.js");
    const { renderSlackMessage, slackMessageAsText } = await import("../../../src/notify/slack-message.js");
    const { decisionFor, STOPPED } = await import("../notify/fixtures.js");
    const d = decisionFor("CreateTrainingJob.no-isolation.json");

    const named = renderAlert(d, STOPPED, { accountName: "ml-dev", format: "chatbot" });
    const plain = renderAlert(d, STOPPED, {});

    expect(named.bodies.email).toContain("account 123456789012 (ml-dev), region us-east-1");
    expect(plain.bodies.email).toContain("account 123456789012, region us-east-1");
    expect(JSON.parse(named.bodies.sqs as string).resource.accountName).toBe("ml-dev");
    expect(JSON.parse(plain.bodies.sqs as string).resource).not.toHaveProperty("accountName");
    const slack = slackMessageAsText(renderSlackMessage(readTopicMessage(named.bodies.sqs as string)));
    expect(slack).toMatch(/123456789012`? \(ml-dev\)/);
    expect(named.bodies.default).toContain("123456789012 (ml-dev)");
  });
});
