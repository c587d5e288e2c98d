import type { IsolationUnit, ResourceType } from "./types.js";
import "./zod.js";
import * as z from "zod/mini";

/*
 * One table for every SageMaker resource type: which CloudTrail calls create it, where its isolation
 * settings live, how it is described, stopped or deleted, and which state-change event announces it.
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

export interface ResourceTypeSpec {
  type: ResourceType;
  /** CloudTrail event names whose request creates or re-points this resource. */
  events: readonly string[];
  /** Request / Describe member holding the name, and responseElements / Describe member holding the ARN. */
  nameKey: string;
  arnKey: string;
  /** The remedy in enforce mode; `null`: tag and alert only. */
  remedy: "stop" | "delete" | null;
  /** Parses the (lower-camel) parameters; throws ZodError on wrong types. */
  parse: (params: unknown) => { name: string; units?: IsolationUnit[]; models?: ModelSource };
  /** SageMaker API operations (without the `Command` suffix) and their name parameter. */
  api: { describe: string; stop?: string; delete?: string; nameParam: string; listTags: true };
  /** SageMaker's own "... State Change" event for this type, and its status member. */
  stateChange: {
    detailType: string;
    statusKey: string;
    nameKey: string;
    arnKey: string;
    /** Statuses in which the resource runs (or can be remedied) and must be decided. */
    activeStatuses: readonly string[];
  } | null;
  /** Console fragment after `#/`. */
  consolePath: string;
}

export const RESOURCE_TYPES: Readonly<Record<ResourceType, ResourceTypeSpec>> = {
  "training-job": {
    type: "training-job",
    events: ["CreateTrainingJob"],
    nameKey: "trainingJobName",
    arnKey: "trainingJobArn",
    remedy: "stop",
    parse: (p) => {
      const job = TrainingJob().parse(p);
      return { name: job.trainingJobName, units: [trainingUnit(job, "")] };
    },
    api: { describe: "DescribeTrainingJob", stop: "StopTrainingJob", nameParam: "TrainingJobName", listTags: true },
    stateChange: {
      detailType: "SageMaker Training Job State Change",
      statusKey: "TrainingJobStatus",
      nameKey: "TrainingJobName",
      arnKey: "TrainingJobArn",
      activeStatuses: ["InProgress"],
    },
    consolePath: "jobs",
  },
  "hyper-parameter-tuning-job": {
    type: "hyper-parameter-tuning-job",
    events: ["CreateHyperParameterTuningJob"],
    nameKey: "hyperParameterTuningJobName",
    arnKey: "hyperParameterTuningJobArn",
    remedy: "stop",
    parse: (p) => {
      const job = TuningJob().parse(p);
      const units: IsolationUnit[] = [];
      if (job.trainingJobDefinition) units.push(trainingUnit(job.trainingJobDefinition, "trainingJobDefinition"));
      (job.trainingJobDefinitions ?? []).forEach((d, i) => {
        units.push(trainingUnit(d, `trainingJobDefinitions[${i}]`));
      });
      return { name: job.hyperParameterTuningJobName, units };
    },
    api: {
      describe: "DescribeHyperParameterTuningJob",
      stop: "StopHyperParameterTuningJob",
      nameParam: "HyperParameterTuningJobName",
      listTags: true,
    },
    stateChange: {
      detailType: "SageMaker HyperParameter Tuning Job State Change",
      statusKey: "HyperParameterTuningJobStatus",
      nameKey: "HyperParameterTuningJobName",
      arnKey: "HyperParameterTuningJobArn",
      activeStatuses: ["InProgress"],
    },
    consolePath: "hyper-tuning-jobs",
  },
  "processing-job": {
    type: "processing-job",
    events: ["CreateProcessingJob"],
    nameKey: "processingJobName",
    arnKey: "processingJobArn",
    remedy: "stop",
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
    api: {
      describe: "DescribeProcessingJob",
      stop: "StopProcessingJob",
      nameParam: "ProcessingJobName",
      listTags: true,
    },
    stateChange: {
      detailType: "SageMaker Processing Job State Change",
      statusKey: "ProcessingJobStatus",
      nameKey: "ProcessingJobName",
      arnKey: "ProcessingJobArn",
      activeStatuses: ["InProgress"],
    },
    consolePath: "processing-jobs",
  },
  model: {
    type: "model",
    events: ["CreateModel"],
    nameKey: "modelName",
    arnKey: "modelArn",
    remedy: "delete",
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
    api: { describe: "DescribeModel", delete: "DeleteModel", nameParam: "ModelName", listTags: true },
    stateChange: null,
    consolePath: "models",
  },
  "transform-job": {
    type: "transform-job",
    events: ["CreateTransformJob"],
    nameKey: "transformJobName",
    arnKey: "transformJobArn",
    remedy: "stop",
    parse: (p) => {
      const job = TransformJob().parse(p);
      return { name: job.transformJobName, models: { modelNames: [job.modelName], endpointConfigName: null } };
    },
    api: { describe: "DescribeTransformJob", stop: "StopTransformJob", nameParam: "TransformJobName", listTags: true },
    stateChange: {
      detailType: "SageMaker Transform Job State Change",
      statusKey: "TransformJobStatus",
      nameKey: "TransformJobName",
      arnKey: "TransformJobArn",
      activeStatuses: ["InProgress"],
    },
    consolePath: "transform-jobs",
  },
  "endpoint-config": {
    type: "endpoint-config",
    events: ["CreateEndpointConfig"],
    nameKey: "endpointConfigName",
    arnKey: "endpointConfigArn",
    remedy: null,
    parse: (p) => {
      const c = EndpointConfig().parse(p);
      const names = [...(c.productionVariants ?? []), ...(c.shadowProductionVariants ?? [])]
        .map((v) => v.modelName)
        .filter((n): n is string => typeof n === "string" && n.length > 0);
      return { name: c.endpointConfigName, models: { modelNames: [...new Set(names)], endpointConfigName: null } };
    },
    api: { describe: "DescribeEndpointConfig", nameParam: "EndpointConfigName", listTags: true },
    stateChange: null,
    consolePath: "endpointConfig",
  },
  endpoint: {
    type: "endpoint",
    // UpdateEndpoint points a live endpoint at a new config, so it puts (possibly other) models to work.
    events: ["CreateEndpoint", "UpdateEndpoint"],
    nameKey: "endpointName",
    arnKey: "endpointArn",
    remedy: "delete",
    parse: (p) => {
      const e = Endpoint().parse(p);
      return { name: e.endpointName, models: { modelNames: [], endpointConfigName: e.endpointConfigName } };
    },
    api: { describe: "DescribeEndpoint", delete: "DeleteEndpoint", nameParam: "EndpointName", listTags: true },
    // SageMaker refuses to delete an endpoint while it is Creating or Updating: the InService state
    // change (event spelling IN_SERVICE, Describe spelling InService) is when it can be removed.
    stateChange: {
      detailType: "SageMaker Endpoint State Change",
      statusKey: "EndpointStatus",
      nameKey: "EndpointName",
      arnKey: "EndpointArn",
      activeStatuses: ["IN_SERVICE", "InService"],
    },
    consolePath: "endpoints",
  },
  "inference-component": {
    type: "inference-component",
    // Places a model on an endpoint built for inference components; an update may swap the model.
    events: ["CreateInferenceComponent", "UpdateInferenceComponent"],
    nameKey: "inferenceComponentName",
    arnKey: "inferenceComponentArn",
    remedy: "delete",
    parse: (p) => {
      const ic = InferenceComponent().parse(p);
      const model = ic.specification?.modelName;
      // No model in the request (an update of the runtime config only): describe the component.
      return {
        name: ic.inferenceComponentName,
        models: model ? { modelNames: [model], endpointConfigName: null } : undefined,
      };
    },
    api: {
      describe: "DescribeInferenceComponent",
      delete: "DeleteInferenceComponent",
      nameParam: "InferenceComponentName",
      listTags: true,
    },
    stateChange: null,
    consolePath: "inference-components",
  },
};

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
  return (
    type === "transform-job" || type === "endpoint-config" || type === "endpoint" || type === "inference-component"
  );
}
