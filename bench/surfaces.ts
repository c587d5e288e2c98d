/**
 * `npm run bench -- --only=surfaces`: AWS calls per event, by verdict, for each compute surface issue 14
 * added (notebooks, Studio domains, HyperPod clusters, Model Monitor schedules and its four job
 * definitions, AutoML, compilation, optimization, inference recommendations (of a model or of a model
 * package), Ground Truth labeling jobs), against the emulator,
 * counted by SDK middleware: SageMaker, SNS and EC2 (route tables: VPCs are built in the emulator's EC2,
 * so the default policy reads them); the record's DynamoDB calls are not counted here (bench/run.ts's
 * emulator section counts them for a training job). Budgets, under verify-first (the resource's own
 * Describe confirms the violation before a remedy): the remedy is the second SageMaker call (the third
 * when a job definition or model is described too, the fourth when route tables are read); a compliant
 * resource costs its Describe and its tag call, plus one Describe per job definition or model it names
 * and two EC2 calls when its routes decide (cold route cache).
 * The same section then scans an account that uses every type (bench/all-types.ts).
 */
import { startEmulator } from "../scripts/emulator.js";
import { guardRuntime } from "../scripts/guard-runtime.js";
import {
  AlertInbox,
  clients,
  countCalls,
  Fixtures,
  inlineMonitoring,
  type MonitoringKind,
  Networks,
  namedMonitoring,
} from "../scripts/local-aws.js";
import { type AnyEvent, sampleFor, stateChange } from "../scripts/sample-events.js";
import type { ResourceType } from "../src/core/resource-types.js";
import type { Row } from "./sweep.js";

/** The types issue 14 added: each gets a compliant and a non-compliant case at least. */
const SURFACES = [
  "notebook-instance",
  "domain",
  "cluster",
  "monitoring-schedule",
  "data-quality-job-definition",
  "model-quality-job-definition",
  "model-bias-job-definition",
  "model-explainability-job-definition",
  "automl-job",
  "compilation-job",
  "optimization-job",
  "inference-recommendations-job",
  "labeling-job",
] as const satisfies readonly ResourceType[];
type Surface = (typeof SURFACES)[number];

interface Spec {
  type: Surface;
  figure: string;
  /** The verdict the case is built to get: a case that gets another is reported as not ok. */
  expect: "COMPLIANT" | "NON_COMPLIANT" | "IGNORED";
  /** `strict`: the policy `requireVpc: true`. */
  policy?: "strict";
  event: () => Promise<AnyEvent>;
  remedy?: string;
  /** Where the remedy comes in the calls (default 2: Describe, then the remedy). */
  first?: number;
  /** Route tables read for this case (EC2 DescribeSubnets + DescribeRouteTables, cold cache). */
  routes?: boolean;
  /** Other resources described to decide it (the job definition a schedule names, a job's model). */
  lookups?: number;
}

interface Case extends Spec {
  verdict: string;
  calls: string[];
  budget: string;
  ok: boolean;
}

const EC2_READS = /^Describe(Subnets|RouteTables)$/;

export async function benchSurfaces(): Promise<{ rows: Row[]; results: Record<string, unknown> }> {
  const emu = await startEmulator();
  try {
    const aws = clients(emu.endpoint, 3);
    const fx = new Fixtures(aws.sm);
    const net = new Networks(aws.ec2);
    const inbox = await new AlertInbox(aws.sns, aws.sqs).create();
    const calls: string[] = [];
    countCalls([aws.sm, aws.sns, aws.ec2], calls);
    const runtime = (policy: Record<string, unknown> = {}) =>
      guardRuntime(
        emu.endpoint,
        { GUARD_ALERT_TOPIC_ARN: inbox.topicArn, GUARD_POLICY_JSON: JSON.stringify(policy) },
        // The counted clients: their calls are the figures.
        { clients: { sagemaker: aws.sm, sns: aws.sns, ec2: aws.ec2 } },
      );
    const runtimes = { default: runtime(), strict: runtime({ requireVpc: true }) };
    const idOf = (arn: string) => arn.split("/").pop() as string;
    /** A fresh VPC per case that reads routes, so each such case pays the cold route lookup. */
    const subnet = async (kind: "private" | "internet-gateway" | "nat-gateway") => net.vpc(kind);
    const notebook = async (name: string, access: "Enabled" | "Disabled", subnetId: string) => {
      const arn = await fx.notebook(name, access, { vpc: [subnetId] });
      await emu.setJobStatus("notebook-instance", name, "InService");
      return arn;
    };
    const definitionCase = (
      type: Surface,
      kind: MonitoringKind,
      isolated: boolean,
      file: string,
      remedy: string,
    ): Spec => ({
      type,
      figure: `${type}, ${isolated ? "isolated" : "not isolated"}`,
      expect: isolated ? "COMPLIANT" : "NON_COMPLIANT",
      event: async () => {
        const name = `bench-${kind}-${isolated ? "ok" : "open"}`;
        const arn = await fx.monitoringDefinition(kind, name, isolated ? { EnableNetworkIsolation: true } : undefined);
        return sampleFor(file, name, arn, (p) => {
          p.networkConfig = isolated ? { enableNetworkIsolation: true } : undefined;
        });
      },
      ...(isolated ? {} : { remedy }),
    });
    await fx.monitoringDefinition("DataQuality", "bench-dq-named-open");
    await fx.monitoringDefinition("DataQuality", "bench-dq-named-ok", { EnableNetworkIsolation: true });
    const named = (name: string, definition: string) => async () => {
      const arn = await fx.monitoringSchedule(name, namedMonitoring(definition));
      return sampleFor("CreateMonitoringSchedule.named-definition.json", name, arn, (p) => {
        p.monitoringScheduleConfig.monitoringJobDefinitionName = definition;
        p.monitoringScheduleConfig.monitoringType = "DataQuality";
      });
    };
    const vpcEvent = (file: string, name: string, arn: string, subnetId: string, at: (p: AnyEvent) => AnyEvent) =>
      sampleFor(file, name, arn, (p) => {
        at(p).subnets = [subnetId];
      });

    const specs: Spec[] = [
      {
        type: "notebook-instance",
        figure: "notebook, direct internet access (InService)",
        expect: "NON_COMPLIANT",
        event: async () => {
          const { subnetId } = await subnet("private");
          const arn = await notebook("bench-nb-open", "Enabled", subnetId);
          return sampleFor("CreateNotebookInstance.direct-internet-enabled.json", "bench-nb-open", arn);
        },
        remedy: "StopNotebookInstance",
      },
      {
        type: "notebook-instance",
        figure: "notebook, VPC only, private subnet",
        expect: "COMPLIANT",
        routes: true,
        event: async () => {
          const { subnetId } = await subnet("private");
          const arn = await notebook("bench-nb-ok", "Disabled", subnetId);
          return sampleFor("CreateNotebookInstance.vpc-only.json", "bench-nb-ok", arn, (p) => {
            p.subnetId = subnetId;
          });
        },
      },
      {
        type: "notebook-instance",
        figure: "notebook, VPC only, subnet routed to an internet gateway",
        expect: "NON_COMPLIANT",
        routes: true,
        event: async () => {
          const { subnetId } = await subnet("internet-gateway");
          const arn = await notebook("bench-nb-public", "Disabled", subnetId);
          return sampleFor("CreateNotebookInstance.vpc-only.json", "bench-nb-public", arn, (p) => {
            p.subnetId = subnetId;
          });
        },
        remedy: "StopNotebookInstance",
        first: 4,
      },
      {
        type: "notebook-instance",
        figure: "notebook InService state change (CloudTrail event lost)",
        expect: "NON_COMPLIANT",
        event: async () => {
          const { subnetId } = await subnet("private");
          const arn = await notebook("bench-nb-lost", "Enabled", subnetId);
          return stateChange("SageMakerNotebookInstanceStateChange.in-service.json", "bench-nb-lost", arn, "InService");
        },
        remedy: "StopNotebookInstance",
      },
      {
        type: "domain",
        figure: "Studio domain, PublicInternetOnly (alert, no remedy)",
        expect: "NON_COMPLIANT",
        event: async () => {
          const { vpcId, subnetId } = await subnet("private");
          const arn = await fx.domain("bench-studio-open", undefined, { vpc: [subnetId], vpcId });
          return sampleFor("CreateDomain.public-internet-omitted.json", idOf(arn), arn);
        },
      },
      {
        type: "domain",
        figure: "Studio domain, VpcOnly, private subnet",
        expect: "COMPLIANT",
        routes: true,
        event: async () => {
          const { vpcId, subnetId } = await subnet("private");
          const arn = await fx.domain("bench-studio-ok", "VpcOnly", { vpc: [subnetId], vpcId });
          return sampleFor("CreateDomain.vpc-only.json", idOf(arn), arn, (p) => {
            p.subnetIds = [subnetId];
            p.vpcId = vpcId;
          });
        },
      },
      {
        type: "cluster",
        figure: "HyperPod cluster without VPC (alert, no remedy)",
        expect: "NON_COMPLIANT",
        event: async () => sampleFor("CreateCluster.no-vpc.json", "bench-hp-open", await fx.cluster("bench-hp-open")),
      },
      {
        type: "cluster",
        figure: "HyperPod cluster, private subnet",
        expect: "COMPLIANT",
        routes: true,
        event: async () => {
          const { subnetId } = await subnet("private");
          const arn = await fx.cluster("bench-hp-ok", { vpc: [subnetId] });
          return vpcEvent("CreateCluster.vpc.json", "bench-hp-ok", arn, subnetId, (p) => p.vpcConfig);
        },
      },
      {
        type: "monitoring-schedule",
        figure: "monitoring schedule, inline job not isolated",
        expect: "NON_COMPLIANT",
        event: async () =>
          sampleFor(
            "CreateMonitoringSchedule.inline-no-isolation.json",
            "bench-ms-open",
            await fx.monitoringSchedule("bench-ms-open", inlineMonitoring()),
          ),
        remedy: "StopMonitoringSchedule",
      },
      {
        type: "monitoring-schedule",
        figure: "monitoring schedule, inline job isolated",
        expect: "COMPLIANT",
        event: async () =>
          sampleFor(
            "CreateMonitoringSchedule.inline-isolated.json",
            "bench-ms-ok",
            await fx.monitoringSchedule("bench-ms-ok", inlineMonitoring({ EnableNetworkIsolation: true })),
          ),
      },
      {
        type: "monitoring-schedule",
        figure: "monitoring schedule naming a job definition without isolation",
        expect: "NON_COMPLIANT",
        event: named("bench-ms-named-open", "bench-dq-named-open"),
        remedy: "StopMonitoringSchedule",
        first: 3,
      },
      {
        type: "monitoring-schedule",
        figure: "monitoring schedule naming an isolated job definition",
        expect: "COMPLIANT",
        event: named("bench-ms-named-ok", "bench-dq-named-ok"),
        lookups: 1,
      },
      definitionCase(
        "data-quality-job-definition",
        "DataQuality",
        false,
        "CreateDataQualityJobDefinition.no-network-config.json",
        "DeleteDataQualityJobDefinition",
      ),
      definitionCase(
        "data-quality-job-definition",
        "DataQuality",
        true,
        "CreateDataQualityJobDefinition.isolated.json",
        "DeleteDataQualityJobDefinition",
      ),
      definitionCase(
        "model-quality-job-definition",
        "ModelQuality",
        false,
        "CreateModelQualityJobDefinition.no-isolation.json",
        "DeleteModelQualityJobDefinition",
      ),
      definitionCase(
        "model-quality-job-definition",
        "ModelQuality",
        true,
        "CreateModelQualityJobDefinition.no-isolation.json",
        "DeleteModelQualityJobDefinition",
      ),
      definitionCase(
        "model-bias-job-definition",
        "ModelBias",
        false,
        "CreateModelBiasJobDefinition.isolated.json",
        "DeleteModelBiasJobDefinition",
      ),
      definitionCase(
        "model-bias-job-definition",
        "ModelBias",
        true,
        "CreateModelBiasJobDefinition.isolated.json",
        "DeleteModelBiasJobDefinition",
      ),
      definitionCase(
        "model-explainability-job-definition",
        "ModelExplainability",
        false,
        "CreateModelExplainabilityJobDefinition.no-network-config.json",
        "DeleteModelExplainabilityJobDefinition",
      ),
      definitionCase(
        "model-explainability-job-definition",
        "ModelExplainability",
        true,
        "CreateModelExplainabilityJobDefinition.no-network-config.json",
        "DeleteModelExplainabilityJobDefinition",
      ),
      {
        type: "automl-job",
        figure: "AutoML V2 without VPC, default policy",
        expect: "COMPLIANT",
        event: async () =>
          sampleFor("CreateAutoMLJobV2.no-vpc.json", "bench-aml-ok", await fx.automlJob("bench-aml-ok")),
      },
      {
        type: "automl-job",
        figure: "AutoML V2 without VPC, requireVpc",
        expect: "NON_COMPLIANT",
        policy: "strict",
        event: async () =>
          sampleFor("CreateAutoMLJobV2.no-vpc.json", "bench-aml-open", await fx.automlJob("bench-aml-open")),
        remedy: "StopAutoMLJob",
      },
      {
        type: "automl-job",
        figure: "AutoML V2 in a private subnet, requireVpc",
        expect: "COMPLIANT",
        policy: "strict",
        routes: true,
        event: async () => {
          const { subnetId } = await subnet("private");
          const arn = await fx.automlJob("bench-aml-vpc", { vpc: [subnetId] });
          return vpcEvent(
            "CreateAutoMLJobV2.vpc.json",
            "bench-aml-vpc",
            arn,
            subnetId,
            (p) => p.securityConfig.vpcConfig,
          );
        },
      },
      {
        type: "automl-job",
        figure: "training job an AutoML job launched (state change; decided with its parent)",
        expect: "IGNORED",
        event: async () => {
          const parent = await fx.automlJob("bench-aml-parent");
          const arn = await fx.trainingJob("bench-aml-child");
          await emu.setJobParent("training-job", "bench-aml-child", "AutoMLJobArn", parent);
          return stateChange("SageMakerTrainingJobStateChange.automl-child.json", "bench-aml-child", arn);
        },
      },
      {
        type: "compilation-job",
        figure: "compilation job without VPC, requireVpc",
        expect: "NON_COMPLIANT",
        policy: "strict",
        event: async () =>
          sampleFor("CreateCompilationJob.no-vpc.json", "bench-neo-open", await fx.compilationJob("bench-neo-open")),
        remedy: "StopCompilationJob",
      },
      {
        type: "compilation-job",
        figure: "compilation job in a private subnet, requireVpc",
        expect: "COMPLIANT",
        policy: "strict",
        routes: true,
        event: async () => {
          const { subnetId } = await subnet("private");
          const arn = await fx.compilationJob("bench-neo-vpc", { vpc: [subnetId] });
          return vpcEvent("CreateCompilationJob.vpc.json", "bench-neo-vpc", arn, subnetId, (p) => p.vpcConfig);
        },
      },
      {
        type: "optimization-job",
        figure: "optimization job without VPC, default policy",
        expect: "COMPLIANT",
        event: async () =>
          sampleFor("CreateOptimizationJob.no-vpc.json", "bench-opt-ok", await fx.optimizationJob("bench-opt-ok")),
      },
      {
        type: "optimization-job",
        figure: "optimization job without VPC, requireVpc",
        expect: "NON_COMPLIANT",
        policy: "strict",
        event: async () =>
          sampleFor("CreateOptimizationJob.no-vpc.json", "bench-opt-open", await fx.optimizationJob("bench-opt-open")),
        remedy: "StopOptimizationJob",
      },
      ...[false, true].map(
        (isolated): Spec => ({
          type: "inference-recommendations-job",
          figure: `inference recommendations job, model ${isolated ? "isolated" : "without isolation"}`,
          expect: isolated ? "COMPLIANT" : "NON_COMPLIANT",
          event: async () => {
            const { subnetId } = await subnet("private");
            const name = `bench-rec-${isolated ? "ok" : "open"}`;
            await fx.model(`${name}-model`, { isolated });
            const arn = await fx.recommendationsJob(name, `${name}-model`, { vpc: [subnetId] });
            return sampleFor("CreateInferenceRecommendationsJob.model-vpc.json", name, arn, (p) => {
              p.inputConfig.modelName = `${name}-model`;
              p.inputConfig.vpcConfig.subnets = [subnetId];
            });
          },
          lookups: 1,
          ...(isolated ? {} : { remedy: "StopInferenceRecommendationsJob", first: 3 }),
        }),
      ),
      // A job that load-tests a model package version: DescribeModelPackage's containers decide, in the
      // job's VPC (no isolation flag exists for them).
      {
        type: "inference-recommendations-job",
        figure: "inference recommendations job, own model package outside any VPC",
        expect: "NON_COMPLIANT",
        event: async () => {
          const pkg = await fx.modelPackage("bench-rec-pkg-open");
          const arn = await fx.packageRecommendationsJob("bench-rec-pkg-open", pkg);
          return sampleFor(
            "CreateInferenceRecommendationsJob.model-package-no-vpc.json",
            "bench-rec-pkg-open",
            arn,
            (p) => {
              p.inputConfig.modelPackageVersionArn = pkg;
            },
          );
        },
        lookups: 1,
        remedy: "StopInferenceRecommendationsJob",
        first: 3,
      },
      {
        type: "inference-recommendations-job",
        figure: "inference recommendations job, own model package in a private subnet",
        expect: "COMPLIANT",
        routes: true,
        lookups: 1,
        event: async () => {
          const { subnetId } = await subnet("private");
          const pkg = await fx.modelPackage("bench-rec-pkg-ok");
          const arn = await fx.packageRecommendationsJob("bench-rec-pkg-ok", pkg, { vpc: [subnetId] });
          return sampleFor(
            "CreateInferenceRecommendationsJob.model-package-no-vpc.json",
            "bench-rec-pkg-ok",
            arn,
            (p) => {
              p.inputConfig.modelPackageVersionArn = pkg;
              p.inputConfig.vpcConfig = { subnets: [subnetId], securityGroupIds: ["sg-0a1b2c3d4e5f60001"] };
            },
          );
        },
      },
      {
        type: "labeling-job",
        figure: "labeling job, auto-labeling without VPC, default policy (Initializing)",
        expect: "COMPLIANT",
        event: async () =>
          sampleFor(
            "CreateLabelingJob.auto-labeling-no-vpc.json",
            "bench-label-ok",
            await fx.labelingJob("bench-label-ok"),
          ),
      },
      {
        type: "labeling-job",
        figure: "labeling job, auto-labeling without VPC, requireVpc (Initializing)",
        expect: "NON_COMPLIANT",
        policy: "strict",
        event: async () =>
          sampleFor(
            "CreateLabelingJob.auto-labeling-no-vpc.json",
            "bench-label-open",
            await fx.labelingJob("bench-label-open"),
          ),
        remedy: "StopLabelingJob",
      },
      {
        type: "labeling-job",
        figure: "labeling job, auto-labeling in a private subnet, requireVpc",
        expect: "COMPLIANT",
        policy: "strict",
        routes: true,
        event: async () => {
          const { subnetId } = await subnet("private");
          const arn = await fx.labelingJob("bench-label-vpc", { vpc: [subnetId] });
          return vpcEvent(
            "CreateLabelingJob.auto-labeling-vpc.json",
            "bench-label-vpc",
            arn,
            subnetId,
            (p) => p.labelingJobAlgorithmsConfig.labelingJobResourceConfig.vpcConfig,
          );
        },
      },
    ];

    const cases: Case[] = [];
    for (const spec of specs) {
      const event = await spec.event();
      calls.length = 0;
      const outcome = await runtimes[spec.policy ?? "default"].handle(event);
      const made = calls.map((c) => c.replace(/Command$/, ""));
      const verdict = outcome.decision.verdict;
      const ec2 = spec.routes ? 2 : 0;
      const extra = ec2 + (spec.lookups ?? 0);
      const at = spec.remedy ? made.indexOf(spec.remedy) + 1 : 0;
      const first = spec.first ?? 2;
      const budget = spec.remedy
        ? `${first} / <= ${first + 2}`
        : verdict === "NON_COMPLIANT"
          ? `<= ${3 + extra}, no remedy`
          : verdict === "IGNORED"
            ? "<= 1"
            : `<= ${2 + extra}`;
      const within = spec.remedy
        ? at === first && made.length <= first + 2
        : verdict === "NON_COMPLIANT"
          ? made.length <= 3 + extra && !made.some((c) => /^(Stop|Delete)/.test(c))
          : made.length <= (verdict === "IGNORED" ? 1 : 2 + extra);
      const routesRead = made.filter((c) => EC2_READS.test(c)).length;
      cases.push({
        ...spec,
        verdict,
        calls: made,
        budget,
        ok: verdict === spec.expect && within && routesRead === ec2,
      });
    }
    const missing = SURFACES.filter(
      (t) => !["COMPLIANT", "NON_COMPLIANT"].every((v) => cases.some((c) => c.type === t && c.verdict === v)),
    );
    const rows: Row[] = cases.map((c) => ({
      figure: `AWS calls, ${c.figure} [${c.verdict}]`,
      value: `${c.remedy ? `${c.calls.indexOf(c.remedy) + 1} / ` : ""}${c.calls.length} (${c.calls.join(", ") || "none"})`,
      baseline: "-",
      ratio: "-",
      budget: c.budget,
      ok: c.ok,
    }));
    rows.push({
      figure: "new types with a compliant and a non-compliant case measured",
      value: `${SURFACES.length - missing.length} of ${SURFACES.length}${missing.length ? ` (missing: ${missing.join(", ")})` : ""}`,
      baseline: "-",
      ratio: "-",
      budget: "all",
      ok: missing.length === 0,
    });
    // By type, then verdict: each case's calls (several cases of a verdict keep their own figure).
    const callsByType: Record<string, Record<string, Record<string, unknown>[]>> = {};
    for (const c of cases) {
      const byVerdict = callsByType[c.type] ?? {};
      callsByType[c.type] = byVerdict;
      const list = byVerdict[c.verdict] ?? [];
      byVerdict[c.verdict] = list;
      list.push({
        case: c.figure,
        policy: c.policy === "strict" ? "requireVpc" : "default",
        calls: c.calls.length,
        beforeRemedy: c.remedy ? c.calls.indexOf(c.remedy) + 1 : null,
        operations: c.calls,
        ok: c.ok,
      });
    }
    return { rows, results: { callsBySurface: callsByType } };
  } finally {
    await emu.stop();
  }
}
