import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
  type SecurityHubClientConfig,
} from "@aws-sdk/client-securityhub";
import { ActionFailedError } from "../core/errors.js";
import type { FindingsPort, GuardFinding, StoredFinding } from "../org/security-hub.js";

export function createSecurityHubClient(config: SecurityHubClientConfig = {}): SecurityHubClient {
  return new SecurityHubClient({ retryMode: "adaptive", maxAttempts: 8, ...config });
}

/**
 * BatchImportFindings / GetFindings in the central account. Findings are imported under the account's
 * default product (a custom integration needs no registration). BatchImportFindings answers 200 with
 * FailedFindings for a refused finding: that is a failure too.
 */
export class SecurityHubAdapter implements FindingsPort {
  constructor(private readonly client: SecurityHubClient) {}

  async findingsOf(resourceArn: string, productArn: string): Promise<StoredFinding[]> {
    const found: StoredFinding[] = [];
    let token: string | undefined;
    try {
      do {
        const out = await this.client.send(
          new GetFindingsCommand({
            Filters: {
              ResourceId: [{ Value: resourceArn, Comparison: "EQUALS" }],
              ProductArn: [{ Value: productArn, Comparison: "EQUALS" }],
            },
            MaxResults: 100,
            NextToken: token,
          }),
        );
        for (const f of out.Findings ?? []) {
          // Filtered again here: an emulator (moto) may ignore Filters; on AWS this keeps everything.
          if (f.ProductArn !== productArn || !f.Resources?.some((r) => r.Id === resourceArn)) continue;
          found.push({
            id: f.Id ?? "",
            generatorId: f.GeneratorId ?? "",
            recordState: f.RecordState ?? "ACTIVE",
            createdAt: f.CreatedAt ?? null,
          });
        }
        token = out.NextToken;
      } while (token);
    } catch (e) {
      throw new ActionFailedError(`GetFindings for ${resourceArn} failed: ${(e as Error).message}`, "security-hub", {
        cause: e,
      });
    }
    return found;
  }

  async importFindings(findings: GuardFinding[]): Promise<void> {
    // BatchImportFindings takes at most 100 findings per request.
    for (let i = 0; i < findings.length; i += 100) {
      const batch = findings.slice(i, i + 100) as unknown as AwsSecurityFinding[];
      let failed: string[] = [];
      try {
        const out = await this.client.send(new BatchImportFindingsCommand({ Findings: batch }));
        failed = (out.FailedFindings ?? []).map((f) => `${f.Id}: ${f.ErrorCode} ${f.ErrorMessage}`);
      } catch (e) {
        throw new ActionFailedError(`BatchImportFindings failed: ${(e as Error).message}`, "security-hub", {
          cause: e,
        });
      }
      if (failed.length) {
        throw new ActionFailedError(
          `Security Hub refused ${failed.length} finding(s): ${failed.join("; ")}`,
          "security-hub",
        );
      }
    }
  }
}
