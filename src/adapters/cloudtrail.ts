import { CloudTrailClient, type CloudTrailClientConfig, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import type { CreatorLookup } from "../app/ports.js";
import { ActionFailedError } from "../core/errors.js";
import { callerFromIdentity } from "../core/normalize.js";
import { RESOURCE_TYPES } from "../core/resource-types.js";
import type { Caller, ResourceType } from "../core/types.js";

/** The calls the creator lookup makes (the member role grants exactly these: src/org/member-template.ts). */
export const CLOUDTRAIL_IAM_ACTIONS = ["cloudtrail:LookupEvents"] as const;

/** The CloudTrail client: LookupEvents allows 2 requests per second per account and region, so retry patiently. */
export function createCloudTrailClient(config: CloudTrailClientConfig = {}): CloudTrailClient {
  return new CloudTrailClient({
    retryMode: "adaptive",
    maxAttempts: 6,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
    ...config,
  });
}

/** How far around the creation time the create call is looked for (CloudTrail's eventTime is the call's). */
const WINDOW_MS = 15 * 60_000;
const MAX_PAGES = 3;

/**
 * Finds a resource's creator in CloudTrail's 90-day event history (LookupEvents by resource name), for
 * resources the guard meets without their CloudTrail event (state-change events, the sweep). Only a
 * successful SageMaker create call of that type and name counts.
 *
 * @example const caller = await new CloudTrailCreators(createCloudTrailClient()).creatorOf("endpoint", "ep", createdAt);
 */
export class CloudTrailCreators implements CreatorLookup {
  constructor(private readonly client: CloudTrailClient) {}

  async creatorOf(type: ResourceType, name: string, createdAt: string | null): Promise<Caller | null> {
    const spec = RESOURCE_TYPES[type];
    const created = createdAt ? Date.parse(createdAt) : Number.NaN;
    const window = Number.isNaN(created)
      ? {}
      : { StartTime: new Date(created - WINDOW_MS), EndTime: new Date(created + WINDOW_MS) };
    let token: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await this.client.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: "ResourceName", AttributeValue: name }],
            ...window,
            MaxResults: 50,
            NextToken: token,
          }),
        );
        for (const e of out.Events ?? []) {
          // Only the create call (not an Update*, which any later principal may make) names the creator.
          if (!e.EventName?.startsWith("Create") || !spec.events.includes(e.EventName) || !e.CloudTrailEvent) continue;
          const record = JSON.parse(e.CloudTrailEvent) as Record<string, unknown>;
          if (record.eventSource !== "sagemaker.amazonaws.com" || record.errorCode) continue;
          const caller = callerFromIdentity(record.userIdentity);
          if (caller) return caller;
        }
        token = out.NextToken;
        if (!token) break;
      }
      return null;
    } catch (e) {
      throw new ActionFailedError(
        `CloudTrail LookupEvents for ${type} ${name} failed: ${(e as Error).message}`,
        "lookup",
        {
          cause: e,
        },
      );
    }
  }
}
