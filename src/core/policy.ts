import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { InvalidPolicyError } from "./errors.js";
import { AWS_IMAGE_REGISTRY_ACCOUNTS, NON_ISOLATABLE_FRAMEWORK_REPOSITORIES } from "./framework-image-data.js";
import type { Mode, ResourceType } from "./types.js";

const ModeSchema = z.enum(["enforce", "audit"]);
const RESOURCE_TYPE_NAMES = [
  "training-job",
  "hyper-parameter-tuning-job",
  "processing-job",
  "transform-job",
  "model",
  "endpoint-config",
  "endpoint",
] as const satisfies readonly ResourceType[];

/** A date (`2027-03-31`, valid through the end of that day, UTC) or an ISO date-time with zone. */
const Expiry = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const text = value instanceof Date ? value.toISOString() : value.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = dateOnly ? Date.parse(`${text}T00:00:00Z`) + 86_400_000 : Date.parse(text);
  if (Number.isNaN(ms) || !(dateOnly || /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(text))) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not a date (YYYY-MM-DD) or an ISO date-time with zone` });
    return z.NEVER;
  }
  return { text, endsAt: ms };
});

const Exemption = z
  .strictObject({
    resourceName: z.string().min(1).optional(),
    principal: z.string().min(1).optional(),
    resourceTypes: z.array(z.enum(RESOURCE_TYPE_NAMES)).min(1).optional(),
    expires: Expiry,
    reason: z.string().trim().min(1),
  })
  .refine((e) => e.resourceName !== undefined || e.principal !== undefined, {
    message: "an exemption needs a resourceName or a principal (or both)",
  });

const PolicySchema = z.strictObject({
  version: z.literal(1).optional(),
  mode: ModeSchema.default("enforce"),
  resourceModes: z.partialRecord(z.enum(RESOURCE_TYPE_NAMES), ModeSchema).default({}),
  requireNetworkIsolation: z.boolean().default(true),
  requireVpc: z.boolean().default(false),
  allowedSubnets: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, "expected a subnet id (subnet-...)")).optional(),
  allowedSecurityGroups: z
    .array(z.string().regex(/^sg-[0-9a-f]+$/, "expected a security group id (sg-...)"))
    .optional(),
  frameworkImages: z
    .strictObject({
      registryAccounts: z.array(z.string().regex(/^\d{12}$/, "expected a 12-digit account id")),
      repositories: z.array(z.string().min(1)),
    })
    .default({
      registryAccounts: [...AWS_IMAGE_REGISTRY_ACCOUNTS],
      repositories: [...NON_ISOLATABLE_FRAMEWORK_REPOSITORIES],
    }),
  exemptions: z.array(Exemption).default([]),
});

/** A validated policy with every default filled in. */
export type Policy = z.output<typeof PolicySchema>;
export type Exemption = Policy["exemptions"][number];

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

/**
 * Parses policy text, YAML or JSON (JSON is YAML), and validates it.
 * @example parsePolicy("mode: audit\nrequireVpc: true\n", "policy.yaml")
 */
export function parsePolicy(text: string, source = "policy"): Policy {
  let data: unknown;
  try {
    data = parseYaml(text, { uniqueKeys: true });
  } catch (cause) {
    throw new InvalidPolicyError(`${source}: not valid YAML or JSON: ${(cause as Error).message}`, { cause });
  }
  return policyFromObject(data, source);
}

/** The mode in force for one resource type. */
export function modeFor(policy: Policy, type: ResourceType): Mode {
  return policy.resourceModes[type] ?? policy.mode;
}
