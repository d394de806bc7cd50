// The worker SDK's wire types (packages/worker/src/protocol.generated.ts) are generated from the
// server's zod schemas by scripts/gen-worker-protocol.ts. The file must be current: a schema changed
// without regenerating fails here (and `npm run typecheck` regenerates it, so SDK code that no
// longer fits the API fails tsc). The runtime checks send what the SDK would send through the
// schemas the routes parse with.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type * as sdk from "@/packages/worker/src";
import { renderWorkerProtocol, WORKER_PROTOCOL_FILE } from "@/scripts/gen-worker-protocol";
import { appendLogsBodySchema, failTaskBodySchema, pollTasksSchema } from "@/lib/services/worker-schemas";

describe("the worker SDK's generated wire types", () => {
  it("are current: generating again gives exactly the file on disk (else: npm run sdk:generate)", async () => {
    expect(readFileSync(WORKER_PROTOCOL_FILE, "utf8")).toBe(await renderWorkerProtocol());
  });

  it("are the same bytes every time", async () => {
    expect(await renderWorkerProtocol()).toBe(await renderWorkerProtocol());
  });

  it("carry the schemas' descriptions and defaults as JSDoc", async () => {
    const text = await renderWorkerProtocol();
    // A request's field with a default is optional (io "input") and says its default.
    expect(text).toMatch(/Most tasks to claim\s+\*\s+\* @default 1\s+\*\/\s+max\?: number;/);
    // An answer's field as the server sends it (io "output").
    expect(text).toMatch(/Heartbeat or report a result before then, or the attempt times out \(LEASE_EXPIRED\)\s+\*\/\s+leaseExpiresAt: string;/);
    // Nested named schemas are references, declared once.
    expect(text).toContain("lines: (string | WorkerLogLine)[];");
    expect(text.match(/export interface WorkerLogLine /g)).toHaveLength(1);
    // A JSON value (z.unknown) stays unknown, described or not.
    expect(text).toMatch(/lastHeartbeatDetails\?: unknown;/);
  });
});

describe("the worker SDK's requests", () => {
  it("parse with the schemas the routes validate with", () => {
    const line: sdk.WorkerLogLine = { time: new Date().toISOString(), level: "warn", message: "slow" };
    expect(pollTasksSchema.parse({ taskType: "send_email", workerId: "w", max: 4, waitMs: 20_000 } satisfies sdk.PollRequest)).toMatchObject({ max: 4 });
    expect(appendLogsBodySchema.parse({ workerId: "w", lines: [line, "plain"] } satisfies sdk.AppendLogsRequest)).toEqual({ workerId: "w", lines: [line, "plain"] });
    const failed = { workerId: "w", error: { code: "WORKER_SHUTDOWN", message: "released" }, logs: [line] } satisfies sdk.FailTaskRequest;
    expect(failTaskBodySchema.parse(failed).error.code).toBe("WORKER_SHUTDOWN");
    expect(() => appendLogsBodySchema.parse({ workerId: "w", lines: [{ ...line, level: "fatal" }] })).toThrow();
  });
});
