import { CachedRoutes, decideWithRoutes } from "../../../src/app/egress.js";
import { enforceResource, handleEvent } from "../../../src/app/enforce.js";
import type { RoutesPort } from "../../../src/app/ports.js";
import { DEFAULT_POLICY, type SubnetRoutes } from "../../../src/core/index.js";
import { sampleFor } from "../../support/events.js";
import { ACCOUNT, depsWith, FakeRoutes, FakeSageMaker, REGION } from "../../support/fakes.js";
import { ALLOWED_SG, facts, NOW, PYTORCH_DLC, unit } from "../core/fixtures.js";

const open = (subnet: string): SubnetRoutes => ({
  subnet,
  found: true,
  vpc: "vpc-1",
  routeTable: "rtb-1",
  main: true,
  routes: [{ destination: "0.0.0.0/0", target: "nat-1", state: "active" }],
});

class CountingRoutes implements RoutesPort {
  readonly asked: string[][] = [];
  fail = false;
  async subnetRoutes(subnets: string[]) {
    this.asked.push([...subnets]);
    if (this.fail) throw new Error("throttled");
    return Object.fromEntries(
      subnets.map((s) => [s, s.endsWith("missing") ? { subnet: s, found: false as const, problem: "gone" } : open(s)]),
    );
  }
}

const pytorch = (subnets: string[]) =>
  facts("training-job", {
    units: [
      unit({
        networkIsolation: false,
        vpc: { subnets, securityGroupIds: [ALLOWED_SG] },
        images: [{ uri: PYTORCH_DLC, path: "algorithmSpecification.trainingImage" }],
      }),
    ],
  });

describe("the egress step", () => {
  it("looks up the subnets a VPC-reliant decision rests on, and nothing for an isolated resource", async () => {
    const routes = new CountingRoutes();

    const d = await decideWithRoutes(pytorch(["subnet-a"]), { policy: DEFAULT_POLICY, routes }, NOW);
    await decideWithRoutes(facts("training-job"), { policy: DEFAULT_POLICY, routes }, NOW);

    expect(d.findings.map((f) => f.rule)).toEqual(["subnet-routes-to-internet"]);
    expect(routes.asked).toEqual([["subnet-a"]]);
  });
});

describe("the route cache", () => {
  it("answers a warm subnet without a call until its entry expires", async () => {
    const inner = new CountingRoutes();
    let now = 0;
    const cache = new CachedRoutes(inner, 60_000, () => now);

    await cache.subnetRoutes(["subnet-a", "subnet-b"]);
    await cache.subnetRoutes(["subnet-b", "subnet-a"]);
    now = 60_001;
    await cache.subnetRoutes(["subnet-a"]);

    expect(inner.asked).toEqual([["subnet-a", "subnet-b"], ["subnet-a"]]);
  });

  it("shares a lookup in flight between concurrent decisions", async () => {
    const inner = new CountingRoutes();
    const cache = new CachedRoutes(inner, 60_000, () => 0);

    const [a, b] = await Promise.all([cache.subnetRoutes(["subnet-a"]), cache.subnetRoutes(["subnet-a"])]);

    expect(a).toEqual(b);
    expect(inner.asked).toEqual([["subnet-a"]]);
  });

  it("forgets failures and unreadable subnets, so the next decision asks again", async () => {
    const inner = new CountingRoutes();
    const cache = new CachedRoutes(inner, 60_000, () => 0);
    inner.fail = true;
    await expect(cache.subnetRoutes(["subnet-a"])).rejects.toThrow("throttled");
    inner.fail = false;

    await cache.subnetRoutes(["subnet-a"]);
    await cache.subnetRoutes(["subnet-missing"]);
    await cache.subnetRoutes(["subnet-missing", "subnet-a"]);

    expect(inner.asked).toEqual([["subnet-a"], ["subnet-a"], ["subnet-missing"], ["subnet-missing"]]);
  });
});

/*
 * Verify before destroy (issue 12) with the egress check (issue 15): a stop that rests on routes rests on
 * the subnets Describe names and their route tables, never on the event's word.
 */
describe("the egress check on the verified paths (handleEvent, enforceResource)", () => {
  const SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"];
  const privateTable = (subnet: string): SubnetRoutes => ({
    subnet,
    found: true,
    vpc: "vpc-1",
    routeTable: "rtb-1",
    main: true,
    routes: [{ destination: "10.0.0.0/16", target: "local", state: "active" }],
  });
  const pytorchJob = (sm: FakeSageMaker, name: string, isolated = false) =>
    sm.add("training-job", name, {
      TrainingJobName: name,
      TrainingJobStatus: "InProgress",
      EnableNetworkIsolation: isolated,
      RoleArn: "arn:aws:iam::123456789012:role/Scientist",
      AlgorithmSpecification: { TrainingImage: PYTORCH_DLC },
      VpcConfig: { Subnets: SUBNETS, SecurityGroupIds: ["sg-0a1b2c3d4e5f60001"] },
    });
  const event = (name: string, arn: string) => sampleFor("CreateTrainingJob.pytorch-framework-vpc.json", name, arn);

  it("stops a VPC-reliant job whose Describe'd subnets route to a NAT gateway, and calls the event honest", async () => {
    const sm = new FakeSageMaker();
    const arn = pytorchJob(sm, "nat-job");
    const deps = depsWith(sm);
    const routes = new FakeRoutes(Object.fromEntries(SUBNETS.map((s) => [s, open(s)])));
    deps.routes = routes;

    const outcome = await handleEvent(event("nat-job", arn), deps);

    expect(outcome.decision.verdict).toBe("NON_COMPLIANT");
    expect(outcome.decision.findings.map((f) => f.rule)).toContain("subnet-routes-to-internet");
    expect(outcome).toMatchObject({ remedy: "stopped" });
    expect(outcome.eventMismatch).toBeFalsy();
    expect(routes.asked).toEqual([SUBNETS]);
  });

  it("keeps the same job running when its subnets have no route out", async () => {
    const sm = new FakeSageMaker();
    const arn = pytorchJob(sm, "private-job");
    const deps = depsWith(sm);
    deps.routes = new FakeRoutes(Object.fromEntries(SUBNETS.map((s) => [s, privateTable(s)])));

    const outcome = await handleEvent(event("private-job", arn), deps);

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(sm.calls.some((c) => c.startsWith("stop"))).toBe(false);
  });

  it("reads no route for a job Describe shows isolated, whatever the event says", async () => {
    const sm = new FakeSageMaker();
    const arn = pytorchJob(sm, "isolated-job", true);
    const deps = depsWith(sm);
    const routes = new FakeRoutes(Object.fromEntries(SUBNETS.map((s) => [s, open(s)])));
    deps.routes = routes;

    const outcome = await handleEvent(event("isolated-job", arn), deps);

    expect(outcome.decision.verdict).toBe("COMPLIANT");
    expect(routes.asked).toEqual([]);
  });

  it("decides a job found without an event (sweep, scan) on its routes too", async () => {
    const sm = new FakeSageMaker();
    const arn = pytorchJob(sm, "swept-job");
    const deps = depsWith(sm);
    deps.routes = new FakeRoutes(); // the subnets cannot be read: never compliant

    const outcome = await enforceResource(
      { type: "training-job", name: "swept-job", arn, account: ACCOUNT, region: REGION },
      deps,
      { trigger: "sweep" },
    );

    expect(outcome.decision.findings.map((f) => f.rule)).toContain("egress-unverifiable");
    expect(outcome.decision.verdict).toBe("NON_COMPLIANT");
  });
});
