import type { IsolationUnit, VpcFacts } from "./types.js";
import "./zod.js";
import * as z from "zod/mini";

/*
 * One row per SageMaker resource type, holding every fact the guard knows about the type: its names,
 * which CloudTrail calls create it, how its settings become facts (`parse`), how it is described,
 * listed, stopped or deleted, which state-change event announces it, which parent launches it, and where
 * the sweep takes it. Every other table (the resource type union, the sweep order, the adapters'
 * command and paginator tables, the report's rows) is derived from these rows, so a new type is one
 * row and the compiler lists whatever else it still needs.
 * Request parameters (CloudTrail) and Describe outputs (PascalCase, lowered by `lowerCamelKeys`) share
 * member names, so one schema reads both.
 */

/** Built on first use and kept: a cold start builds only the schemas of the event in hand. */
function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}

const OptString = lazy(() => z.nullish(z.string()));
const OptBool = lazy(() => z.nullish(z.boolean()));
const Name = lazy(() => z.string().check(z.minLength(1)));

const Vpc = lazy(() =>
  z.object({
    subnets: z.nullish(z.array(z.string())),
    securityGroupIds: z.nullish(z.array(z.string())),
  }),
);
type VpcIn = z.infer<ReturnType<typeof Vpc>>;

const AlgorithmSpecification = lazy(() => z.object({ trainingImage: OptString(), algorithmName: OptString() }));

const TrainingDefinition = lazy(() =>
  z.object({
    definitionName: OptString(),
    enableNetworkIsolation: OptBool(),
    vpcConfig: z.nullish(Vpc()),
    algorithmSpecification: z.nullish(AlgorithmSpecification()),
  }),
);

const Container = lazy(() => z.object({ image: OptString(), modelPackageName: OptString() }));

const TrainingJob = lazy(() => z.extend(TrainingDefinition(), { trainingJobName: Name() }));
const TuningJob = lazy(() =>
  z.object({
    hyperParameterTuningJobName: Name(),
    trainingJobDefinition: z.nullish(TrainingDefinition()),
    trainingJobDefinitions: z.nullish(z.array(TrainingDefinition())),
  }),
);
const ProcessingJob = lazy(() =>
  z.object({
    processingJobName: Name(),
    networkConfig: z.nullish(z.object({ enableNetworkIsolation: OptBool(), vpcConfig: z.nullish(Vpc()) })),
    appSpecification: z.nullish(z.object({ imageUri: OptString() })),
  }),
);
const Model = lazy(() =>
  z.object({
    modelName: Name(),
    enableNetworkIsolation: OptBool(),
    vpcConfig: z.nullish(Vpc()),
    primaryContainer: z.nullish(Container()),
    containers: z.nullish(z.array(Container())),
  }),
);
const TransformJob = lazy(() => z.object({ transformJobName: Name(), modelName: Name() }));
const Variant = lazy(() => z.object({ modelName: OptString() }));
const EndpointConfig = lazy(() =>
  z.object({
    endpointConfigName: Name(),
    productionVariants: z.nullish(z.array(Variant())),
    shadowProductionVariants: z.nullish(z.array(Variant())),
    enableNetworkIsolation: OptBool(),
    vpcConfig: z.nullish(Vpc()),
  }),
);
const Endpoint = lazy(() => z.object({ endpointName: Name(), endpointConfigName: Name() }));
const ComponentSpecification = lazy(() =>
  z.object({
    modelName: OptString(),
    // The request names the image; Describe answers with DeployedImage (the image as specified, and
    // the digest it resolved to).
    container: z.nullish(
      z.object({
        image: OptString(),
        deployedImage: z.nullish(z.object({ specifiedImage: OptString(), resolvedImage: OptString() })),
      }),
    ),
    baseInferenceComponentName: OptString(),
  }),
);
const InferenceComponent = lazy(() =>
  z.object({
    inferenceComponentName: Name(),
    endpointName: OptString(),
    specification: z.nullish(ComponentSpecification()),
    specifications: z.nullish(z.array(ComponentSpecification())),
  }),
);

function vpcFacts(vpc: VpcIn | null | undefined) {
  return vpc ? { subnets: vpc.subnets ?? [], securityGroupIds: vpc.securityGroupIds ?? [] } : null;
}

function trainingUnit(def: z.infer<ReturnType<typeof TrainingDefinition>>, basePath: string): IsolationUnit {
  const prefix = basePath ? `${basePath}.` : "";
  const spec = def.algorithmSpecification;
  return {
    basePath,
    label: def.definitionName ?? null,
    networkIsolation: def.enableNetworkIsolation === true,
    networkIsolationPath: `${prefix}enableNetworkIsolation`,
    vpc: vpcFacts(def.vpcConfig),
    vpcPath: `${prefix}vpcConfig`,
    images: [
      spec?.trainingImage
        ? { uri: spec.trainingImage, path: `${prefix}algorithmSpecification.trainingImage` }
        : { uri: null, path: `${prefix}algorithmSpecification.algorithmName` },
    ],
  };
}

// ---- issue 14: notebooks, Studio domains, HyperPod clusters, Model Monitor, AutoML, compilation ----

const NotebookInstance = lazy(() =>
  z.object({
    notebookInstanceName: Name(),
    directInternetAccess: OptString(),
    subnetId: OptString(),
    securityGroupIds: z.nullish(z.array(z.string())),
    securityGroups: z.nullish(z.array(z.string())),
  }),
);
const SecurityGroupsIn = lazy(() => z.nullish(z.object({ securityGroups: z.nullish(z.array(z.string())) })));
const Domain = lazy(() =>
  z.object({
    domainId: OptString(),
    domainName: OptString(),
    appNetworkAccessType: OptString(),
    subnetIds: z.nullish(z.array(z.string())),
    defaultUserSettings: SecurityGroupsIn(),
    defaultSpaceSettings: SecurityGroupsIn(),
    domainSettings: z.nullish(z.object({ securityGroupIds: z.nullish(z.array(z.string())) })),
    domainSettingsForUpdate: z.nullish(z.object({ securityGroupIds: z.nullish(z.array(z.string())) })),
  }),
);
const InstanceGroup = lazy(() => z.object({ instanceGroupName: OptString(), overrideVpcConfig: z.nullish(Vpc()) }));
const Cluster = lazy(() =>
  z.object({
    clusterName: Name(),
    vpcConfig: z.nullish(Vpc()),
    instanceGroups: z.nullish(z.array(InstanceGroup())),
    restrictedInstanceGroups: z.nullish(z.array(InstanceGroup())),
  }),
);
const MonitoringNetwork = lazy(() =>
  z.object({
    enableNetworkIsolation: OptBool(),
    enableInterContainerTrafficEncryption: OptBool(),
    vpcConfig: z.nullish(Vpc()),
  }),
);
type MonitoringNetworkIn = z.infer<ReturnType<typeof MonitoringNetwork>>;
const ImageSpec = lazy(() => z.nullish(z.object({ imageUri: OptString() })));
const MonitoringSchedule = lazy(() =>
  z.object({
    monitoringScheduleName: Name(),
    monitoringScheduleConfig: z.nullish(
      z.object({
        monitoringJobDefinition: z.nullish(
          z.object({ networkConfig: z.nullish(MonitoringNetwork()), monitoringAppSpecification: ImageSpec() }),
        ),
        monitoringJobDefinitionName: OptString(),
        monitoringType: z.nullish(z.enum(["DataQuality", "ModelQuality", "ModelBias", "ModelExplainability"])),
      }),
    ),
  }),
);
const SecurityConfig = lazy(() =>
  z.nullish(z.object({ vpcConfig: z.nullish(Vpc()), enableInterContainerTrafficEncryption: OptBool() })),
);
const AutoMLJob = lazy(() =>
  z.object({
    autoMLJobName: Name(),
    securityConfig: SecurityConfig(),
    autoMLJobConfig: z.nullish(z.object({ securityConfig: SecurityConfig() })),
  }),
);
const CompilationJob = lazy(() => z.object({ compilationJobName: Name(), vpcConfig: z.nullish(Vpc()) }));
const OptimizationJob = lazy(() => z.object({ optimizationJobName: Name(), vpcConfig: z.nullish(Vpc()) }));
const LabelingJob = lazy(() =>
  z.object({
    labelingJobName: Name(),
    labelingJobAlgorithmsConfig: z.nullish(
      z.object({
        labelingJobAlgorithmSpecificationArn: OptString(),
        labelingJobResourceConfig: z.nullish(z.object({ vpcConfig: z.nullish(Vpc()) })),
      }),
    ),
  }),
);
const InferenceRecommendationsJob = lazy(() =>
  z.object({
    jobName: Name(),
    inputConfig: z.nullish(
      z.object({ modelName: OptString(), modelPackageVersionArn: OptString(), vpcConfig: z.nullish(Vpc()) }),
    ),
  }),
);

/**
 * A Model Monitor job's settings (a job definition's, or a schedule's inline one). A missing NetworkConfig
 * means SageMaker's defaults: no isolation, no VPC, no inter-container encryption (as for processing jobs,
 * which these definitions become).
 */
function monitoringUnit(
  net: MonitoringNetworkIn | null | undefined,
  imageUri: string | null | undefined,
  base: string,
  appSpecPath: string,
): IsolationUnit {
  const prefix = base ? `${base}.` : "";
  return {
    basePath: base,
    label: null,
    networkIsolation: net?.enableNetworkIsolation === true,
    networkIsolationPath: `${prefix}networkConfig.enableNetworkIsolation`,
    vpc: vpcFacts(net?.vpcConfig),
    vpcPath: `${prefix}networkConfig.vpcConfig`,
    images: [{ uri: imageUri ?? null, path: `${prefix}${appSpecPath}.imageUri` }],
    interContainerEncryption: {
      enabled: net?.enableInterContainerTrafficEncryption === true,
      path: `${prefix}networkConfig.enableInterContainerTrafficEncryption`,
    },
  };
}

/**
 * AutoML, compilation and optimization jobs run containers SageMaker chooses and builds (Autopilot's
 * candidate pipelines, Neo's compiler, the optimization toolkit's LMI containers); the user brings data
 * and a model artifact, not a container to isolate, and their APIs have no EnableNetworkIsolation. Under
 * the default policy they are compliant with a note; a VPC is what confines them, so `requireVpc` and the
 * allow-lists apply (their IAM keys are the VPC ones, where they exist).
 */
function awsManagedUnit(
  vpc: VpcIn | null | undefined,
  vpcPath: string,
  encryption?: boolean | null,
  encryptionPath?: string,
): IsolationUnit {
  return {
    basePath: "",
    label: null,
    networkIsolation: false,
    networkIsolationPath: vpcPath,
    vpc: vpcFacts(vpc),
    vpcPath,
    images: [],
    control: "aws-managed",
    ...(encryptionPath ? { interContainerEncryption: { enabled: encryption === true, path: encryptionPath } } : {}),
  };
}

/** A Model Monitor schedule's `MonitoringType` → the type of the job definition it names. */
const MONITORING_DEFINITION_TYPES: Readonly<
  Record<"DataQuality" | "ModelQuality" | "ModelBias" | "ModelExplainability", MonitoringDefinitionType>
> = {
  DataQuality: "data-quality-job-definition",
  ModelQuality: "model-quality-job-definition",
  ModelBias: "model-bias-job-definition",
  ModelExplainability: "model-explainability-job-definition",
};
export type MonitoringDefinitionType =
  | "data-quality-job-definition"
  | "model-quality-job-definition"
  | "model-bias-job-definition"
  | "model-explainability-job-definition";

/**
 * One of the four Model Monitor job definitions (`<Kind>JobDefinition` in every operation name): each
 * becomes the processing jobs a schedule starts, and is deleted when it lacks isolation (no job has run
 * from it yet when it is created; a schedule that names it is decided on its own).
 */
function monitoringDefinitionRow<const K extends string>(
  kind: K,
  one: string,
  many: string,
  appSpec: string,
  sweepOrder: number,
) {
  const Schema = lazy(() =>
    z.object({ jobDefinitionName: Name(), networkConfig: z.nullish(MonitoringNetwork()), [appSpec]: ImageSpec() }),
  );
  return {
    names: { one, many },
    sdkHint: "ModelMonitor(..., network_config=NetworkConfig(enable_network_isolation=True))",
    putsModelsToWork: false,
    events: [`Create${kind}JobDefinition`],
    nameKey: "jobDefinitionName",
    arnKey: "jobDefinitionArn",
    parse: (p: unknown): ParsedSettings => {
      const d = Schema().parse(p) as { jobDefinitionName: string; networkConfig?: MonitoringNetworkIn | null } & Record<
        string,
        { imageUri?: string | null } | null | undefined
      >;
      return { name: d.jobDefinitionName, units: [monitoringUnit(d.networkConfig, d[appSpec]?.imageUri, "", appSpec)] };
    },
    remedy: "delete",
    api: {
      nameParam: "JobDefinitionName",
      describe: `Describe${kind}JobDefinition` as const,
      delete: `Delete${kind}JobDefinition` as const,
      list: {
        operation: `List${kind}JobDefinitions` as const,
        summaries: "JobDefinitionSummaries",
        nameKey: "MonitoringJobDefinitionName",
        arnKey: "MonitoringJobDefinitionArn",
        statusKey: null,
        activeStatuses: null,
      },
    },
    stateChange: null,
    parentKeys: [],
    sweepOrder,
    consolePath: "model-monitor",
  } as const satisfies ResourceTypeRow;
}

/** Where a resource that puts models to work finds them. */
export interface ModelSource {
  modelNames: string[];
  endpointConfigName: string | null;
  /**
   * Containers it runs itself, without a model (an inference component's `Container`): they run under
   * the settings of the endpoint config behind `endpointName` (`null`: describe the component for it).
   */
  containers?: { images: IsolationUnit["images"]; endpointName: string | null };
  /** An adapter component names no model or container: it runs in its base component's container. */
  baseComponentName?: string;
  /**
   * Model package versions it deploys (an inference recommendations job's ModelPackageVersionArn), with
   * the VPC the deploying resource gives them: a package has neither isolation flag nor VPC of its own.
   */
  modelPackages?: { arn: string; vpc: VpcFacts | null }[];
}

/** Isolation settings without the images: what an endpoint config sets for every container deployed to it. */
export type HostSettings = Omit<IsolationUnit, "images">;

/** What a row's `parse` makes of a request or a Describe output. */
export interface ParsedSettings {
  name: string;
  /** Its own isolation settings (jobs, models): each unit is judged by the rules. */
  units?: IsolationUnit[];
  /** The models it puts to work, when it names them (transform jobs, endpoint configs, endpoints...). */
  models?: ModelSource;
  /** Resources whose settings are this one's (the job definition a monitoring schedule names): described. */
  definitions?: { type: MonitoringDefinitionType; name: string; path: string }[];
  /** Why the request alone cannot decide (an update that leaves the network setting as it was): described. */
  describe?: string;
  /** An endpoint config's top-level settings: those of the containers deployed to it without a model. */
  hostSettings?: HostSettings;
}

/** The SageMaker API side of a type: operations without the `Command` suffix, and their name parameter. */
export interface ApiSpec {
  nameParam: string;
  describe: string;
  /** Its List* operation (always paginated) and the summary members the lister reads. */
  list: {
    operation: string;
    summaries: string;
    nameKey: string;
    arnKey: string;
    statusKey: string | null;
    /**
     * The `StatusEquals` values of a resource that runs or will run containers, for the sweep's "running
     * only" listing: one List call per status (the API's filter takes one value), so a status missing here
     * is a resource the sweep never sees (a labeling job `Initializing`, a notebook `Pending`). Every
     * status of the API's enum (botocore `sagemaker/2017-07-24/service-2.json`) in which the resource
     * starts, runs or can start containers belongs here; `null`: the type's List call has no status filter
     * (or its every status matters) and every one is listed.
     */
    activeStatuses: readonly string[] | null;
  };
  stop?: string;
  delete?: string;
}

/**
 * The remedy in enforce mode, with the operation that carries it out: a type cannot name a remedy its
 * API lacks. `stopWhile`: Describe statuses in which the Stop applies (a job `InProgress`, a notebook
 * `InService`); in any other a Stop is not attempted and the resource is reported as no longer running.
 * `null`: tag and alert only.
 */
export type RemedySpec =
  | {
      remedy: "stop";
      api: ApiSpec & { stop: string };
      stopWhile: readonly string[];
      /**
       * Statuses in which SageMaker refuses the Stop because the resource is still starting (a notebook
       * `Pending`): not a "no longer running", the stop waits for the state change to a `stopWhile` status.
       */
      stopsLater?: readonly string[];
    }
  | { remedy: "delete"; api: ApiSpec & { delete: string } }
  | { remedy: null; api: ApiSpec };

/** Every fact about one resource type. The row's key is the type (the SageMaker ARN resource segment). */
export type ResourceTypeRow = RemedySpec & {
  /** How alerts (`one`) and reports (`many`) name it. */
  names: { one: string; many: string };
  /**
   * The SageMaker Python SDK spelling of its isolation setting, for the fix line; `null` for types
   * whose posture is their models' (the fix names the model's setting).
   */
  sdkHint: string | null;
  /** Its posture is that of the models it puts to work (looked up by name), not settings of its own. */
  putsModelsToWork: boolean;
  /** CloudTrail event names whose request creates or re-points this resource. */
  events: readonly string[];
  /** Request / Describe member holding the name, and responseElements / Describe member holding the ARN. */
  nameKey: string;
  arnKey: string;
  /**
   * Where the type's settings become facts: parses (lower-camel) parameters; throws ZodError on wrong types.
   * `eventName`: the CloudTrail call the parameters come from; absent for a Describe output.
   */
  parse: (params: unknown, eventName?: string) => ParsedSettings;
  /**
   * What the last segment of its ARN is: its `name` (the default), an `id` SageMaker assigns that is not
   * the name (HyperPod clusters), or an id that is its `identity`, the name its Describe takes (domains).
   */
  arnSegment?: "name" | "id" | "identity";
  /** SageMaker's own "... State Change" event for this type, and its members. */
  stateChange: {
    detailType: string;
    /** `null`: the type has no status (a model's event marks its creation or deletion). */
    statusKey: string | null;
    nameKey: string;
    arnKey: string;
    /** Statuses in which the resource runs (or can be remedied) and must be decided. */
    activeStatuses: readonly string[];
    /**
     * AWS documents the event's name but not its detail: without the status member the resource is
     * described (its Describe status then decides whether to act) instead of refusing the event.
     */
    undocumentedDetail?: true;
  } | null;
  /**
   * Describe / state-change members (PascalCase) naming the resource SageMaker launched it for (a tuning
   * job's training jobs): such a child is decided with its parent, never on its own.
   */
  parentKeys: readonly string[];
  /** Where the sweep and scan take it: lower first (running jobs are the most urgent to stop). */
  sweepOrder: number;
  /** Console fragment after `#/`. */
  consolePath: string;
};

/** Keeps the rows' literal operation names, so the adapters' tables can be checked against them. */
function defineRows<const T extends Record<string, ResourceTypeRow>>(rows: T): T {
  return rows;
}

const JOB_STOP = ["InProgress"] as const;

const ROWS = defineRows({
  "training-job": {
    names: { one: "training job", many: "Training jobs" },
    sdkHint: "Estimator(..., enable_network_isolation=True)",
    putsModelsToWork: false,
    events: ["CreateTrainingJob"],
    nameKey: "trainingJobName",
    arnKey: "trainingJobArn",
    parse: (p) => {
      const job = TrainingJob().parse(p);
      return { name: job.trainingJobName, units: [trainingUnit(job, "")] };
    },
    remedy: "stop",
    stopWhile: JOB_STOP,
    api: {
      nameParam: "TrainingJobName",
      describe: "DescribeTrainingJob",
      stop: "StopTrainingJob",
      list: {
        operation: "ListTrainingJobs",
        summaries: "TrainingJobSummaries",
        nameKey: "TrainingJobName",
        arnKey: "TrainingJobArn",
        statusKey: "TrainingJobStatus",
        activeStatuses: ["InProgress"],
      },
    },
    stateChange: {
      detailType: "SageMaker Training Job State Change",
      statusKey: "TrainingJobStatus",
      nameKey: "TrainingJobName",
      arnKey: "TrainingJobArn",
      activeStatuses: ["InProgress"],
    },
    // Training jobs SageMaker launches for a tuning job, an AutoML job or a labeling job's active learning.
    parentKeys: ["TuningJobArn", "AutoMLJobArn", "LabelingJobArn"],
    sweepOrder: 10,
    consolePath: "jobs",
  },
  "hyper-parameter-tuning-job": {
    names: { one: "hyperparameter tuning job", many: "Tuning jobs" },
    sdkHint: "the tuner's Estimator(..., enable_network_isolation=True)",
    putsModelsToWork: false,
    events: ["CreateHyperParameterTuningJob"],
    nameKey: "hyperParameterTuningJobName",
    arnKey: "hyperParameterTuningJobArn",
    parse: (p) => {
      const job = TuningJob().parse(p);
      const units: IsolationUnit[] = [];
      if (job.trainingJobDefinition) units.push(trainingUnit(job.trainingJobDefinition, "trainingJobDefinition"));
      (job.trainingJobDefinitions ?? []).forEach((d, i) => {
        units.push(trainingUnit(d, `trainingJobDefinitions[${i}]`));
      });
      return { name: job.hyperParameterTuningJobName, units };
    },
    remedy: "stop",
    stopWhile: JOB_STOP,
    api: {
      nameParam: "HyperParameterTuningJobName",
      describe: "DescribeHyperParameterTuningJob",
      stop: "StopHyperParameterTuningJob",
      list: {
        operation: "ListHyperParameterTuningJobs",
        summaries: "HyperParameterTuningJobSummaries",
        nameKey: "HyperParameterTuningJobName",
        arnKey: "HyperParameterTuningJobArn",
        statusKey: "HyperParameterTuningJobStatus",
        activeStatuses: ["InProgress"],
      },
    },
    stateChange: {
      detailType: "SageMaker HyperParameter Tuning Job State Change",
      statusKey: "HyperParameterTuningJobStatus",
      nameKey: "HyperParameterTuningJobName",
      arnKey: "HyperParameterTuningJobArn",
      activeStatuses: ["InProgress"],
    },
    parentKeys: [],
    sweepOrder: 20,
    consolePath: "hyper-tuning-jobs",
  },
  "processing-job": {
    names: { one: "processing job", many: "Processing jobs" },
    sdkHint: "Processor(..., network_config=NetworkConfig(enable_network_isolation=True))",
    putsModelsToWork: false,
    events: ["CreateProcessingJob"],
    nameKey: "processingJobName",
    arnKey: "processingJobArn",
    parse: (p) => {
      const job = ProcessingJob().parse(p);
      // A missing networkConfig means SageMaker's defaults: no isolation, no VPC.
      const net = job.networkConfig;
      const unit: IsolationUnit = {
        basePath: "",
        label: null,
        networkIsolation: net?.enableNetworkIsolation === true,
        networkIsolationPath: "networkConfig.enableNetworkIsolation",
        vpc: vpcFacts(net?.vpcConfig),
        vpcPath: "networkConfig.vpcConfig",
        images: [{ uri: job.appSpecification?.imageUri ?? null, path: "appSpecification.imageUri" }],
      };
      return { name: job.processingJobName, units: [unit] };
    },
    remedy: "stop",
    stopWhile: JOB_STOP,
    api: {
      nameParam: "ProcessingJobName",
      describe: "DescribeProcessingJob",
      stop: "StopProcessingJob",
      list: {
        operation: "ListProcessingJobs",
        summaries: "ProcessingJobSummaries",
        nameKey: "ProcessingJobName",
        arnKey: "ProcessingJobArn",
        statusKey: "ProcessingJobStatus",
        activeStatuses: ["InProgress"],
      },
    },
    stateChange: {
      detailType: "SageMaker Processing Job State Change",
      statusKey: "ProcessingJobStatus",
      nameKey: "ProcessingJobName",
      arnKey: "ProcessingJobArn",
      activeStatuses: ["InProgress"],
    },
    // Debugger/Profiler rule jobs (TrainingJobArn; the SDK turns the profiler report on by default),
    // AutoML's jobs and Model Monitor runs (DescribeProcessingJob).
    parentKeys: ["TrainingJobArn", "AutoMLJobArn", "MonitoringScheduleArn"],
    sweepOrder: 30,
    consolePath: "processing-jobs",
  },
  "transform-job": {
    names: { one: "batch transform job", many: "Batch transform jobs" },
    sdkHint: null,
    putsModelsToWork: true,
    events: ["CreateTransformJob"],
    nameKey: "transformJobName",
    arnKey: "transformJobArn",
    parse: (p) => {
      const job = TransformJob().parse(p);
      return { name: job.transformJobName, models: { modelNames: [job.modelName], endpointConfigName: null } };
    },
    remedy: "stop",
    stopWhile: JOB_STOP,
    api: {
      nameParam: "TransformJobName",
      describe: "DescribeTransformJob",
      stop: "StopTransformJob",
      list: {
        operation: "ListTransformJobs",
        summaries: "TransformJobSummaries",
        nameKey: "TransformJobName",
        arnKey: "TransformJobArn",
        statusKey: "TransformJobStatus",
        activeStatuses: ["InProgress"],
      },
    },
    stateChange: {
      detailType: "SageMaker Transform Job State Change",
      statusKey: "TransformJobStatus",
      nameKey: "TransformJobName",
      arnKey: "TransformJobArn",
      activeStatuses: ["InProgress"],
    },
    // AutoML's and labeling jobs' batch transforms (DescribeTransformJob).
    parentKeys: ["AutoMLJobArn", "LabelingJobArn"],
    sweepOrder: 40,
    consolePath: "transform-jobs",
  },
  model: {
    names: { one: "model", many: "Models" },
    sdkHint: "Model(..., enable_network_isolation=True)",
    putsModelsToWork: false,
    events: ["CreateModel"],
    nameKey: "modelName",
    arnKey: "modelArn",
    parse: (p) => {
      const m = Model().parse(p);
      const images: IsolationUnit["images"] = [];
      if (m.primaryContainer) {
        images.push({ uri: m.primaryContainer.image ?? null, path: "primaryContainer.image" });
      }
      (m.containers ?? []).forEach((c, i) => {
        images.push({ uri: c.image ?? null, path: `containers[${i}].image` });
      });
      const unit: IsolationUnit = {
        basePath: "",
        label: null,
        networkIsolation: m.enableNetworkIsolation === true,
        networkIsolationPath: "enableNetworkIsolation",
        vpc: vpcFacts(m.vpcConfig),
        vpcPath: "vpcConfig",
        images,
      };
      return { name: m.modelName, units: [unit] };
    },
    remedy: "delete",
    api: {
      nameParam: "ModelName",
      describe: "DescribeModel",
      delete: "DeleteModel",
      list: {
        operation: "ListModels",
        summaries: "Models",
        nameKey: "ModelName",
        arnKey: "ModelArn",
        statusKey: null,
        activeStatuses: null,
      },
    },
    // "SageMaker Model State Change" (EventBridge, events SageMaker sends): sent when a model is
    // created or deleted, so a model whose CloudTrail event was lost is decided in seconds, not at the
    // next sweep. A deleted model's Describe finds nothing: the event is then ignored.
    stateChange: {
      detailType: "SageMaker Model State Change",
      statusKey: null,
      nameKey: "ModelName",
      arnKey: "ModelArn",
      activeStatuses: [],
    },
    parentKeys: [],
    sweepOrder: 70,
    consolePath: "models",
  },
  "endpoint-config": {
    names: { one: "endpoint configuration", many: "Endpoint configs" },
    sdkHint: null,
    putsModelsToWork: true,
    events: ["CreateEndpointConfig"],
    nameKey: "endpointConfigName",
    arnKey: "endpointConfigArn",
    parse: (p) => {
      const c = EndpointConfig().parse(p);
      const variants = [...(c.productionVariants ?? []), ...(c.shadowProductionVariants ?? [])];
      const names = variants.map((v) => v.modelName).filter((n): n is string => typeof n === "string" && n.length > 0);
      /*
       * Which source decides. A variant that names a model runs that model's containers, with the
       * model's own EnableNetworkIsolation and VpcConfig: CreateModel documents them as isolating "the
       * model container" and VpcConfig as "used in hosting services". The config's top-level
       * EnableNetworkIsolation / VpcConfig ("whether all model containers deployed to the endpoint are
       * isolated", CreateEndpointConfig, API reference) were added for endpoints that host inference
       * components, whose variants name no model; AWS documents no rule by which they override or add
       * to a model's own settings. So the models decide model-based variants (a config-level `true` is
       * never credited to a model without isolation), and the top-level fields decide the variants
       * without a model: the config itself, and the containers its inference components run.
       */
      const hostSettings: HostSettings = {
        basePath: "",
        label: null,
        networkIsolation: c.enableNetworkIsolation === true,
        networkIsolationPath: "enableNetworkIsolation",
        vpc: vpcFacts(c.vpcConfig),
        vpcPath: "vpcConfig",
      };
      const forComponents = variants.length === 0 || variants.some((v) => !v.modelName);
      return {
        name: c.endpointConfigName,
        models: { modelNames: [...new Set(names)], endpointConfigName: null },
        hostSettings,
        units: forComponents ? [{ ...hostSettings, images: [] }] : [],
      };
    },
    remedy: null,
    api: {
      nameParam: "EndpointConfigName",
      describe: "DescribeEndpointConfig",
      list: {
        operation: "ListEndpointConfigs",
        summaries: "EndpointConfigs",
        nameKey: "EndpointConfigName",
        arnKey: "EndpointConfigArn",
        statusKey: null,
        activeStatuses: null,
      },
    },
    // "SageMaker Endpoint Config State Change" (EventBridge reference for SageMaker): the second trigger
    // for an endpoint config, whose top-level settings decide the inference components it hosts.
    stateChange: {
      detailType: "SageMaker Endpoint Config State Change",
      statusKey: null,
      nameKey: "EndpointConfigName",
      arnKey: "EndpointConfigArn",
      activeStatuses: [],
    },
    parentKeys: [],
    sweepOrder: 80,
    consolePath: "endpointConfig",
  },
  endpoint: {
    names: { one: "endpoint", many: "Endpoints" },
    sdkHint: null,
    putsModelsToWork: true,
    // UpdateEndpoint points a live endpoint at a new config, so it puts (possibly other) models to work.
    events: ["CreateEndpoint", "UpdateEndpoint"],
    nameKey: "endpointName",
    arnKey: "endpointArn",
    parse: (p) => {
      const e = Endpoint().parse(p);
      return { name: e.endpointName, models: { modelNames: [], endpointConfigName: e.endpointConfigName } };
    },
    remedy: "delete",
    api: {
      nameParam: "EndpointName",
      describe: "DescribeEndpoint",
      delete: "DeleteEndpoint",
      list: {
        operation: "ListEndpoints",
        summaries: "Endpoints",
        nameKey: "EndpointName",
        arnKey: "EndpointArn",
        statusKey: "EndpointStatus",
        activeStatuses: null,
      },
    },
    // SageMaker refuses to delete an endpoint while it is Creating or Updating: the InService state
    // change (event spelling IN_SERVICE, Describe spelling InService) is when it can be removed.
    stateChange: {
      detailType: "SageMaker Endpoint State Change",
      statusKey: "EndpointStatus",
      nameKey: "EndpointName",
      arnKey: "EndpointArn",
      activeStatuses: ["IN_SERVICE", "InService"],
    },
    parentKeys: [],
    sweepOrder: 50,
    consolePath: "endpoints",
  },
  "inference-component": {
    names: { one: "inference component", many: "Inference components" },
    sdkHint: null,
    putsModelsToWork: true,
    // Places a model on an endpoint built for inference components; an update may swap the model.
    events: ["CreateInferenceComponent", "UpdateInferenceComponent"],
    nameKey: "inferenceComponentName",
    arnKey: "inferenceComponentArn",
    parse: (p) => {
      const ic = InferenceComponent().parse(p);
      // One Specification, or up to five Specifications[] (CreateInferenceComponent, API reference):
      // each names a model, runs its own container, or (an adapter) builds on a base component.
      const specs = [
        ...(ic.specification ? [{ spec: ic.specification, path: "specification" }] : []),
        ...(ic.specifications ?? []).map((spec, i) => ({ spec, path: `specifications[${i}]` })),
      ];
      const modelNames = specs.map((s) => s.spec.modelName).filter((n): n is string => !!n);
      const images = specs.flatMap(({ spec, path }) => {
        if (spec.modelName || !spec.container) return [];
        const c = spec.container;
        const uri = c.image ?? c.deployedImage?.specifiedImage ?? c.deployedImage?.resolvedImage ?? null;
        return [{ uri, path: `${path}.container.image` }];
      });
      const base = specs.find((s) => !s.spec.modelName && !s.spec.container)?.spec.baseInferenceComponentName;
      // Nothing in the request (an update of the runtime config only): the component is described.
      if (modelNames.length === 0 && images.length === 0 && !base) return { name: ic.inferenceComponentName };
      return {
        name: ic.inferenceComponentName,
        models: {
          modelNames: [...new Set(modelNames)],
          endpointConfigName: null,
          ...(images.length ? { containers: { images, endpointName: ic.endpointName ?? null } } : {}),
          ...(base ? { baseComponentName: base } : {}),
        },
      };
    },
    remedy: "delete",
    api: {
      nameParam: "InferenceComponentName",
      describe: "DescribeInferenceComponent",
      delete: "DeleteInferenceComponent",
      list: {
        operation: "ListInferenceComponents",
        summaries: "InferenceComponents",
        nameKey: "InferenceComponentName",
        arnKey: "InferenceComponentArn",
        statusKey: "InferenceComponentStatus",
        activeStatuses: null,
      },
    },
    stateChange: null,
    parentKeys: [],
    sweepOrder: 60,
    consolePath: "inference-components",
  },
  "notebook-instance": {
    names: { one: "notebook instance", many: "Notebook instances" },
    sdkHint: null,
    putsModelsToWork: false,
    // UpdateNotebookInstance changes no network setting (only RootAccess among them; botocore model), so
    // only the create decides.
    events: ["CreateNotebookInstance"],
    nameKey: "notebookInstanceName",
    arnKey: "notebookInstanceArn",
    parse: (p) => {
      const nb = NotebookInstance().parse(p);
      // Describe answers SecurityGroups where the request says SecurityGroupIds.
      const groups = nb.securityGroupIds ?? nb.securityGroups ?? [];
      const unit: IsolationUnit = {
        basePath: "",
        label: null,
        networkIsolation: false,
        networkIsolationPath: "directInternetAccess",
        vpc: nb.subnetId ? { subnets: [nb.subnetId], securityGroupIds: groups } : null,
        vpcPath: "subnetId",
        images: [],
        control: "vpc",
        // Absent means Enabled: CreateNotebookInstance's documented default.
        directInternet: {
          enabled: nb.directInternetAccess !== "Disabled",
          path: "directInternetAccess",
          fix: "Create it again with DirectInternetAccess Disabled, a SubnetId and SecurityGroupIds, in a subnet that reaches S3 and the SageMaker API through VPC endpoints (direct internet access cannot be changed on an existing notebook instance).",
        },
      };
      return { name: nb.notebookInstanceName, units: [unit] };
    },
    remedy: "stop",
    // SageMaker refuses StopNotebookInstance unless the instance is InService ("Status (Pending) not in
    // ([InService])"); a new one is Pending for minutes, so its InService state change is when it stops.
    stopWhile: ["InService"],
    stopsLater: ["Pending"],
    api: {
      nameParam: "NotebookInstanceName",
      describe: "DescribeNotebookInstance",
      stop: "StopNotebookInstance",
      list: {
        operation: "ListNotebookInstances",
        summaries: "NotebookInstances",
        nameKey: "NotebookInstanceName",
        arnKey: "NotebookInstanceArn",
        statusKey: "NotebookInstanceStatus",
        // A Pending instance is starting (it runs once InService, minutes later): listed so that the
        // sweep decides it, and act() waits for InService to stop it (stopsLater).
        activeStatuses: ["Pending", "InService"],
      },
    },
    // "SageMaker Notebook Instance State Change" (EventBridge events reference for SageMaker). Its detail
    // is Describe's: NotebookInstanceName, NotebookInstanceArn, NotebookInstanceStatus (InService,
    // Stopping, ...), as events recorded in public samples show.
    stateChange: {
      detailType: "SageMaker Notebook Instance State Change",
      statusKey: "NotebookInstanceStatus",
      nameKey: "NotebookInstanceName",
      arnKey: "NotebookInstanceArn",
      activeStatuses: ["InService"],
    },
    parentKeys: [],
    sweepOrder: 41,
    consolePath: "notebook-instances",
  },
  "monitoring-schedule": {
    names: { one: "monitoring schedule", many: "Monitoring schedules" },
    sdkHint: "DefaultModelMonitor(..., network_config=NetworkConfig(enable_network_isolation=True))",
    putsModelsToWork: false,
    events: ["CreateMonitoringSchedule", "UpdateMonitoringSchedule"],
    nameKey: "monitoringScheduleName",
    arnKey: "monitoringScheduleArn",
    parse: (p) => {
      const s = MonitoringSchedule().parse(p);
      const config = s.monitoringScheduleConfig;
      const base = "monitoringScheduleConfig.monitoringJobDefinition";
      if (config?.monitoringJobDefinition) {
        const def = config.monitoringJobDefinition;
        return {
          name: s.monitoringScheduleName,
          units: [
            monitoringUnit(
              def.networkConfig,
              def.monitoringAppSpecification?.imageUri,
              base,
              "monitoringAppSpecification",
            ),
          ],
        };
      }
      const named = config?.monitoringJobDefinitionName;
      if (named) {
        // The schedule runs a job definition made on its own: that definition's NetworkConfig decides.
        const type = MONITORING_DEFINITION_TYPES[config?.monitoringType ?? "DataQuality"];
        return {
          name: s.monitoringScheduleName,
          definitions: [{ type, name: named, path: "monitoringScheduleConfig.monitoringJobDefinitionName" }],
        };
      }
      return {
        name: s.monitoringScheduleName,
        describe: "the request names no job definition: the schedule is described",
      };
    },
    remedy: "stop",
    // Stopping a schedule stops the monitoring jobs it would start; it can be started again once fixed.
    stopWhile: ["Pending", "Scheduled"],
    api: {
      nameParam: "MonitoringScheduleName",
      describe: "DescribeMonitoringSchedule",
      stop: "StopMonitoringSchedule",
      list: {
        operation: "ListMonitoringSchedules",
        summaries: "MonitoringScheduleSummaries",
        nameKey: "MonitoringScheduleName",
        arnKey: "MonitoringScheduleArn",
        statusKey: "MonitoringScheduleStatus",
        // A new schedule is Pending until SageMaker has set it up, then Scheduled (ScheduleStatus,
        // botocore): both start monitoring jobs, and both are stopped (stopWhile).
        activeStatuses: ["Pending", "Scheduled"],
      },
    },
    /*
     * "SageMaker Monitoring Schedule State Change" is the detail-type the EventBridge events reference
     * lists for SageMaker (docs.aws.amazon.com/eventbridge/latest/ref/events-ref-sagemaker.html), but
     * neither it nor "Events that Amazon SageMaker AI sends to Amazon EventBridge" (SageMaker Developer
     * Guide, which has no monitoring-schedule section) gives its detail. The members are assumed to be
     * Describe's, as in every documented SageMaker state change (the notebook and HyperPod ones carry
     * <Type>Name, <Type>Arn, <Type>Status); both status spellings are accepted (endpoints send IN_SERVICE
     * for Describe's InService), the name may come from the event's `resources` ARN, and an event without
     * the status is described rather than refused.
     */
    stateChange: {
      detailType: "SageMaker Monitoring Schedule State Change",
      statusKey: "MonitoringScheduleStatus",
      nameKey: "MonitoringScheduleName",
      arnKey: "MonitoringScheduleArn",
      activeStatuses: ["Scheduled", "SCHEDULED", "Pending", "PENDING"],
      undocumentedDetail: true,
    },
    parentKeys: [],
    sweepOrder: 42,
    consolePath: "model-monitor",
  },
  "automl-job": {
    names: { one: "AutoML job", many: "AutoML jobs" },
    sdkHint: null,
    putsModelsToWork: false,
    events: ["CreateAutoMLJob", "CreateAutoMLJobV2"],
    nameKey: "autoMLJobName",
    arnKey: "autoMLJobArn",
    parse: (p, eventName) => {
      const job = AutoMLJob().parse(p);
      // V1 keeps SecurityConfig under AutoMLJobConfig; V2 (and DescribeAutoMLJobV2, which describes both)
      // at the top.
      const v1 = eventName === "CreateAutoMLJob" || (!job.securityConfig && !!job.autoMLJobConfig?.securityConfig);
      const security = v1 ? job.autoMLJobConfig?.securityConfig : job.securityConfig;
      const prefix = v1 ? "autoMLJobConfig.securityConfig" : "securityConfig";
      return {
        name: job.autoMLJobName,
        units: [
          awsManagedUnit(
            security?.vpcConfig,
            `${prefix}.vpcConfig`,
            security?.enableInterContainerTrafficEncryption,
            `${prefix}.enableInterContainerTrafficEncryption`,
          ),
        ],
      };
    },
    remedy: "stop",
    stopWhile: JOB_STOP,
    api: {
      nameParam: "AutoMLJobName",
      // DescribeAutoMLJobV2 describes jobs made by CreateAutoMLJob too; DescribeAutoMLJob refuses V2 jobs
      // (SageMaker API Reference, DescribeAutoMLJob / DescribeAutoMLJobV2).
      describe: "DescribeAutoMLJobV2",
      stop: "StopAutoMLJob",
      list: {
        operation: "ListAutoMLJobs",
        summaries: "AutoMLJobSummaries",
        nameKey: "AutoMLJobName",
        arnKey: "AutoMLJobArn",
        statusKey: "AutoMLJobStatus",
        activeStatuses: ["InProgress"],
      },
    },
    // No AutoML state change exists (EventBridge reference for SageMaker).
    stateChange: null,
    parentKeys: [],
    sweepOrder: 43,
    consolePath: "automl",
  },
  "compilation-job": {
    names: { one: "compilation job", many: "Compilation jobs" },
    sdkHint: null,
    putsModelsToWork: false,
    events: ["CreateCompilationJob"],
    nameKey: "compilationJobName",
    arnKey: "compilationJobArn",
    parse: (p) => {
      const job = CompilationJob().parse(p);
      return { name: job.compilationJobName, units: [awsManagedUnit(job.vpcConfig, "vpcConfig")] };
    },
    remedy: "stop",
    // This API's statuses are upper case (CompilationJobStatus: INPROGRESS | STARTING | STOPPING | ...).
    stopWhile: ["INPROGRESS", "STARTING"],
    api: {
      nameParam: "CompilationJobName",
      describe: "DescribeCompilationJob",
      stop: "StopCompilationJob",
      list: {
        operation: "ListCompilationJobs",
        summaries: "CompilationJobSummaries",
        nameKey: "CompilationJobName",
        arnKey: "CompilationJobArn",
        statusKey: "CompilationJobStatus",
        activeStatuses: ["STARTING", "INPROGRESS"],
      },
    },
    stateChange: null,
    parentKeys: [],
    sweepOrder: 44,
    consolePath: "compilation-jobs",
  },
  "optimization-job": {
    names: { one: "optimization job", many: "Optimization jobs" },
    sdkHint: null,
    putsModelsToWork: false,
    events: ["CreateOptimizationJob"],
    nameKey: "optimizationJobName",
    arnKey: "optimizationJobArn",
    parse: (p) => {
      const job = OptimizationJob().parse(p);
      return { name: job.optimizationJobName, units: [awsManagedUnit(job.vpcConfig, "vpcConfig")] };
    },
    remedy: "stop",
    stopWhile: ["INPROGRESS", "STARTING"],
    api: {
      nameParam: "OptimizationJobName",
      describe: "DescribeOptimizationJob",
      stop: "StopOptimizationJob",
      list: {
        operation: "ListOptimizationJobs",
        summaries: "OptimizationJobSummaries",
        nameKey: "OptimizationJobName",
        arnKey: "OptimizationJobArn",
        statusKey: "OptimizationJobStatus",
        activeStatuses: ["STARTING", "INPROGRESS"],
      },
    },
    stateChange: null,
    parentKeys: [],
    sweepOrder: 45,
    consolePath: "optimization-jobs",
  },
  "inference-recommendations-job": {
    names: { one: "inference recommendations job", many: "Inference recommendations jobs" },
    sdkHint: null,
    // Its own VPC (the endpoints it load-tests run in it) is judged like a job's; the model it deploys is
    // judged as a model, below. Not a pure model consumer: it has settings of its own.
    putsModelsToWork: false,
    events: ["CreateInferenceRecommendationsJob"],
    nameKey: "jobName",
    arnKey: "jobArn",
    parse: (p, eventName) => {
      const job = InferenceRecommendationsJob().parse(p);
      const model = job.inputConfig?.modelName;
      const pkg = job.inputConfig?.modelPackageVersionArn;
      if ((model || pkg) && eventName) {
        // The job deploys this model (or model package version) on endpoints of its own: its containers
        // decide, with the job's VPC. Described (job, then model or package) so both are read as they are.
        return {
          name: job.jobName,
          describe: model
            ? `it deploys model ${model}, whose isolation decides: described`
            : `it deploys model package ${pkg}, whose containers decide: described`,
        };
      }
      const vpc = vpcFacts(job.inputConfig?.vpcConfig);
      const unit = awsManagedUnit(job.inputConfig?.vpcConfig, "inputConfig.vpcConfig");
      if (model || pkg) {
        // The job's containers are the model's (or package's), not SageMaker's own: say what decides.
        // Inference Recommender "provisions SageMaker endpoints with access to VPC" in the job's VpcConfig
        // (RecommendationJobVpcConfig, API Reference).
        const where = vpc
          ? "on endpoints in the job's VPC (inputConfig.vpcConfig)"
          : "and the job sets no VPC (inputConfig.vpcConfig)";
        unit.deployed = model
          ? `deploys model ${model}: its containers decide (judged as that model, its network isolation and VPC), ${where}`
          : `deploys model package ${pkg}: its containers decide (a package has no isolation flag; the job's VPC stands in), ${where}`;
      }
      return {
        name: job.jobName,
        units: [unit],
        models:
          model || pkg
            ? {
                modelNames: model ? [model] : [],
                endpointConfigName: null,
                ...(pkg ? { modelPackages: [{ arn: pkg, vpc }] } : {}),
              }
            : undefined,
      };
    },
    remedy: "stop",
    // Statuses are upper case for this API (PENDING | IN_PROGRESS | COMPLETED | FAILED | STOPPING | STOPPED).
    stopWhile: ["PENDING", "IN_PROGRESS"],
    api: {
      nameParam: "JobName",
      describe: "DescribeInferenceRecommendationsJob",
      stop: "StopInferenceRecommendationsJob",
      list: {
        operation: "ListInferenceRecommendationsJobs",
        summaries: "InferenceRecommendationsJobs",
        nameKey: "JobName",
        arnKey: "JobArn",
        statusKey: "Status",
        // RecommendationJobStatus: a new job is PENDING before it deploys the model (botocore).
        activeStatuses: ["PENDING", "IN_PROGRESS"],
      },
    },
    stateChange: null,
    parentKeys: [],
    sweepOrder: 46,
    consolePath: "inference-recommender",
  },
  "labeling-job": {
    names: { one: "labeling job", many: "Labeling jobs" },
    sdkHint: null,
    putsModelsToWork: false,
    events: ["CreateLabelingJob"],
    nameKey: "labelingJobName",
    arnKey: "labelingJobArn",
    parse: (p) => {
      const job = LabelingJob().parse(p);
      const algorithms = job.labelingJobAlgorithmsConfig;
      /*
       * A Ground Truth labeling job's only containers are those of automated data labeling, which it runs
       * as training and batch transform jobs of its own (their Describe names the job's LabelingJobArn, and
       * they are decided here, as children). They run the built-in algorithm the request names by
       * LabelingJobAlgorithmSpecificationArn, an AWS-owned ARN (`...:labeling-job-algorithm-specification/
       * image-classification` and the like), not a container of the user's ("Automate data labeling",
       * SageMaker Developer Guide; CreateLabelingJob, API Reference). As for AutoML, no isolation flag
       * exists on the API; the VPC in LabelingJobResourceConfig is what confines those jobs, so requireVpc
       * and the allow-lists apply. Without LabelingJobAlgorithmsConfig there is no automated labeling:
       * people label the data on the workers' portal and SageMaker starts no container for the job (the
       * pre-annotation and consolidation Lambdas are the user's own functions, outside SageMaker).
       */
      if (!algorithms) return { name: job.labelingJobName, units: [] };
      const vpcPath = "labelingJobAlgorithmsConfig.labelingJobResourceConfig.vpcConfig";
      return {
        name: job.labelingJobName,
        units: [awsManagedUnit(algorithms.labelingJobResourceConfig?.vpcConfig, vpcPath)],
      };
    },
    remedy: "stop",
    // LabelingJobStatus: Initializing | InProgress | Completed | Failed | Stopping | Stopped (botocore).
    // StopLabelingJob "stops a running labeling job" and documents no status it refuses: a job is
    // Initializing until its first data object is sent out, and is stopped then, not left to run.
    stopWhile: ["Initializing", "InProgress"],
    api: {
      nameParam: "LabelingJobName",
      describe: "DescribeLabelingJob",
      stop: "StopLabelingJob",
      list: {
        operation: "ListLabelingJobs",
        summaries: "LabelingJobSummaryList",
        nameKey: "LabelingJobName",
        arnKey: "LabelingJobArn",
        statusKey: "LabelingJobStatus",
        // Both statuses of stopWhile: a new job is Initializing until its first data objects are out, and
        // its automated labeling may start then; listing InProgress alone let the sweep miss it.
        activeStatuses: ["Initializing", "InProgress"],
      },
    },
    /*
     * "SageMaker Ground Truth Labeling Job State Change" exists, but Ground Truth documents it only for the
     * statuses Completed, Failed and Stopped ("Monitor labeling job status", SageMaker Developer Guide:
     * "Valid values for Status are Completed, Failed, and Stopped"), with no name in its detail: it never
     * announces a running job, so it cannot catch a lost CloudTrail event. The sweep is the second trigger.
     */
    stateChange: null,
    parentKeys: [],
    sweepOrder: 47,
    consolePath: "labeling-jobs",
  },
  "data-quality-job-definition": monitoringDefinitionRow(
    "DataQuality",
    "data quality job definition",
    "Data quality job definitions",
    "dataQualityAppSpecification",
    75,
  ),
  "model-quality-job-definition": monitoringDefinitionRow(
    "ModelQuality",
    "model quality job definition",
    "Model quality job definitions",
    "modelQualityAppSpecification",
    76,
  ),
  "model-bias-job-definition": monitoringDefinitionRow(
    "ModelBias",
    "model bias job definition",
    "Model bias job definitions",
    "modelBiasAppSpecification",
    77,
  ),
  "model-explainability-job-definition": monitoringDefinitionRow(
    "ModelExplainability",
    "model explainability job definition",
    "Model explainability job definitions",
    "modelExplainabilityAppSpecification",
    78,
  ),
  domain: {
    names: { one: "Studio domain", many: "Studio domains" },
    sdkHint: null,
    putsModelsToWork: false,
    events: ["CreateDomain", "UpdateDomain"],
    // A domain is described by its id (d-...), the last segment of its ARN; CreateDomain only names it.
    nameKey: "domainId",
    arnKey: "domainArn",
    arnSegment: "identity",
    parse: (p, eventName) => {
      const d = Domain().parse(p);
      const name = d.domainId ?? d.domainName ?? "";
      if (eventName === "UpdateDomain" && d.appNetworkAccessType !== "PublicInternetOnly") {
        // An update that leaves AppNetworkAccessType as it was (or sets VpcOnly) says nothing final about
        // the domain's network: the domain as it now is decides.
        return { name, describe: "the update does not set PublicInternetOnly: the domain as it now is decides" };
      }
      const groups = [
        ...(d.defaultUserSettings?.securityGroups ?? []),
        ...(d.defaultSpaceSettings?.securityGroups ?? []),
        ...(d.domainSettings?.securityGroupIds ?? []),
        ...(d.domainSettingsForUpdate?.securityGroupIds ?? []),
      ];
      const unit: IsolationUnit = {
        basePath: "",
        label: null,
        networkIsolation: false,
        networkIsolationPath: "appNetworkAccessType",
        // CreateDomain requires VpcId and SubnetIds: every domain has a VPC. An update that names no
        // subnets keeps the domain's own (checked when it was created).
        vpc:
          d.subnetIds || eventName === "UpdateDomain"
            ? { subnets: d.subnetIds ?? [], securityGroupIds: [...new Set(groups)] }
            : null,
        vpcPath: "subnetIds",
        images: [],
        control: "vpc",
        // Absent means PublicInternetOnly: CreateDomain's documented default.
        directInternet: {
          enabled: d.appNetworkAccessType !== "VpcOnly",
          path: "appNetworkAccessType",
          fix: "Set AppNetworkAccessType to VpcOnly (UpdateDomain, once its apps are deleted), with private subnets that reach S3 and the SageMaker API through VPC endpoints.",
        },
      };
      return { name, units: [unit] };
    },
    // No remedy: DeleteDomain removes every user profile, space and app of the domain, and with the
    // default retention policy the home directories on its EFS volume (SageMaker API Reference,
    // DeleteDomain RetentionPolicy). That is people's work; the guard alerts and tags, a person decides.
    remedy: null,
    api: {
      nameParam: "DomainId",
      describe: "DescribeDomain",
      list: {
        operation: "ListDomains",
        summaries: "Domains",
        nameKey: "DomainId",
        arnKey: "DomainArn",
        statusKey: "Status",
        activeStatuses: null,
      },
    },
    stateChange: null,
    parentKeys: [],
    sweepOrder: 90,
    consolePath: "studio",
  },
  cluster: {
    names: { one: "HyperPod cluster", many: "HyperPod clusters" },
    sdkHint: null,
    putsModelsToWork: false,
    events: ["CreateCluster", "UpdateCluster"],
    nameKey: "clusterName",
    arnKey: "clusterArn",
    // A HyperPod cluster's ARN ends in an id SageMaker assigns (cluster/[a-z0-9]{12}), not its name.
    arnSegment: "id",
    parse: (p, eventName) => {
      const c = Cluster().parse(p);
      if (eventName === "UpdateCluster") {
        // UpdateCluster carries the instance groups it changes but not the cluster's own VpcConfig.
        return {
          name: c.clusterName,
          describe: "an update names only the instance groups it changes: the cluster as it now is decides",
        };
      }
      const groups = [
        ...(c.instanceGroups ?? []).map((g, i) => ({ g, path: `instanceGroups[${i}]` })),
        ...(c.restrictedInstanceGroups ?? []).map((g, i) => ({ g, path: `restrictedInstanceGroups[${i}]` })),
      ];
      const unitFor = (override: VpcIn | null | undefined, basePath: string, label: string | null): IsolationUnit => ({
        basePath,
        label,
        networkIsolation: false,
        networkIsolationPath: "vpcConfig",
        // An instance group's OverrideVpcConfig replaces the cluster's VpcConfig for its instances.
        vpc: vpcFacts(override) ?? vpcFacts(c.vpcConfig),
        vpcPath: override ? `${basePath}.overrideVpcConfig` : "vpcConfig",
        images: [],
        control: "vpc",
      });
      const units = groups.length
        ? groups.map(({ g, path }) => unitFor(g.overrideVpcConfig, path, g.instanceGroupName ?? null))
        : [unitFor(null, "", null)];
      return { name: c.clusterName, units };
    },
    // No remedy: DeleteCluster terminates every node and the long training on them, and cannot be undone;
    // the guard alerts and tags, a person decides.
    remedy: null,
    api: {
      nameParam: "ClusterName",
      describe: "DescribeCluster",
      list: {
        operation: "ListClusters",
        summaries: "ClusterSummaries",
        nameKey: "ClusterName",
        arnKey: "ClusterArn",
        statusKey: "ClusterStatus",
        activeStatuses: null,
      },
    },
    // "SageMaker HyperPod cluster state change" (Events that Amazon SageMaker AI sends to Amazon
    // EventBridge, SageMaker Developer Guide): detail ClusterArn, ClusterName, ClusterStatus ("InService"),
    // InstanceGroups, as DescribeCluster answers.
    stateChange: {
      detailType: "SageMaker HyperPod Cluster State Change",
      statusKey: "ClusterStatus",
      nameKey: "ClusterName",
      arnKey: "ClusterArn",
      activeStatuses: ["InService"],
    },
    parentKeys: [],
    sweepOrder: 91,
    consolePath: "cluster-management",
  },
});

type Rows = typeof ROWS;

/** SageMaker resource types the guard understands: the rows' keys (the SageMaker ARN resource segment). */
export type ResourceType = keyof Rows & string;

/** A row with its own type name. */
export type ResourceTypeSpec = ResourceTypeRow & { type: ResourceType };

type OperationsOf<A> =
  | (A extends { describe: infer D } ? D : never)
  | (A extends { stop: infer S } ? S : never)
  | (A extends { delete: infer D } ? D : never);

/** Every SageMaker operation the rows name for describing or remedying (the adapter maps each to its command). */
export type SageMakerOperation =
  | { [K in ResourceType]: OperationsOf<Rows[K]["api"]> }[ResourceType]
  | (typeof DESCRIBED_ONLY)[keyof typeof DESCRIBED_ONLY]["describe"];

/** Every List* operation the rows name (the lister maps each to its paginator). */
export type ListOperation = { [K in ResourceType]: Rows[K]["api"]["list"]["operation"] }[ResourceType];

/** Every type, in report order (the rows' order). */
export const RESOURCE_TYPE_NAMES = Object.keys(ROWS) as [ResourceType, ...ResourceType[]];

/** Every row with its type name, keyed by type. */
export const RESOURCE_TYPES: Readonly<Record<ResourceType, ResourceTypeSpec>> = (() => {
  const specs = {} as Record<ResourceType, ResourceTypeSpec>;
  for (const type of RESOURCE_TYPE_NAMES) specs[type] = { ...ROWS[type], type };
  return specs;
})();

/** Every type in the order the sweep and scan take them: running jobs first, the most urgent to stop. */
export const SWEEP_TYPES: readonly ResourceType[] = [...RESOURCE_TYPE_NAMES].sort(
  (a, b) => ROWS[a].sweepOrder - ROWS[b].sweepOrder,
);

/** CloudTrail event name → resource type, derived from the table. */
export const EVENT_RESOURCE_TYPES: ReadonlyMap<string, ResourceTypeSpec> = new Map(
  Object.values(RESOURCE_TYPES).flatMap((spec) => spec.events.map((e) => [e, spec] as const)),
);

/** "SageMaker ... State Change" detail-type → resource type. */
export const STATE_CHANGE_TYPES: ReadonlyMap<string, ResourceTypeSpec> = new Map(
  Object.values(RESOURCE_TYPES).flatMap((spec) =>
    spec.stateChange ? [[spec.stateChange.detailType, spec] as const] : [],
  ),
);

/** Resource types whose posture is that of the models they put to work. */
export function isModelConsumer(type: ResourceType): boolean {
  return RESOURCE_TYPES[type].putsModelsToWork;
}

/**
 * Whether a Stop applies to a resource in this (Describe) status; `false` for types without a stop.
 * @example stopApplies("training-job", "Completed") // false
 */
export function stopApplies(type: ResourceType, status: string): boolean {
  const spec = RESOURCE_TYPES[type];
  return spec.remedy === "stop" && spec.stopWhile.includes(status);
}

/** Why a child is not decided on its own (the contract's wording). */
export function launchedBy(parentArn: string): string {
  return `launched by ${parentArn}: decided with its parent`;
}

/**
 * The parent ARN a Describe output or state-change detail names (PascalCase members), if any.
 * @example parentOf("training-job", { TuningJobArn: "arn:aws:sagemaker:...:hyper-parameter-tuning-job/t" })
 */
export function parentOf(type: ResourceType, described: Record<string, unknown> | null | undefined): string | null {
  for (const key of RESOURCE_TYPES[type].parentKeys) {
    const v = described?.[key];
    if (typeof v === "string" && v.length > 0) return v;
  }
  return null;
}

/**
 * Whether parsed request parameters leave something to look up (models, an endpoint's config, the
 * endpoint behind an inference component's own containers): then the event is decided after Describe.
 */
export function needsLookup(parsed: ParsedSettings): boolean {
  const m = parsed.models;
  if (!m) return false;
  return m.modelNames.length > 0 || m.endpointConfigName !== null || !!m.containers || !!m.baseComponentName;
}

/**
 * The unit of an inference component's own containers: their images, under the settings of the
 * endpoint config they are deployed with (its top-level EnableNetworkIsolation / VpcConfig).
 * @example componentUnit(images, "my-config", parseDescribed("endpoint-config", out).hostSettings)
 */
export function componentUnit(images: IsolationUnit["images"], configName: string, host: HostSettings): IsolationUnit {
  const at = `endpointConfig[${configName}]`;
  return {
    ...host,
    networkIsolationPath: `${at}.${host.networkIsolationPath}`,
    vpcPath: `${at}.${host.vpcPath}`,
    isolationSetting: { on: "true", off: `network isolation is off on endpoint config ${configName}` },
    images,
  };
}

/**
 * What the guard describes but never decides on its own: the model package version an inference
 * recommendations job deploys (its containers decide the job). Named by the version's ARN, which
 * DescribeModelPackage takes as its ModelPackageName.
 */
export const DESCRIBED_ONLY = {
  "model-package": { nameParam: "ModelPackageName", describe: "DescribeModelPackage" },
} as const;

/** A type the adapter can describe: every row's, and the described-only ones. */
export type DescribedType = ResourceType | keyof typeof DESCRIBED_ONLY;

/**
 * The Describe operation and name parameter of a type.
 * @example describeApi("model-package") // { nameParam: "ModelPackageName", describe: "DescribeModelPackage" }
 */
export function describeApi(type: DescribedType): { nameParam: string; describe: string } {
  return type === "model-package" ? DESCRIBED_ONLY[type] : RESOURCE_TYPES[type].api;
}

const ModelPackage = lazy(() =>
  z.object({
    inferenceSpecification: z.nullish(
      z.object({ containers: z.nullish(z.array(z.object({ image: OptString(), productId: OptString() }))) }),
    ),
  }),
);

// botocore's ModelPackageArn pattern; the account is the package owner's (AWS Marketplace's for a
// subscribed package).
const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]*):(\d{12}):model-package\/\S{1,2048}$/;

/**
 * The accounts AWS Marketplace publishes subscribed model packages from, one per region: every seller's
 * package ARN in a region names the same account (as in the per-region ARN maps of Marketplace listings'
 * sample notebooks, e.g. `arn:aws:sagemaker:us-east-1:865070037744:model-package/...`). Only AWS owns
 * them, so a package there is a Marketplace product; a ProductId alone is not proof, because whoever
 * creates a package (in any account the user controls, then shares it) writes its containers' ProductId.
 * A region missing here fails safe: its Marketplace packages are judged like the user's own.
 */
const MARKETPLACE_PACKAGE_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "865070037744",
  "us-east-2": "057799348421",
  "us-west-1": "382657785993",
  "us-west-2": "594846645681",
  "ca-central-1": "470592106596",
  "eu-central-1": "446921602837",
  "eu-west-1": "985815980388",
  "eu-west-2": "856760150666",
  "eu-west-3": "843114510376",
  "eu-north-1": "136758871317",
  "ap-southeast-1": "192199979996",
  "ap-southeast-2": "666831318237",
  "ap-northeast-1": "977537786026",
  "ap-northeast-2": "745090734665",
  "ap-south-1": "077584701553",
  "sa-east-1": "270155090741",
};

/**
 * The unit of a model package version an inference recommendations job deploys, from DescribeModelPackage
 * (lower-camel) and the job's own VPC: `null` when the package names no container (nothing to verify).
 *
 * Inference Recommender deploys the package's InferenceSpecification.Containers on endpoints it creates,
 * in the job's InputConfig.VpcConfig ("Inference Recommender provisions SageMaker endpoints with access to
 * VPC", CreateInferenceRecommendationsJob, API Reference); neither the package nor the job has an
 * EnableNetworkIsolation. So a VPC stands in for isolation: without one the containers are not isolated
 * (`network-isolation-disabled`), framework images need one as everywhere (`vpc-config-missing`). The
 * exception is AWS Marketplace: "Network isolation is required to run training jobs and models using
 * resources from AWS Marketplace" ("Run training and inference containers in internet-free mode",
 * SageMaker Developer Guide), so SageMaker runs a subscribed package's containers isolated. Such a package
 * belongs to AWS Marketplace's account for its region and carries a ProductId on each container: both must
 * hold, since any other package is written by whoever created it, who could set a ProductId.
 *
 * @example modelPackageUnit(lowerCamelKeys(await describe("model-package", arn)), arn, jobVpc, "123456789012")
 */
export function modelPackageUnit(
  described: unknown,
  arn: string,
  vpc: VpcFacts | null,
  jobAccount: string,
): IsolationUnit | null {
  const parsed = ModelPackage().safeParse(described);
  const containers = parsed.success ? (parsed.data.inferenceSpecification?.containers ?? []) : [];
  if (containers.length === 0) return null;
  const [, region, owner] = MODEL_PACKAGE_ARN.exec(arn) ?? [];
  const marketplace =
    !!owner &&
    owner !== jobAccount &&
    MARKETPLACE_PACKAGE_ACCOUNTS[region ?? ""] === owner &&
    containers.every((c) => !!c.productId);
  const at = "inputConfig.modelPackageVersionArn";
  return {
    basePath: at,
    label: `model package ${arn}`,
    networkIsolation: marketplace,
    networkIsolationPath: at,
    isolationSetting: {
      on: "an AWS Marketplace model package (run isolated) or inputConfig.modelName naming a model with EnableNetworkIsolation",
      off: "Inference Recommender has no network isolation setting for a model package's containers, and the job names no VPC",
    },
    vpc,
    vpcPath: "inputConfig.vpcConfig",
    images: containers.map((c, i) => ({
      uri: c.image ?? null,
      path: `modelPackage[${arn}].inferenceSpecification.containers[${i}].image`,
    })),
    vpcStandsIn: {
      why: "Inference Recommender offers no network isolation for a model package's containers",
      fix: "Run the job in a VPC (inputConfig.vpcConfig with private subnets and security groups), or load-test a model created from the package with EnableNetworkIsolation (inputConfig.modelName).",
    },
  };
}
