import {
  DEFAULT_POLICY,
  type Decision,
  decide,
  decideFacts,
  isPrivateCidr,
  judgeSubnet,
  normalizeEvent,
  policyFromObject,
  type RouteFact,
  type SubnetRoutes,
  subnetsToVerify,
} from "../../../src/core/index.js";
import { ALLOWED_SG, CUSTOM_IMAGE, facts, loadEvent, NOW, PYTORCH_DLC, unit } from "./fixtures.js";

const SUBNET = "subnet-0a1b2c3d4e5f60001";
const LOCAL: RouteFact = { destination: "10.0.0.0/16", target: "local", state: "active" };
const route = (destination: string, target: string, state: RouteFact["state"] = "active"): RouteFact => ({
  destination,
  target,
  state,
});
const table = (routes: RouteFact[], subnet = SUBNET, main = false): SubnetRoutes => ({
  subnet,
  found: true,
  vpc: "vpc-0a1",
  routeTable: "rtb-0a1",
  main,
  routes: [LOCAL, ...routes],
});
const judge = (s: SubnetRoutes, approved: string[] = []) => judgeSubnet(s, new Set(approved));
const rulesOf = (d: Decision) => [...new Set(d.findings.map((f) => f.rule))];

/** A PyTorch training job without isolation in SUBNET: compliant only because of its VPC. */
const pytorchInVpc = (routes?: Record<string, SubnetRoutes>, subnets = [SUBNET]) =>
  facts("training-job", {
    units: [
      unit({
        networkIsolation: false,
        vpc: { subnets, securityGroupIds: [ALLOWED_SG] },
        images: [{ uri: PYTORCH_DLC, path: "algorithmSpecification.trainingImage" }],
      }),
    ],
    ...(routes ? { routes } : {}),
  });

describe("route analysis of one subnet", () => {
  it.each([
    ["0.0.0.0/0", "igw-0abc", "internet gateway"],
    ["0.0.0.0/0", "nat-0abc", "NAT gateway"],
    ["::/0", "eigw-0abc", "egress-only internet gateway"],
    ["52.95.0.0/16", "nat-0abc", "NAT gateway"],
    ["172.0.0.0/8", "igw-0abc", "internet gateway"],
  ])(
    "flags %s to %s as a route to the internet, naming subnet, table, destination and target",
    (dest, target, what) => {
      const { verdict, findings } = judge(table([route(dest, target)]));

      expect(verdict.verdict).toBe("routes-to-internet");
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        rule: "subnet-routes-to-internet",
        severity: "high",
        destination: dest,
        target,
      });
      expect(findings[0]?.message).toContain(SUBNET);
      expect(findings[0]?.message).toContain("rtb-0a1");
      expect(findings[0]?.message).toContain(dest);
      expect(findings[0]?.message).toContain(`${what} ${target}`);
    },
  );

  it.each([
    ["tgw-0abc"],
    ["pcx-0abc"],
    ["vgw-0abc"],
    ["eni-0abc"],
    ["i-0abc"],
    ["cagw-0abc"],
    ["lgw-0abc"],
    ["vpce-0gwlb"],
    ["something-new-0abc"],
  ])("cannot prove a default route to %s closed: egress-unverifiable", (target) => {
    const { verdict, findings } = judge(table([route("0.0.0.0/0", target)]));

    expect(verdict.verdict).toBe("unverifiable");
    expect(findings.map((f) => [f.rule, f.severity, f.target])).toEqual([["egress-unverifiable", "medium", target]]);
  });

  it("accepts a default route to a transit gateway the policy approves as egress", () => {
    const { verdict, findings } = judge(table([route("0.0.0.0/0", "tgw-0abc")]), ["tgw-0abc"]);

    expect(findings).toEqual([]);
    expect(verdict.verdict).toBe("approved-egress");
    expect(verdict.detail).toContain("tgw-0abc");
  });

  it("ignores private destinations, local routes and S3 gateway endpoints (prefix list to vpce-)", () => {
    const { verdict, findings } = judge(
      table([route("10.20.0.0/16", "tgw-0abc"), route("pl-63a5400a", "vpce-0s3"), route("fd00::/8", "pcx-0abc")]),
    );

    expect(findings).toEqual([]);
    expect(verdict).toMatchObject({ verdict: "no-internet-route", routeTable: "rtb-0a1", vpc: "vpc-0a1" });
  });

  it("counts a prefix list sent to an internet gateway as internet: its addresses are not read", () => {
    const { findings } = judge(table([route("pl-02cd2c6b", "igw-0abc")]));

    expect(findings.map((f) => f.rule)).toEqual(["subnet-routes-to-internet"]);
    expect(findings[0]?.message).toContain("prefix list pl-02cd2c6b");
  });

  it("ignores a blackhole route to a deleted NAT gateway, but not one to a detached internet gateway", () => {
    expect(judge(table([route("0.0.0.0/0", "nat-0gone", "blackhole")])).findings).toEqual([]);

    const igw = judge(table([route("0.0.0.0/0", "igw-0detached", "blackhole")]));
    expect(igw.verdict.verdict).toBe("unverifiable");
    expect(igw.findings[0]?.message).toContain("blackhole");
  });

  it("reports a subnet that does not exist as unverifiable, never compliant", () => {
    const { verdict, findings } = judge({ subnet: SUBNET, found: false, problem: "no such subnet" });

    expect(verdict.verdict).toBe("unverifiable");
    expect(findings.map((f) => f.rule)).toEqual(["egress-unverifiable"]);
    expect(findings[0]?.message).toContain("no such subnet");
  });

  it("reports every internet route of a table, and says the main table decided", () => {
    const { verdict, findings } = judge(
      table([route("0.0.0.0/0", "nat-0abc"), route("::/0", "eigw-0abc"), route("0.0.0.0/0", "tgw-1")], SUBNET, true),
    );

    expect(findings.map((f) => f.rule)).toEqual([
      "subnet-routes-to-internet",
      "subnet-routes-to-internet",
      "egress-unverifiable",
    ]);
    expect(verdict.main).toBe(true);
    expect(findings[0]?.message).toContain("main route table");
  });
});

describe("private address space", () => {
  it.each([
    ["10.0.0.0/8", true],
    ["10.1.2.0/24", true],
    ["172.16.0.0/12", true],
    ["172.31.255.0/24", true],
    ["192.168.1.0/24", true],
    ["100.64.0.0/10", true],
    ["fd12:3456::/48", true],
    ["0.0.0.0/0", false],
    ["::/0", false],
    ["172.0.0.0/8", false],
    ["8.8.8.8/32", false],
    ["2600:1f18::/32", false],
    ["10.0.0.0/7", false],
    ["not-a-cidr", false],
  ])("%s is private: %s", (cidr, expected) => {
    expect(isPrivateCidr(cidr)).toBe(expected);
  });
});

describe("decisions that rest on a VPC", () => {
  it("waits for the routes offline: NEEDS_LOOKUP with the reason that the VPC's routes decide", () => {
    const d = decideFacts(pytorchInVpc(), DEFAULT_POLICY, NOW);

    expect(d.verdict).toBe("NEEDS_LOOKUP");
    expect(d.reason).toBe("the VPC's routes decide");
    expect(d.actions).toEqual([]);
    expect(d.notes.join(" ")).toContain(SUBNET);
  });

  it("answers NEEDS_LOOKUP for the sample PyTorch job in a VPC, COMPLIANT when the policy trusts VPCs", () => {
    const event = loadEvent("CreateTrainingJob.pytorch-framework-vpc.json");

    expect(decide(normalizeEvent(event), DEFAULT_POLICY, NOW).verdict).toBe("NEEDS_LOOKUP");
    expect(decide(normalizeEvent(event), policyFromObject({ vpcEgress: "trust" }), NOW).verdict).toBe("COMPLIANT");
  });

  it("is non-compliant when a subnet routes to the internet, and keeps each subnet's verdict", () => {
    const d = decideFacts(pytorchInVpc({ [SUBNET]: table([route("0.0.0.0/0", "nat-0abc")]) }), DEFAULT_POLICY, NOW);

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(rulesOf(d)).toEqual(["subnet-routes-to-internet"]);
    expect(d.findings[0]?.path).toBe("vpcConfig.subnets");
    expect(d.actions).toEqual(["stop", "tag", "alert"]);
    expect(d.egress).toEqual([expect.objectContaining({ subnet: SUBNET, verdict: "routes-to-internet" })]);
  });

  it("is compliant when no subnet routes outside private address space", () => {
    const other = "subnet-0a1b2c3d4e5f60002";
    const d = decideFacts(
      pytorchInVpc({ [SUBNET]: table([]), [other]: table([route("pl-63a5400a", "vpce-0s3")], other) }, [SUBNET, other]),
      DEFAULT_POLICY,
      NOW,
    );

    expect(d.verdict).toBe("COMPLIANT");
    expect(d.egress?.map((e) => e.verdict)).toEqual(["no-internet-route", "no-internet-route"]);
  });

  it("is non-compliant (medium) when one of the subnets is unreadable", () => {
    const other = "subnet-0a1b2c3d4e5f60002";
    const d = decideFacts(
      pytorchInVpc({ [SUBNET]: table([]), [other]: { subnet: other, found: false, problem: "no such subnet" } }, [
        SUBNET,
        other,
      ]),
      DEFAULT_POLICY,
      NOW,
    );

    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(d.findings.map((f) => [f.rule, f.severity])).toEqual([["egress-unverifiable", "medium"]]);
  });

  it("asks for no route of an isolated container, even where the policy requires a VPC", () => {
    const policy = policyFromObject({ requireVpc: true });
    const isolated = facts("training-job", {
      units: [unit({ networkIsolation: true, vpc: { subnets: [SUBNET], securityGroupIds: [ALLOWED_SG] } })],
    });

    expect(subnetsToVerify(isolated, policy)).toEqual([]);
    expect(decideFacts(isolated, policy, NOW).verdict).toBe("COMPLIANT");
  });

  it("checks the routes of a container without isolation when requireVpc makes its VPC the control", () => {
    const policy = policyFromObject({ requireNetworkIsolation: false, requireVpc: true });
    const open = facts("training-job", {
      units: [unit({ networkIsolation: false, vpc: { subnets: [SUBNET], securityGroupIds: [ALLOWED_SG] } })],
    });

    expect(subnetsToVerify(open, policy)).toEqual([SUBNET]);
    expect(
      rulesOf(decideFacts({ ...open, routes: { [SUBNET]: table([route("0.0.0.0/0", "igw-1")]) } }, policy, NOW)),
    ).toEqual(["subnet-routes-to-internet"]);
  });

  it("asks for no route when the resource breaks the policy anyway, so the stop waits for nothing", () => {
    const f = facts("hyper-parameter-tuning-job", {
      units: [unit({ networkIsolation: false, images: [{ uri: CUSTOM_IMAGE, path: "x" }] }), ...pytorchInVpc().units],
    });

    expect(subnetsToVerify(f, DEFAULT_POLICY)).toEqual([]);
    const d = decideFacts(f, DEFAULT_POLICY, NOW);
    expect(d.verdict).toBe("NON_COMPLIANT");
    expect(rulesOf(d)).toEqual(["network-isolation-disabled"]);
    expect(d.notes.join(" ")).toContain("not checked");
  });

  it("checks the routes of a model that an endpoint puts to work", () => {
    const f = facts("endpoint", {
      units: [],
      models: [{ name: "vision", units: pytorchInVpc().units }],
      routes: { [SUBNET]: table([route("0.0.0.0/0", "igw-1")]) },
    });

    const d = decideFacts(f, DEFAULT_POLICY, NOW);

    expect(rulesOf(d)).toEqual(["subnet-routes-to-internet"]);
    expect(d.findings[0]?.path).toBe("models[vision].vpcConfig.subnets");
    expect(d.findings[0]?.message).toContain("model vision");
  });

  it("applies the policy's approved egress targets", () => {
    const policy = policyFromObject({ approvedEgressTargets: ["tgw-0abc"] });
    const f = pytorchInVpc({ [SUBNET]: table([route("0.0.0.0/0", "tgw-0abc")]) });

    expect(decideFacts(f, policy, NOW).verdict).toBe("COMPLIANT");
    expect(rulesOf(decideFacts(f, DEFAULT_POLICY, NOW))).toEqual(["egress-unverifiable"]);
  });
});

describe("policy keys vpcEgress and approvedEgressTargets", () => {
  it("defaults to verifying routes with no approved target", () => {
    expect(DEFAULT_POLICY.vpcEgress).toBe("verify");
    expect(DEFAULT_POLICY.approvedEgressTargets).toEqual([]);
  });

  it("rejects an unknown vpcEgress value with its key path", () => {
    expect(() => policyFromObject({ vpcEgress: "maybe" })).toThrow(/vpcEgress/);
  });

  it("refuses to approve internet and NAT gateways, and ids it does not know", () => {
    expect(() => policyFromObject({ approvedEgressTargets: ["nat-0abc"] })).toThrow(
      /approvedEgressTargets\[0\].*cannot be approved/,
    );
    expect(() => policyFromObject({ approvedEgressTargets: ["igw-0abc"] })).toThrow(/cannot be approved/);
    expect(() => policyFromObject({ approvedEgressTargets: ["my-firewall"] })).toThrow(/approvedEgressTargets\[0\]/);
    expect(policyFromObject({ approvedEgressTargets: ["tgw-0abc", "pcx-1", "vpce-0f"] }).approvedEgressTargets).toEqual(
      ["tgw-0abc", "pcx-1", "vpce-0f"],
    );
  });
});
