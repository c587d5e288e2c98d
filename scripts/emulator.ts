import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

/** A running local AWS emulator (moto + the project's gap-fill), listening on 127.0.0.1 only. */
export interface Emulator {
  endpoint: string;
  port: number;
  reset(): Promise<void>;
  calls(): Promise<Record<string, number>>;
  /** Every call since the last reset, in arrival order (`sagemaker:StopTrainingJob`, ...). */
  callLog(): Promise<string[]>;
  resetCalls(): Promise<void>;
  fault(spec: {
    operation: string;
    service?: string;
    kind: "throttle" | "error" | "delay" | "refuse";
    message?: string;
    count?: number;
    delayMs?: number;
  }): Promise<void>;
  setJobStatus(type: string, name: string, status: string): Promise<void>;
  /** Records the parent SageMaker would have launched a job for (its Describe then names it). */
  setJobParent(type: string, name: string, parentKey: string, parentArn: string): Promise<void>;
  settings(values: { refuseDeleteWhileCreating?: boolean }): Promise<void>;
  /** AssumeRole into these accounts answers AccessDenied (as AWS does for a missing or untrusting role). */
  denyAssumeRole(accounts: string[]): Promise<void>;
  /**
   * Adds events to the emulated CloudTrail event history that LookupEvents answers from (each in the
   * account its `accountId` names, else the default account 123456789012).
   */
  seedCloudTrail(events: Record<string, unknown>[]): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the emulator as `npm run emulator` would, and waits until it accepts requests. */
export async function startEmulator(): Promise<Emulator> {
  const port = await freePort();
  const script = join(import.meta.dirname, "../emulator/isolation_guard_emulator.py");
  const child: ChildProcess = spawn("python3", [script, "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr = (stderr + String(d)).slice(-4000);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start in 20 s:\n${stderr}`)), 20_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}:\n${stderr}`));
    });
    child.stdout?.on("data", (d) => {
      if (String(d).includes("listening on")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${endpoint}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<unknown>;
  };
  return {
    endpoint,
    port,
    reset: async () => {
      await call("POST", "/moto-api/reset");
    },
    calls: async () => (await call("GET", "/guard-api/calls")) as Record<string, number>,
    callLog: async () => (await call("GET", "/guard-api/call-log")) as string[],
    resetCalls: async () => {
      await call("DELETE", "/guard-api/calls");
    },
    fault: async (spec) => {
      await call("POST", "/guard-api/faults", spec);
    },
    settings: async (values) => {
      await call("POST", "/guard-api/settings", values);
    },
    denyAssumeRole: async (accounts) => {
      await call("POST", "/guard-api/deny-assume-role", { accounts });
    },
    seedCloudTrail: async (events) => {
      await call("POST", "/guard-api/cloudtrail-events", { events });
    },
    setJobStatus: async (type, name, status) => {
      await call("POST", "/guard-api/job-status", { type, name, status });
    },
    setJobParent: async (type, name, parentKey, parentArn) => {
      await call("POST", "/guard-api/job-parent", { type, name, parentKey, parentArn });
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
