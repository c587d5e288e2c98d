import type { RuleId } from "./types.js";

/*
 * Does a subnet's route table let a container reach the internet? Pure: route facts in, verdict and
 * findings out. The EC2 lookups live in src/adapters/ec2.ts, the step that runs them in src/app/egress.ts.
 *
 * VPC subnets use the route table explicitly associated with them, else their VPC's main route table
 * (Amazon VPC User Guide, "Configure route tables": "a subnet that is not explicitly associated with a
 * route table is implicitly associated with the main route table").
 */

/** One route of a route table, as DescribeRouteTables gives it (target: the one `*Id` member set). */
export interface RouteFact {
  /** `DestinationCidrBlock`, `DestinationIpv6CidrBlock` or `DestinationPrefixListId` (`pl-...`). */
  destination: string;
  /** `local`, `igw-`, `nat-`, `eigw-`, `vpce-`, `tgw-`, `pcx-`, `vgw-`, `eni-`, `i-`, `cagw-`, `lgw-`, a core network ARN. */
  target: string;
  /** `blackhole`: the target is gone (deleted NAT gateway, detached gateway, stopped instance); traffic is dropped. */
  state: "active" | "blackhole";
}

/** What the lookup found for one subnet. */
export type SubnetRoutes =
  | {
      subnet: string;
      found: true;
      vpc: string;
      routeTable: string;
      /** `true`: the VPC's main route table (no explicit association). */
      main: boolean;
      routes: RouteFact[];
    }
  | {
      subnet: string;
      found: false;
      /** Why it cannot be judged: does not exist, no visible route table, or refused (access denied). */
      problem: string;
    };

/** A subnet's route verdict, one per subnet (the scan report prints them). */
export type RouteVerdict = "routes-to-internet" | "unverifiable" | "approved-egress" | "no-internet-route";

export interface SubnetVerdict {
  subnet: string;
  vpc: string | null;
  routeTable: string | null;
  /** The VPC's main route table decided (the subnet has no explicit association). */
  main: boolean;
  verdict: RouteVerdict;
  /** One line per route that decided (or why the subnet could not be read). */
  detail: string;
}

export interface EgressFinding {
  rule: Extract<RuleId, "subnet-routes-to-internet" | "egress-unverifiable">;
  severity: "high" | "medium";
  subnet: string;
  routeTable: string | null;
  destination: string | null;
  target: string | null;
  message: string;
  fix: string;
}

type TargetKind = "internet" | "unverifiable" | "endpoint" | "local";

const INTERNET: Record<string, string> = {
  "igw-": "internet gateway",
  "nat-": "NAT gateway",
  "eigw-": "egress-only internet gateway",
};
const UNVERIFIABLE: Record<string, string> = {
  "tgw-": "transit gateway",
  "pcx-": "VPC peering connection",
  "vgw-": "virtual private gateway",
  "eni-": "network interface",
  "i-": "instance",
  "cagw-": "carrier gateway",
  "lgw-": "local gateway",
};

/** Ids `approvedEgressTargets` may list: the targets whose far side the guard cannot see. */
export const APPROVABLE_TARGET =
  /^((tgw|pcx|vgw|eni|i|cagw|lgw|vpce)-[0-9a-f]+|arn:aws[a-z-]*:networkmanager::\d{12}:core-network\/core-network-[0-9a-f]+)$/;
/** Targets that are the internet itself: approving one would approve the internet. */
export const INTERNET_TARGET = /^(igw|nat|eigw)-[0-9a-f]+$/;

function classify(target: string, destination: string): { kind: TargetKind; what: string } {
  if (target === "local") return { kind: "local", what: "the VPC itself" };
  if (target.startsWith("vpce-")) {
    // Gateway endpoints (S3, DynamoDB) are routed by their service's prefix list: AWS's network, not the
    // internet. A CIDR routed to a vpce- is a Gateway Load Balancer endpoint: a firewall appliance whose
    // traffic then leaves by routes of its own (VPC User Guide, "Route to a Gateway Load Balancer endpoint").
    return destination.startsWith("pl-")
      ? { kind: "endpoint", what: "gateway endpoint" }
      : { kind: "unverifiable", what: "Gateway Load Balancer endpoint" };
  }
  for (const [prefix, what] of Object.entries(INTERNET))
    if (target.startsWith(prefix)) return { kind: "internet", what };
  for (const [prefix, what] of Object.entries(UNVERIFIABLE))
    if (target.startsWith(prefix)) return { kind: "unverifiable", what };
  if (target.includes(":core-network/")) return { kind: "unverifiable", what: "Cloud WAN core network" };
  // A target this code does not know is not proof of anything.
  return { kind: "unverifiable", what: "unrecognised target" };
}

/* Private address space: RFC 1918, shared address space (RFC 6598, usable as VPC CIDRs), loopback and
 * link-local for IPv4; unique-local (RFC 4193) and link-local for IPv6. A destination counts as private only
 * when it lies wholly inside one of these blocks: 0.0.0.0/0, 172.0.0.0/8 or 2000::/3 do not. */
const PRIVATE_V4: [string, number][] = [
  ["10.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
];
const PRIVATE_V6: [string, number][] = [
  ["fc00::", 7],
  ["fe80::", 10],
];

function v4(addr: string): bigint | null {
  const parts = addr.split(".");
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = (n << 8n) | BigInt(p);
  }
  return n;
}

function v6(addr: string): bigint | null {
  if (!/^[0-9a-f:]+$/i.test(addr)) return null;
  const halves = addr.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    n = (n << 16n) | BigInt(`0x${g}`);
  }
  return n;
}

/** `true` when the CIDR lies wholly in private address space; `false` for public, default or unreadable ones. */
export function isPrivateCidr(cidr: string): boolean {
  const [addr, lenText] = cidr.split("/");
  const len = Number(lenText);
  const six = (addr ?? "").includes(":");
  const bits = six ? 128 : 32;
  const value = six ? v6(addr ?? "") : v4(addr ?? "");
  if (value === null || !Number.isInteger(len) || len < 0 || len > bits) return false;
  const within = (base: string, baseLen: number) => {
    const b = six ? v6(base) : v4(base);
    if (b === null || len < baseLen) return false;
    const shift = BigInt(bits - baseLen);
    return value >> shift === b >> shift;
  };
  return (six ? PRIVATE_V6 : PRIVATE_V4).some(([base, baseLen]) => within(base, baseLen));
}

function describeDestination(destination: string): string {
  if (destination.startsWith("pl-")) return `prefix list ${destination}`;
  if (destination === "0.0.0.0/0" || destination === "::/0") return `${destination} (all addresses)`;
  return destination;
}

/** A finding about one route of a subnet's table: the subnet, table, destination and target it names. */
function routeFinding(
  s: Extract<SubnetRoutes, { found: true }>,
  r: RouteFact,
  rule: EgressFinding["rule"],
  message: string,
  fix: string,
): EgressFinding {
  return {
    rule,
    severity: rule === "subnet-routes-to-internet" ? "high" : "medium",
    subnet: s.subnet,
    routeTable: s.routeTable,
    destination: r.destination,
    target: r.target,
    message,
    fix,
  };
}

/**
 * Judges one subnet's routes. `approved` lists the targets the policy accepts as controlled egress
 * (an inspection VPC behind a transit gateway, a peering to a proxy VPC).
 *
 * @example
 * const { verdict, findings } = judgeSubnet(routes, new Set(policy.approvedEgressTargets));
 */
export function judgeSubnet(
  s: SubnetRoutes,
  approved: ReadonlySet<string>,
): { verdict: SubnetVerdict; findings: EgressFinding[] } {
  if (!s.found) {
    return {
      verdict: {
        subnet: s.subnet,
        vpc: null,
        routeTable: null,
        main: false,
        verdict: "unverifiable",
        detail: s.problem,
      },
      findings: [
        {
          rule: "egress-unverifiable",
          severity: "medium",
          subnet: s.subnet,
          routeTable: null,
          destination: null,
          target: null,
          message: `subnet ${s.subnet} cannot be checked (${s.problem}): its routes to the internet cannot be ruled out`,
          fix: `Use a subnet that exists in this account and region, and let the guard's role call ec2:DescribeSubnets and ec2:DescribeRouteTables.`,
        },
      ],
    };
  }
  const table = `${s.routeTable}${s.main ? " (the VPC's main route table)" : ""}`;
  const findings: EgressFinding[] = [];
  const approvedSeen: string[] = [];
  for (const r of s.routes) {
    const { kind, what } = classify(r.target, r.destination);
    if (kind === "local" || kind === "endpoint") continue;
    // A prefix list's addresses are not read (a managed list can hold any CIDR): counted as public.
    const publicDestination = r.destination.startsWith("pl-") || !isPrivateCidr(r.destination);
    if (!publicDestination) continue;
    const dest = describeDestination(r.destination);
    const where = `subnet ${s.subnet} (route table ${table}) sends ${dest} to ${what} ${r.target}`;
    if (r.state === "blackhole") {
      // A deleted NAT gateway never comes back; a detached internet gateway reattached, a stopped
      // instance started or a deleted attachment recreated with the same id turn the route on again.
      if (r.target.startsWith("nat-") || approved.has(r.target)) continue;
      findings.push(
        routeFinding(
          s,
          r,
          "egress-unverifiable",
          `${where}, a route that drops traffic today (blackhole) and carries it again once ${r.target} is back`,
          `Delete the blackhole route for ${r.destination} from route table ${s.routeTable}.`,
        ),
      );
      continue;
    }
    if (kind === "internet") {
      findings.push(
        routeFinding(
          s,
          r,
          "subnet-routes-to-internet",
          `${where}: the VPC does not keep the container off the internet`,
          `Use private subnets whose route table has no route to an internet, NAT or egress-only gateway (reach S3 through a gateway VPC endpoint), or remove the route for ${r.destination} from route table ${s.routeTable}.`,
        ),
      );
    } else if (approved.has(r.target)) {
      approvedSeen.push(`${dest} to approved ${what} ${r.target}`);
    } else {
      findings.push(
        routeFinding(
          s,
          r,
          "egress-unverifiable",
          `${where}: where that traffic leaves the network cannot be verified from this account`,
          `If ${r.target} leads to controlled egress (an inspection VPC, a proxy), list it in the policy's approvedEgressTargets; otherwise remove the route for ${r.destination} from route table ${s.routeTable}.`,
        ),
      );
    }
  }
  const verdict: RouteVerdict = findings.some((f) => f.rule === "subnet-routes-to-internet")
    ? "routes-to-internet"
    : findings.length
      ? "unverifiable"
      : approvedSeen.length
        ? "approved-egress"
        : "no-internet-route";
  const detail = findings.length
    ? findings.map((f) => `${describeDestination(f.destination ?? "")} -> ${f.target}`).join("; ")
    : approvedSeen.length
      ? approvedSeen.join("; ")
      : "no route leaves private address space except through gateway endpoints";
  return {
    verdict: { subnet: s.subnet, vpc: s.vpc, routeTable: s.routeTable, main: s.main, verdict, detail },
    findings,
  };
}
