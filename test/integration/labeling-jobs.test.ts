import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateLabelingJobCommand,
  DescribeLabelingJobCommand,
  SageMakerClient,
  type VpcConfig,
} from "@aws-sdk/client-sagemaker";
import { guardRuntime } from "../../scripts/guard-runtime.js";
import { loadSweepConfig } from "../../src/app/config-sweep.js";
import type { LogPort } from "../../src/app/enforce.js";
import type { Runtime } from "../../src/wiring/runtime.js";
import { createSweepRuntime } from "../../src/wiring/sweep-runtime.js";
import { type AlertInbox, clientConfig, clients, emulatorEnv, type Fixtures } from "../support/aws.js";
import { type Emulator, useEmulator } from "../support/emulator.js";
import { sampleFor, stateChange } from "../support/events.js";

let emu: Emulator;
let fx: Fixtures;
let inbox: AlertInbox;
let aws: ReturnType<typeof clients>;
useEmulator((w) => {
  ({ emu, aws, fx, inbox } = w);
});

const ROLE = "arn:aws:iam::123456789012:role/sagemaker-execution";
const BIN = join(import.meta.dirname, "../../bin/isolation-guard.js");
const ALGORITHM = "arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/image-classification";

function runtime(env: Record<string, string> = {}): Runtime {
  return guardRuntime(emu.endpoint, { GUARD_ALERT_TOPIC_ARN: inbox.topicArn, ...env });
}

/** A Ground Truth job; `auto` turns on automated data labeling (AWS's algorithm), optionally in a VPC. */
async function labelingJob(name: string, auto: boolean, vpc?: VpcConfig): Promise<string> {
  const out = await aws.sm.send(
    new CreateLabelingJobCommand({
      LabelingJobName: name,
      LabelAttributeName: "defect-class",
      RoleArn: ROLE,
      InputConfig: { DataSource: { S3DataSource: { ManifestS3Uri: "s3://labels/manifest.jsonl" } } },
      OutputConfig: { S3OutputPath: "s3://labels/out/" },
      ...(auto
        ? {
            LabelingJobAlgorithmsConfig: {
              LabelingJobAlgorithmSpecificationArn: ALGORITHM,
              ...(vpc ? { LabelingJobResourceConfig: { VpcConfig: vpc } } : {}),
            },
          }
        : {}),
      HumanTaskConfig: {
        WorkteamArn: "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/inspectors",
        UiConfig: { UiTemplateS3Uri: "s3://labels/template.liquid" },
        PreHumanTaskLambdaArn: "arn:aws:lambda:us-east-1:432418664414:function:PRE-ImageMultiClass",
        TaskTitle: "Classify the defect",
        TaskDescription: "Choose the defect class",
        NumberOfHumanWorkersPerDataObject: 1,
        TaskTimeLimitInSeconds: 300,
        AnnotationConsolidationConfig: {
          AnnotationConsolidationLambdaArn: "arn:aws:lambda:us-east-1:432418664414:function:ACS-ImageMultiClass",
        },
      },
    }),
  );
  return out.LabelingJobArn as string;
}

const quiet: LogPort = { info: () => {}, warn: () => {}, error: () => {} };

/** The scheduled sweep as deployed (adaptive retry), pointed at the emulator. */
function sweepRuntime(env: Record<string, string> = {}) {
  const c = clients(emu.endpoint);
  return createSweepRuntime({
    log: quiet,
    config: loadSweepConfig({ AWS_REGION: "us-east-1", GUARD_ALERT_TOPIC_ARN: inbox.topicArn, ...env }),
    clients: {
      sagemaker: new SageMakerClient({ ...clientConfig(emu.endpoint, 8), retryMode: "adaptive" }),
      sns: c.sns,
      dynamodb: c.ddb,
      cloudtrail: c.ct,
    },
  });
}

const statusOf = async (name: string) =>
  (await aws.sm.send(new DescribeLabelingJobCommand({ LabelingJobName: name }))).LabelingJobStatus;

describe("Ground Truth labeling jobs against the emulator", () => {
  it("leaves auto-labeling without a VPC running under the default policy, with a note", async () => {
    const arn = await labelingJob("label-default", true);

    const out = await runtime().handle(sampleFor("CreateLabelingJob.auto-labeling-no-vpc.json", "label-default", arn));

    expect(out.decision.verdict).toBe("COMPLIANT");
    expect(out.decision.notes.join(" ")).toContain("runs only SageMaker's own containers");
    expect(await statusOf("label-default")).toBe("Initializing");
  });

  it("stops an Initializing auto-labeling job without a VPC under requireVpc, described from the emulator", async () => {
    const arn = await labelingJob("label-novpc", true);
    // The event claims a VPC; the job as described has none: Describe decides.
    const claimed = sampleFor("CreateLabelingJob.auto-labeling-vpc.json", "label-novpc", arn);

    const out = await runtime({ GUARD_POLICY_JSON: '{"requireVpc": true}' }).handle(claimed);

    expect(out.decision.findings.map((f) => f.rule)).toEqual(["vpc-config-missing"]);
    expect(out.remedy).toBe("stopped");
    expect(await statusOf("label-novpc")).toBe("Stopped");
  });

  it("does not stop a human-only labeling job under requireVpc: it runs no container", async () => {
    const arn = await labelingJob("label-humans", false);
    const event = sampleFor("CreateLabelingJob.auto-labeling-no-vpc.json", "label-humans", arn, (p) => {
      delete p.labelingJobAlgorithmsConfig;
    });

    const out = await runtime({ GUARD_POLICY_JSON: '{"requireVpc": true}' }).handle(event);

    expect(out.decision.verdict).toBe("COMPLIANT");
    expect(await statusOf("label-humans")).toBe("Initializing");
  });

  it("keeps the training job its active learning launched IGNORED, decided with the labeling job", async () => {
    const parent = await labelingJob("label-parent", true);
    const childArn = await fx.trainingJob("label-parent-al-1");
    await emu.setJobParent("training-job", "label-parent-al-1", "LabelingJobArn", parent);

    const out = await runtime().handle(
      stateChange("SageMakerTrainingJobStateChange.in-progress.json", "label-parent-al-1", childArn),
    );

    expect(out.decision.verdict).toBe("IGNORED");
    expect(out.decision.reason).toBe(`launched by ${parent}: decided with its parent`);
  });

  it("sweeps a labeling job still Initializing (no event received) and stops it under requireVpc", async () => {
    const arn = await labelingJob("label-sweep-new", true);
    // Human-only labeling, also Initializing: it runs no container, so it is listed, decided and left alone.
    await labelingJob("label-sweep-humans", false);
    expect(await statusOf("label-sweep-new")).toBe("Initializing");

    const summary = await sweepRuntime({ GUARD_POLICY_JSON: '{"requireVpc": true}' }).sweep();

    expect(summary).toMatchObject({ errors: [], listed: 2, examined: 2 });
    expect(summary.verdicts).toEqual({ COMPLIANT: 1, NON_COMPLIANT: 1 });
    expect(await statusOf("label-sweep-new")).toBe("Stopped");
    expect(await fx.tags(arn)).toMatchObject({
      "isolation-guard:status": "NON_COMPLIANT",
      "isolation-guard:rules": "vpc-config-missing",
      "isolation-guard:action": "stopped",
    });
    expect(await statusOf("label-sweep-humans")).toBe("Initializing");
    expect((await inbox.drain()).map((a) => a.Subject ?? "").some((s) => s.includes("label-sweep-new"))).toBe(true);
  });

  it("scans running labeling jobs into their own report row, and says so in the scope", async () => {
    await labelingJob("label-scan", true);
    await emu.setJobStatus("labeling-job", "label-scan", "InProgress");
    const policy = join(tmpdir(), `ig-require-vpc-${process.pid}.json`);
    writeFileSync(policy, JSON.stringify({ requireVpc: true }));

    const result = spawnSync(process.execPath, [BIN, "scan", "--format", "json"], {
      encoding: "utf8",
      input: "",
      timeout: 90_000,
      env: { PATH: process.env.PATH, ...emulatorEnv(emu.endpoint), GUARD_SETTLE_MS: "0", GUARD_POLICY_FILE: policy },
    });

    const r = JSON.parse(result.stdout) as { scope: string; byType: { type: string; NON_COMPLIANT: number }[] };
    expect(r.byType.find((x) => x.type === "labeling-job")).toMatchObject({ NON_COMPLIANT: 1 });
    expect(r.scope).toContain("Labeling jobs (Initializing or InProgress)");
    // A scan without --fix changes nothing.
    expect(await statusOf("label-scan")).toBe("InProgress");
  });
});
