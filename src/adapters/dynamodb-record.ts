import {
  type AttributeValue,
  BatchGetItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  type ClaimResult,
  type Incarnation,
  type IncarnationRecord,
  incarnationKey,
  type RecordStore,
} from "../app/ports.js";
import { ActionFailedError } from "../core/errors.js";

/** The DynamoDB client the Lambdas and CLI use: adaptive retry, timeouts like the other clients. */
export function createDynamoDbClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    retryMode: "adaptive",
    maxAttempts: 8,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
    ...config,
  });
}

/** Items expire (DynamoDB TTL on `expiresAt`) this long after their last write: a record outlives any job. */
const TTL_SECONDS = 90 * 24 * 3600;
const FIELDS = ["verdict", "rules", "policyId", "remedy", "alert", "decidedAt", "findings"] as const;

const resourcePk = (i: Incarnation) => `r#${incarnationKey(i)}`;
const claimPk = (i: Incarnation, key: string) => `a#${incarnationKey(i)}#${key}`;
const s = (v: string): AttributeValue => ({ S: v });
const n = (v: number): AttributeValue => ({ N: String(v) });

function isConditionFailed(e: unknown): boolean {
  return (e as { name?: string })?.name === "ConditionalCheckFailedException";
}

function fromItem(item: Record<string, AttributeValue>): IncarnationRecord {
  const r: IncarnationRecord = {};
  for (const f of FIELDS) {
    const v = item[f]?.S;
    if (v !== undefined) (r as Record<string, unknown>)[f] = v;
  }
  if (item.caller?.S) r.caller = JSON.parse(item.caller.S);
  return r;
}

/**
 * The guard's record in one DynamoDB table (key `pk`): an item per resource incarnation (`r#ARN#created`)
 * and an item per alert claim (`a#ARN#created#verdict#rules[#phase]`). Claims follow Powertools
 * idempotency's record states (IN_PROGRESS with an expiry, then COMPLETED), written with conditions.
 *
 * @example const record = new DynamoDbRecord(createDynamoDbClient(), "isolation-guard-record", Date.now);
 */
export class DynamoDbRecord implements RecordStore {
  constructor(
    private readonly client: DynamoDBClient,
    readonly table: string,
    private readonly now: () => number,
  ) {}

  private fail(op: string, e: unknown): never {
    throw new ActionFailedError(`DynamoDB ${op} on ${this.table} failed: ${(e as Error).message}`, "record", {
      cause: e,
    });
  }

  private expiresAt(): AttributeValue {
    return n(Math.floor(this.now() / 1000) + TTL_SECONDS);
  }

  async get(i: Incarnation): Promise<IncarnationRecord | null> {
    try {
      const out = await this.client.send(
        new GetItemCommand({ TableName: this.table, Key: { pk: s(resourcePk(i)) }, ConsistentRead: true }),
      );
      return out.Item ? fromItem(out.Item) : null;
    } catch (e) {
      this.fail("GetItem", e);
    }
  }

  async getMany(items: readonly Incarnation[]): Promise<Map<string, IncarnationRecord>> {
    const found = new Map<string, IncarnationRecord>();
    const keys = [...new Set(items.map(resourcePk))];
    for (let at = 0; at < keys.length; at += 100) {
      let pending: Record<string, AttributeValue>[] = keys.slice(at, at + 100).map((pk) => ({ pk: s(pk) }));
      // BatchGetItem may return some keys unprocessed under load: ask again for those (bounded).
      for (let round = 0; pending.length && round < 5; round++) {
        try {
          const out = await this.client.send(
            new BatchGetItemCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } } }),
          );
          for (const item of out.Responses?.[this.table] ?? []) {
            const pk = item.pk?.S;
            if (pk) found.set(pk.slice(2), fromItem(item));
          }
          pending = out.UnprocessedKeys?.[this.table]?.Keys ?? [];
        } catch (e) {
          this.fail("BatchGetItem", e);
        }
      }
      if (pending.length) this.fail("BatchGetItem", new Error(`${pending.length} keys left unprocessed`));
    }
    return found;
  }

  async put(i: Incarnation, fields: IncarnationRecord): Promise<void> {
    const names: Record<string, string> = { "#exp": "expiresAt", "#upd": "updatedAt", "#arn": "arn" };
    const values: Record<string, AttributeValue> = {
      ":exp": this.expiresAt(),
      ":upd": s(new Date(this.now()).toISOString()),
      ":arn": s(i.arn),
    };
    const sets = ["#exp = :exp", "#upd = :upd", "#arn = :arn"];
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      names[`#${k}`] = k;
      values[`:${k}`] = k === "caller" ? s(JSON.stringify(v)) : v === null ? { NULL: true } : s(String(v));
      sets.push(`#${k} = :${k}`);
    }
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: s(resourcePk(i)) },
          UpdateExpression: `SET ${sets.join(", ")}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (e) {
      this.fail("UpdateItem", e);
    }
  }

  async claim(i: Incarnation, key: string, leaseMs: number): Promise<ClaimResult> {
    const now = this.now();
    const token = `${now.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: s(claimPk(i, key)),
            status: s("IN_PROGRESS"),
            token: s(token),
            leaseUntil: n(now + leaseMs),
            expiresAt: this.expiresAt(),
          },
          // Free, or held by a claimer whose lease ran out (it died before alerting): take it.
          ConditionExpression: "attribute_not_exists(pk) OR (#st = :ip AND leaseUntil < :now)",
          ExpressionAttributeNames: { "#st": "status" },
          ExpressionAttributeValues: { ":ip": s("IN_PROGRESS"), ":now": n(now) },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return { state: "won", token };
    } catch (e) {
      if (!isConditionFailed(e)) this.fail("PutItem", e);
      let old = (e as { Item?: Record<string, AttributeValue> }).Item;
      if (!old) {
        const out = await this.client
          .send(new GetItemCommand({ TableName: this.table, Key: { pk: s(claimPk(i, key)) }, ConsistentRead: true }))
          .catch((err) => this.fail("GetItem", err));
        old = out.Item;
      }
      return { state: old?.status?.S === "COMPLETED" ? "done" : "busy" };
    }
  }

  async complete(i: Incarnation, key: string, token: string, messageId: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: s(claimPk(i, key)) },
          UpdateExpression: "SET #st = :done, messageId = :mid, completedAt = :at",
          ConditionExpression: "#tok = :tok",
          ExpressionAttributeNames: { "#st": "status", "#tok": "token" },
          ExpressionAttributeValues: {
            ":done": s("COMPLETED"),
            ":mid": s(messageId || "unknown"),
            ":at": s(new Date(this.now()).toISOString()),
            ":tok": s(token),
          },
        }),
      );
    } catch (e) {
      // Our lease ran out and another delivery took the claim over: it reports (a second alert at worst).
      if (!isConditionFailed(e)) this.fail("UpdateItem", e);
    }
  }

  async release(i: Incarnation, key: string, token: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: { pk: s(claimPk(i, key)) },
          ConditionExpression: "#tok = :tok",
          ExpressionAttributeNames: { "#tok": "token" },
          ExpressionAttributeValues: { ":tok": s(token) },
        }),
      );
    } catch (e) {
      if (!isConditionFailed(e)) this.fail("DeleteItem", e);
    }
  }
}
