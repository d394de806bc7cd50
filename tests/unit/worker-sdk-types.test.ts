// The worker SDK's wire types (packages/worker/src/protocol.ts) against the server's zod schemas:
// the route bodies (lib/services/workers.ts) and the answers (lib/http/openapi/responses.ts, which
// the OpenAPI document is made of). The type checks fail `npm run typecheck` on any drift; the
// runtime checks send what the SDK would send through the schemas the routes parse with.
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type * as sdk from "@/packages/worker/src";
import { appendLogsBodySchema, completeTaskBodySchema, failTaskBodySchema, heartbeatBodySchema, pollTasksSchema } from "@/lib/services/workers";
import type { appendLogsResultSchema, heartbeatResultSchema, taskResultSchema, workerTaskSchema } from "@/lib/http/openapi/responses";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type Body<S extends z.ZodType> = z.input<S>;
type Api = sdk.FlowdeckWorkerApi;
type RequestOf<M extends keyof Api> = Api[M] extends (...args: infer A) => unknown ? A[A extends [unknown, unknown, ...unknown[]] ? 1 : 0] : never;

// Requests: exactly what the route's schema accepts (the SDK's log lines are the schema's object form).
export type Checks = [
  Assert<Same<sdk.PollRequest, Body<typeof pollTasksSchema>>>,
  Assert<Same<RequestOf<"heartbeat">, Body<typeof heartbeatBodySchema>>>,
  Assert<Same<Omit<RequestOf<"complete">, "logs">, Omit<Body<typeof completeTaskBodySchema>, "logs">>>,
  Assert<Same<Omit<RequestOf<"fail">, "logs">, Omit<Body<typeof failTaskBodySchema>, "logs">>>,
  Assert<Same<sdk.WorkerTaskError, Body<typeof failTaskBodySchema>["error"]>>,
  Assert<Same<sdk.WorkerLogLine, Extract<Body<typeof appendLogsBodySchema>["lines"][number], object>>>,
  // Answers: exactly what the server's response schemas describe.
  Assert<Same<sdk.WorkerTask, z.infer<typeof workerTaskSchema>>>,
  Assert<Same<sdk.HeartbeatResult, z.infer<typeof heartbeatResultSchema>>>,
  Assert<Same<sdk.AppendLogsResult, z.infer<typeof appendLogsResultSchema>>>,
  Assert<Same<sdk.TaskResult, z.infer<typeof taskResultSchema>>>,
];

describe("the worker SDK's requests", () => {
  it("parse with the schemas the routes validate with", () => {
    const line: sdk.WorkerLogLine = { time: new Date().toISOString(), level: "warn", message: "slow" };
    expect(pollTasksSchema.parse({ taskType: "send_email", workerId: "w", max: 4, waitMs: 20_000 } satisfies sdk.PollRequest)).toMatchObject({ max: 4 });
    expect(appendLogsBodySchema.parse({ workerId: "w", lines: [line] })).toEqual({ workerId: "w", lines: [line] });
    expect(failTaskBodySchema.parse({ workerId: "w", error: { code: "WORKER_SHUTDOWN", message: "released" }, logs: [line] }).error.code).toBe("WORKER_SHUTDOWN");
    expect(() => appendLogsBodySchema.parse({ workerId: "w", lines: [{ ...line, level: "fatal" }] })).toThrow();
  });
});
