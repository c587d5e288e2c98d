import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { SSMClient } from "@aws-sdk/client-ssm";
import { type FetchFunction, IncomingWebhook, IncomingWebhookHTTPError } from "@slack/webhook";
import type { SNSEvent } from "aws-lambda";
import type { NotifierConfig } from "../app/config-notifier.js";
import { ActionFailedError, ConfigError } from "../core/errors.js";
import { type NotifiedRecord, type NotifierLog, notifyRecords, type SlackPort } from "../notify/notifier.js";
import type { SlackMessage } from "../notify/slack-message.js";

/** Where the webhook URL comes from: read once per container, cached, never logged. */
export interface SecretSource {
  get(): Promise<string>;
}

/**
 * The webhook URL from an SSM Parameter Store SecureString, through Powertools Parameters: fetched and
 * decrypted on first use, then cached for the life of the container (a failed read is retried next time).
 * Rotating the URL takes effect as containers are replaced (or on the next deploy).
 * @example new SsmSecret("/isolation-guard/slack-webhook", new SSMProvider({ clientConfig: { region } }))
 */
export class SsmSecret implements SecretSource {
  private value: Promise<string> | null = null;
  constructor(
    readonly parameterName: string,
    private readonly provider: Pick<SSMProvider, "get">,
    /** Tests only: also accept `http://127.0.0.1...` (a local webhook receiver). */
    private readonly allowLoopback = false,
  ) {}

  get(): Promise<string> {
    this.value ??= this.read().catch((e) => {
      this.value = null;
      throw e;
    });
    return this.value;
  }

  private async read(): Promise<string> {
    let value: unknown;
    try {
      // maxAge: our own promise cache holds it; Powertools' default of 5 s would re-read it every few calls.
      value = await this.provider.get(this.parameterName, { decrypt: true, maxAge: 365 * 24 * 3600 });
    } catch (e) {
      throw new ActionFailedError(
        `cannot read SSM parameter ${this.parameterName}: ${(e as Error).name}`,
        "read-secret",
        {
          cause: e,
        },
      );
    }
    const loopback = this.allowLoopback && typeof value === "string" && /^http:\/\/127\.0\.0\.1[:/]\S*$/.test(value);
    if (typeof value !== "string" || !(loopback || /^https:\/\/\S+$/.test(value))) {
      // Never echo the value: it is the secret.
      throw new ConfigError(`SSM parameter ${this.parameterName} does not hold an https webhook URL`);
    }
    return value;
  }
}

/** An SSMProvider for a client (the Lambda's own, or one pointed at the emulator). */
export function createSsmProvider(client: SSMClient): SSMProvider {
  return new SSMProvider({ awsSdkV3Client: client });
}

export interface SlackWebhookOptions {
  secret: SecretSource;
  /** Attempts per message when Slack answers 429 (the first included). */
  maxAttempts?: number;
  /** Longest single `Retry-After` wait accepted; a longer one fails the invocation (Lambda retries later). */
  maxRetryWaitMs?: number;
  timeoutMs?: number;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: FetchFunction;
  sleep?: (ms: number) => Promise<void>;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds (Slack's form) or an HTTP date, as milliseconds; 1 s when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (!header) return 1000;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - now);
}

/**
 * Posts messages to a Slack incoming webhook with `@slack/webhook`. A 429 is retried after its
 * `Retry-After`; anything else that is not a 2xx throws {@link ActionFailedError} (with Slack's short
 * error code, e.g. `invalid_blocks`, and never the URL) so that the invocation fails and is retried.
 * @example await new SlackWebhook({ secret }).post(renderSlackMessage(message))
 */
export class SlackWebhook implements SlackPort {
  private webhook: IncomingWebhook | null = null;
  private lastRetryAfter: string | null = null;
  private readonly options: Required<Omit<SlackWebhookOptions, "fetch">> & { fetch?: FetchFunction };

  constructor(options: SlackWebhookOptions) {
    this.options = { maxAttempts: 3, maxRetryWaitMs: 20_000, timeoutMs: 10_000, sleep: delay, ...options };
  }

  private async client(): Promise<IncomingWebhook> {
    if (this.webhook) return this.webhook;
    const url = await this.options.secret.get();
    const base = this.options.fetch ?? (globalThis.fetch as unknown as FetchFunction);
    // @slack/webhook's HTTP error carries no headers: keep the last Retry-After on the side.
    const fetchFn: FetchFunction = async (input, init) => {
      const response = await base(input, init);
      this.lastRetryAfter = response.headers.get("retry-after");
      return response;
    };
    this.webhook = new IncomingWebhook(url, { fetch: fetchFn, timeout: this.options.timeoutMs });
    return this.webhook;
  }

  async post(message: SlackMessage): Promise<{ attempts: number }> {
    const webhook = await this.client();
    for (let attempt = 1; ; attempt++) {
      try {
        await webhook.send({ text: message.text, blocks: message.blocks as never });
        return { attempts: attempt };
      } catch (e) {
        const status = e instanceof IncomingWebhookHTTPError ? e.statusCode : null;
        if (status === 429 && attempt < this.options.maxAttempts) {
          const wait = retryAfterMs(this.lastRetryAfter);
          if (wait <= this.options.maxRetryWaitMs) {
            await this.options.sleep(wait);
            continue;
          }
        }
        throw new ActionFailedError(describeFailure(e, attempt), "slack-post", { cause: redact(e) });
      }
    }
  }
}

function describeFailure(e: unknown, attempts: number): string {
  if (e instanceof IncomingWebhookHTTPError) {
    const code = e.body.slice(0, 100).replace(/[^\w .:-]/g, "?");
    return `Slack webhook answered HTTP ${e.statusCode}${code ? ` (${code})` : ""} after ${attempts} attempt(s)`;
  }
  return `Slack webhook request failed after ${attempts} attempt(s): ${(e as Error)?.name ?? "error"}`;
}

/** The original error without anything that could hold the URL (fetch errors may carry the request). */
function redact(e: unknown): Error {
  const err = new Error(
    e instanceof IncomingWebhookHTTPError ? `HTTP ${e.statusCode}` : ((e as Error)?.name ?? "error"),
  );
  err.name = (e as Error)?.name ?? "Error";
  return err;
}

/**
 * The notifier with its adapters, built once per container: SSM (for the webhook URL) and the webhook.
 * Clients may be injected (tests point SSM at the emulator and the webhook at a local receiver).
 * @example const notifier = createSlackNotifier({ config: loadNotifierConfig(), log }); await notifier.handle(event)
 */
export function createSlackNotifier(options: {
  config: NotifierConfig;
  log: NotifierLog;
  ssm?: SSMClient;
  fetch?: FetchFunction;
  sleep?: (ms: number) => Promise<void>;
  allowLoopback?: boolean;
}): { secret: SsmSecret; slack: SlackWebhook; handle(event: SNSEvent): Promise<NotifiedRecord[]> } {
  const { config } = options;
  const ssm = options.ssm ?? new SSMClient({ region: config.region });
  const secret = new SsmSecret(config.webhookParameter, createSsmProvider(ssm), options.allowLoopback);
  const slack = new SlackWebhook({
    secret,
    maxAttempts: config.maxAttempts,
    maxRetryWaitMs: config.maxRetryWaitMs,
    timeoutMs: config.timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  return {
    secret,
    slack,
    handle: (event) => notifyRecords(event, { slack, runbookUrl: config.runbookUrl, log: options.log }),
  };
}
