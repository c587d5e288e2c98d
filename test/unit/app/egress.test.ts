import { CachedRoutes, decideWithRoutes } from "../../../src/app/egress.js";
import type { RoutesPort } from "../../../src/app/ports.js";
import { DEFAULT_POLICY, type SubnetRoutes } from "../../../src/core/index.js";
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
