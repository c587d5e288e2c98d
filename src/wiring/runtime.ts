import type { CloudTrailClient, CloudTrailClientConfig } from "@aws-sdk/client-cloudtrail";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import type { SNSClient } from "@aws-sdk/client-sns";
import { createSageMakerClient, SageMakerAdapter } from "../adapters/sagemaker.js";
import type { GuardConfig } from "../app/config.js";
import { CachedRoutes } from "../app/egress.js";
import { type EnforcerDeps, type HandleOutcome, handleEvent, type LogPort, type MetricsPort } from "../app/enforce.js";
import { countOutcome, summarize } from "../app/outcome.js";
import type { AlertPort, CreatorLookup, RecordStore, RoutesPort, SageMakerPort } from "../app/ports.js";
import { ConfigError, GuardError, InvalidEventError, TrustBoundaryError } from "../core/errors.js";
import { needsOrgWiring } from "../org/config.js";
import type { OrgClients } from "../org/wiring.js";

export { countOutcome, summarize };

/** SDK clients a caller may hand in (tests point them at the emulator); the rest are created on demand. */
export interface AwsClients {
  sagemaker?: SageMakerClient;
  sns?: SNSClient;
  dynamodb?: DynamoDBClient;
  cloudtrail?: CloudTrailClient;
  /**
   * Settings of the CloudTrail client built when none is given: `scan --org` passes a member account's
   * credentials, since an account's event history holds only its own calls.
   */
  cloudtrailConfig?: CloudTrailClientConfig;
  ec2?: EC2Client;
}

/** Where the guard acts. Organization scale (issue 16) adds the assumed role's credentials here. */
export interface Scope {
  account: string;
  region: string;
}

/**
 * The SageMaker port for one account and region: the one place it is built, so that acting in another
 * account through an assumed role changes this factory only.
 */
export function sageMakerPortFor(scope: Scope, clients: AwsClients = {}): SageMakerPort {
  return new SageMakerAdapter(clients.sagemaker ?? createSageMakerClient({ region: scope.region }));
}

/**
 * Loads an adapter module on first use. A compliant resource never needs SNS, and a violating job's stop
 * lands before the first alert and the first record write, so neither the SNS nor the DynamoDB client's
 * load sits on the cold start's critical path (esbuild splits the bundle; `npm run bench` measures it).
 */
function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let ready: Promise<T> | null = null;
  return () => {
    ready ??= load();
    ready.catch(() => {
      ready = null;
    });
    return ready;
  };
}

function lazyAlerts(config: GuardConfig, client?: SNSClient): AlertPort {
  const get = lazy(async () => {
    if (!config.topicArn) throw new ConfigError("no alert topic configured (GUARD_ALERT_TOPIC_ARN)");
    const { createSnsClient, SnsAlerts } = await import("../adapters/sns.js");
    return new SnsAlerts(client ?? createSnsClient({ region: config.region }), config.topicArn);
  });
  return { publish: async (alert) => (await get()).publish(alert) };
}

function lazyRecord(config: GuardConfig, now: () => number, client?: DynamoDBClient): RecordStore {
  const get = lazy(async () => {
    const { createDynamoDbClient, DynamoDbRecord } = await import("../adapters/dynamodb-record.js");
    return new DynamoDbRecord(client ?? createDynamoDbClient({ region: config.region }), config.recordTable, now);
  });
  return {
    get: async (i) => (await get()).get(i),
    getMany: async (items) => (items.length ? (await get()).getMany(items) : new Map()),
    put: async (i, fields) => (await get()).put(i, fields),
    claim: async (i, key, leaseMs) => (await get()).claim(i, key, leaseMs),
    complete: async (i, key, token, messageId) => (await get()).complete(i, key, token, messageId),
    release: async (i, key, token) => (await get()).release(i, key, token),
  };
}

/**
 * The creator lookup in `region`, its CloudTrail client loaded on first use (only a violation a principal
 * exemption might cover, found without its event, asks). `config` carries the credentials of the account
 * whose event history is searched: CloudTrail's LookupEvents sees only the caller's own account's events.
 */
export function lazyCreators(
  region: string,
  client?: CloudTrailClient,
  config: CloudTrailClientConfig = {},
): CreatorLookup {
  const get = lazy(async () => {
    const { createCloudTrailClient, CloudTrailCreators } = await import("../adapters/cloudtrail.js");
    return new CloudTrailCreators(client ?? createCloudTrailClient({ ...config, region }));
  });
  return { creatorOf: async (type, name, createdAt) => (await get()).creatorOf(type, name, createdAt) };
}

/** How long a warm container trusts a subnet's route table before reading it again. */
export const ROUTE_CACHE_MS = 5 * 60_000;

/**
 * The EC2 adapter, loaded on first use like the SNS one: only a decision that rests on a VPC reads
 * route tables, so an isolated resource's cold start never loads the EC2 client. Route tables are
 * cached per subnet for `ttlMs` (src/app/egress.ts).
 */
export function lazyRoutes(region: string, client?: EC2Client, ttlMs = ROUTE_CACHE_MS, now = Date.now): RoutesPort {
  const get = lazy(async () => {
    const { createEc2Client, Ec2Routes } = await import("../adapters/ec2.js");
    return new Ec2Routes(client ?? createEc2Client({ region }));
  });
  const inner: RoutesPort = { subnetRoutes: async (subnets) => (await get()).subnetRoutes(subnets) };
  return new CachedRoutes(inner, ttlMs, now);
}

/** Who could have sent an event the resource contradicts, as the suspicious-event report names them. */
function sendersOf(config: GuardConfig): string {
  const fn = config.functionName ? `the function ${config.functionName}` : "the guard's functions";
  return `any principal allowed lambda:InvokeFunction on ${fn} (identity policies suffice in this account; AWSLambdaRole grants it on *), or sqs:SendMessage on its dead-letter queue followed by a redrive`;
}

/**
 * The ids of an event that could not be decided, read as `normalizeEvent` reads them: `eventId` is
 * CloudTrail's `eventID` when there is one, else EventBridge's `id`; `deliveryId` is always EventBridge's.
 */
function rawEventIds(event: unknown): { eventId: unknown; deliveryId: unknown } {
  const e = (typeof event === "object" && event !== null ? event : {}) as { id?: unknown; detail?: unknown };
  const detail = (typeof e.detail === "object" && e.detail !== null ? e.detail : {}) as { eventID?: unknown };
  const str = (v: unknown) => (typeof v === "string" ? v.slice(0, 128) : null);
  return { eventId: str(detail.eventID) ?? str(e.id), deliveryId: str(e.id) };
}

/** The enforcer with its clients, built once per container (cold start) and reused. */
export interface Runtime {
  config: GuardConfig;
  deps: EnforcerDeps;
  handle(event: unknown): Promise<HandleOutcome>;
}

/**
 * Builds the runtime from a validated config (`loadConfig()` in the Lambdas, `configFrom()` in `scan`).
 * @example const runtime = createRuntime({ config: loadConfig(), log }); await runtime.handle(event);
 */
export function createRuntime(options: {
  config: GuardConfig;
  log: LogPort;
  clients?: AwsClients;
  metrics?: MetricsPort;
  now?: () => number;
  /** How long route tables are trusted (default ROUTE_CACHE_MS; a scan passes its run's length). */
  routeCacheMs?: number;
  /** Clients of the organization wiring (STS, Organizations, Security Hub, member SageMaker config). */
  org?: OrgClients;
}): Runtime {
  const { config, log } = options;
  const clients = options.clients ?? {};
  const metrics = options.metrics ?? { count() {} };
  const now = options.now ?? Date.now;
  const deps: EnforcerDeps = {
    sagemaker: sageMakerPortFor(config, clients),
    alerts: lazyAlerts(config, clients.sns),
    record: lazyRecord(config, now, clients.dynamodb),
    creators: lazyCreators(config.region, clients.cloudtrail, clients.cloudtrailConfig),
    routes: lazyRoutes(config.region, clients.ec2, options.routeCacheMs, now),
    policy: config.policy,
    policyId: config.policyId,
    self: { account: config.account, region: config.region },
    now,
    log,
    leaseMs: config.claimLeaseMs,
    alertRendering: { format: config.alertFormat, runbookUrl: config.runbookUrl ?? undefined },
    senders: sendersOf(config),
  };
  // Loaded only when configured: a single-account guard's cold start loads no STS/Organizations client.
  const org = config.org;
  let orgHandler: Promise<(event: unknown) => Promise<HandleOutcome>> | null = null;
  const run =
    org && needsOrgWiring(org)
      ? async (event: unknown) => {
          orgHandler ??= import("../org/wiring.js").then((m) => m.createOrgHandler(org, deps, options.org));
          return (await orgHandler)(event);
        }
      : (event: unknown) => handleEvent(event, deps);
  return {
    config,
    deps,
    async handle(event) {
      try {
        const outcome = await run(event);
        log.info("event handled", summarize(outcome));
        countOutcome(metrics, outcome);
        return outcome;
      } catch (e) {
        const kind = e instanceof InvalidEventError || e instanceof TrustBoundaryError ? "rejected" : "failed";
        log.error(`event ${kind}`, {
          error: e instanceof GuardError ? e.name : "UnexpectedError",
          reason: (e as Error).message,
          ...rawEventIds(event),
        });
        metrics.count(kind === "rejected" ? "EventsRejected" : "Failures", null);
        throw e;
      }
    },
  };
}
