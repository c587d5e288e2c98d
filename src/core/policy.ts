import { APPROVABLE_TARGET, INTERNET_TARGET } from "./egress.js";
import { InvalidPolicyError } from "./errors.js";
import { AWS_IMAGE_REGISTRY_ACCOUNTS, NON_ISOLATABLE_FRAMEWORK_REPOSITORIES } from "./framework-image-data.js";
import { RESOURCE_TYPE_NAMES } from "./resource-types.js";
import type { Mode, ResourceType } from "./types.js";
import "./zod.js";
import * as z from "zod/mini";

const ModeSchema = z.enum(["enforce", "audit"]);
const ResourceTypeName = z.enum(RESOURCE_TYPE_NAMES);
const NonEmpty = z.string().check(z.minLength(1));

/** A date (`2027-03-31`, valid through the end of that day, UTC) or an ISO date-time with zone. */
const Expiry = z.pipe(
  z.union([z.string(), z.date()], { error: "required: a date (YYYY-MM-DD) or an ISO date-time with zone" }),
  z.transform((value, ctx) => {
    const text = value instanceof Date ? value.toISOString() : value.trim();
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
    const start = Date.parse(`${text.slice(0, 10)}T00:00:00Z`);
    // Date.parse rolls 2030-02-31 over to March: a real day reads back as itself.
    const realDay = !Number.isNaN(start) && new Date(start).toISOString().slice(0, 10) === text.slice(0, 10);
    const ms = dateOnly ? start + 86_400_000 : Date.parse(text);
    if (!realDay || Number.isNaN(ms) || !(dateOnly || /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(text))) {
      ctx.issues.push({
        code: "custom",
        input: value,
        message: `"${text}" is not a date (YYYY-MM-DD) or an ISO date-time with zone`,
      });
      return z.NEVER;
    }
    return { text, endsAt: ms };
  }),
);

const Exemption = z
  .strictObject({
    resourceName: z.optional(NonEmpty),
    principal: z.optional(NonEmpty),
    resourceTypes: z.optional(z.array(ResourceTypeName).check(z.minLength(1))),
    expires: Expiry,
    reason: z.string().check(z.trim(), z.minLength(1)),
  })
  .check(
    z.refine((e) => e.resourceName !== undefined || e.principal !== undefined, {
      message: "an exemption needs a resourceName or a principal (or both)",
    }),
  );

/** Which alerts one channel receives; every key left out matches everything. */
const NotificationRoute = z.strictObject({
  enabled: z.optional(z.boolean()),
  verdicts: z.optional(z.array(z.enum(["NON_COMPLIANT", "COMPLIANT", "EXEMPT"])).check(z.minLength(1))),
  severities: z.optional(z.array(z.enum(["high", "medium", "low"])).check(z.minLength(1))),
  /** `audit` = alerts sent in audit mode (action `audit-only`); `enforce` = every other alert. */
  modes: z.optional(z.array(ModeSchema).check(z.minLength(1))),
  actions: z.optional(z.array(z.enum(["stopped", "deleted", "audit-only", "none"])).check(z.minLength(1))),
  resourceTypes: z.optional(z.array(ResourceTypeName).check(z.minLength(1))),
});

const PolicySchema = z.strictObject({
  version: z.optional(z.literal(1)),
  mode: z._default(ModeSchema, "enforce"),
  resourceModes: z._default(z.partialRecord(ResourceTypeName, ModeSchema), {}),
  requireNetworkIsolation: z._default(z.boolean(), true),
  requireVpc: z._default(z.boolean(), false),
  /**
   * Distributed jobs move data between instances in clear unless EnableInterContainerTrafficEncryption
   * is on (Security Hub SageMaker.* controls and Prowler check it). Off by default; optional without a
   * default so the policy id of a policy that leaves it out does not change.
   */
  requireInterContainerEncryption: z.optional(z.boolean()),
  allowedSubnets: z.optional(
    z.array(z.string().check(z.regex(/^subnet-[0-9a-f]+$/, "expected a subnet id (subnet-...)"))),
  ),
  allowedSecurityGroups: z.optional(
    z.array(z.string().check(z.regex(/^sg-[0-9a-f]+$/, "expected a security group id (sg-...)"))),
  ),
  /**
   * `verify` (default): a resource that is compliant only because of its VPC is compliant only if its
   * subnets' route tables keep it off the internet (src/core/egress.ts). `trust`: any VpcConfig counts.
   */
  vpcEgress: z._default(z.enum(["verify", "trust"]), "verify"),
  /** Route targets whose far side is controlled egress (an inspection VPC behind a transit gateway...). */
  approvedEgressTargets: z._default(
    z.array(
      z.string().check(
        z.refine((t) => !INTERNET_TARGET.test(t), {
          message:
            "internet, NAT and egress-only internet gateways lead straight to the internet and cannot be approved (use an exemption)",
        }),
        z.regex(
          APPROVABLE_TARGET,
          "expected a transit gateway, peering connection, virtual private gateway, network interface, instance, carrier or local gateway, or Gateway Load Balancer endpoint id (tgw-..., pcx-..., vgw-..., eni-..., i-..., cagw-..., lgw-..., vpce-...) or a Cloud WAN core network ARN",
        ),
      ),
    ),
    [],
  ),
  frameworkImages: z._default(
    z.strictObject({
      registryAccounts: z.array(z.string().check(z.regex(/^\d{12}$/, "expected a 12-digit account id"))),
      repositories: z.array(NonEmpty),
    }),
    () => ({
      registryAccounts: [...AWS_IMAGE_REGISTRY_ACCOUNTS],
      repositories: [...NON_ISOLATABLE_FRAMEWORK_REPOSITORIES],
    }),
  ),
  exemptions: z._default(z.array(Exemption), []),
  /**
   * Severity routing per alert channel (turned into SNS subscription filter policies at deploy time).
   * Optional with no default so that the policy id of a policy without it does not change;
   * absent = every alert to every channel (src/notify/routing.ts).
   */
  notifications: z.optional(
    z.strictObject({ email: z.optional(NotificationRoute), slack: z.optional(NotificationRoute) }),
  ),
});

/** A validated policy with every default filled in. */
export type Policy = z.output<typeof PolicySchema>;
export type Exemption = Policy["exemptions"][number];
/** One channel's routing (`notifications.email` / `notifications.slack`). */
export type NotificationRoute = z.output<typeof NotificationRoute>;

/** The safe defaults: enforce, require isolation, frameworks need a VPC, no exemptions. */
export const DEFAULT_POLICY: Policy = PolicySchema.parse({});

/**
 * Validates a parsed policy object. Unknown keys and wrong types are rejected with their key path.
 * @example policyFromObject({ mode: "audit", requireVpc: true })
 */
export function policyFromObject(input: unknown, source = "policy"): Policy {
  const result = PolicySchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
    const where = path ? path.replace(/^\./, "") : "(top level)";
    return `${where}: ${issue.message}`;
  });
  throw new InvalidPolicyError(`${source}: invalid policy\n  ${problems.join("\n  ")}`);
}

/** The mode in force for one resource type. */
export function modeFor(policy: Policy, type: ResourceType): Mode {
  return policy.resourceModes[type] ?? policy.mode;
}
