import type { IsolationUnit } from "./types.js";
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
  }),
);
const Endpoint = lazy(() => z.object({ endpointName: Name(), endpointConfigName: Name() }));
const InferenceComponent = lazy(() =>
  z.object({
    inferenceComponentName: Name(),
    specification: z.nullish(z.object({ modelName: OptString() })),
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

/** Where a resource that puts models to work finds them. */
export interface ModelSource {
  modelNames: string[];
  endpointConfigName: string | null;
}

/** What a row's `parse` makes of a request or a Describe output. */
export interface ParsedSettings {
  name: string;
  /** Its own isolation settings (jobs, models): each unit is judged by the rules. */
  units?: IsolationUnit[];
  /** The models it puts to work, when it names them (transform jobs, endpoint configs, endpoints...). */
  models?: ModelSource;
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
     * The `StatusEquals` value of a resource that is still at work, for the sweep's "running only"
     * listing (`InProgress` for jobs); `null`: the type has no such filter and every one is listed.
     */
    activeStatus: string | null;
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
  | { remedy: "stop"; api: ApiSpec & { stop: string }; stopWhile: readonly string[] }
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
  /** Where the type's settings become facts: parses (lower-camel) parameters; throws ZodError on wrong types. */
  parse: (params: unknown) => ParsedSettings;
  /** SageMaker's own "... State Change" event for this type, and its members. */
  stateChange: {
    detailType: string;
    statusKey: string;
    nameKey: string;
    arnKey: string;
    /** Statuses in which the resource runs (or can be remedied) and must be decided. */
    activeStatuses: readonly string[];
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
        activeStatus: "InProgress",
      },
    },
    stateChange: {
      detailType: "SageMaker Training Job State Change",
      statusKey: "TrainingJobStatus",
      nameKey: "TrainingJobName",
      arnKey: "TrainingJobArn",
      activeStatuses: ["InProgress"],
    },
    parentKeys: ["TuningJobArn"],
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
        activeStatus: "InProgress",
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
        activeStatus: "InProgress",
      },
    },
    stateChange: {
      detailType: "SageMaker Processing Job State Change",
      statusKey: "ProcessingJobStatus",
      nameKey: "ProcessingJobName",
      arnKey: "ProcessingJobArn",
      activeStatuses: ["InProgress"],
    },
    parentKeys: [],
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
        activeStatus: "InProgress",
      },
    },
    stateChange: {
      detailType: "SageMaker Transform Job State Change",
      statusKey: "TransformJobStatus",
      nameKey: "TransformJobName",
      arnKey: "TransformJobArn",
      activeStatuses: ["InProgress"],
    },
    parentKeys: [],
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
        activeStatus: null,
      },
    },
    stateChange: null,
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
      const names = [...(c.productionVariants ?? []), ...(c.shadowProductionVariants ?? [])]
        .map((v) => v.modelName)
        .filter((n): n is string => typeof n === "string" && n.length > 0);
      return { name: c.endpointConfigName, models: { modelNames: [...new Set(names)], endpointConfigName: null } };
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
        activeStatus: null,
      },
    },
    stateChange: null,
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
        activeStatus: null,
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
      const model = ic.specification?.modelName;
      // No model in the request (an update of the runtime config only): describe the component.
      return {
        name: ic.inferenceComponentName,
        models: model ? { modelNames: [model], endpointConfigName: null } : undefined,
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
        activeStatus: null,
      },
    },
    stateChange: null,
    parentKeys: [],
    sweepOrder: 60,
    consolePath: "inference-components",
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
export type SageMakerOperation = { [K in ResourceType]: OperationsOf<Rows[K]["api"]> }[ResourceType];

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
