// POST /api/executions/{executionId}/{operation} through the real route handler: dispatch, body
// validation, the actor (the caller's token), status codes and error bodies. The services behind it are covered on
// both databases by operations.test.ts; the HTTP mapping is provider-independent, so SQLite only.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "@/lib/runtime/engine";
import type { ExecutionView } from "@/lib/services/executions";
import { callRoute, tokenFor, withTestAdminToken, type RouteFn } from "@/tests/helpers/api";

const dir = mkdtempSync(join(tmpdir(), "flowdeck-ops-route-"));
process.env.DATABASE_URL = `file:${join(dir, "flowdeck.db")}`;
process.env.FLOWDECK_ENGINE = "off";
withTestAdminToken();

type Route = typeof import("@/app/api/executions/[executionId]/[operation]/route");
let POST: Route["POST"];
let engine: Engine;
let services: typeof import("@/lib/services/executions");
let db: import("@/lib/db/client").Db;

/** Operator tokens named after the actors the tests act as (recorded as `token:<name>`). */
const tokens: Record<string, string> = {};

async function call(executionId: string, operation: string, body?: unknown, actor?: string) {
  const token = actor ? (tokens[actor] ??= await tokenFor(db, actor, "operator")) : undefined;
  const response = await callRoute(POST as unknown as RouteFn, "POST", `/api/executions/${executionId}/${operation}`, {
    body,
    token,
    params: { executionId, operation },
  });
  return { status: response.status, location: response.headers.get("location"), body: (await response.json()) as Record<string, unknown> };
}

const approvalWorkflow = {
  name: "route-approval",
  tasks: [
    { key: "ask", type: "approval", params: { approvers: ["token:alice"] } },
    { key: "done", type: "transform", dependsOn: ["ask"], params: { output: { ok: true } } },
  ],
};

async function waitingApproval(): Promise<ExecutionView> {
  const started = await services.startExecution(db, { workflow: "route-approval" }, "test");
  for (let i = 0; i < 500; i++) {
    const execution = await services.getExecution(db, started.id);
    if (execution.tasks.some((t) => t.taskKey === "ask" && t.status === "WAITING")) return execution;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("ask never waited");
}

describe("POST /api/executions/{executionId}/{operation}", () => {
  beforeAll(async () => {
    ({ POST } = await import("@/app/api/executions/[executionId]/[operation]/route"));
    const { ensureReady } = await import("@/lib/server/bootstrap");
    await ensureReady();
    const { getDb } = await import("@/lib/db/client");
    db = getDb();
    services = await import("@/lib/services/executions");
    const { saveWorkflow } = await import("@/lib/services/workflows");
    await saveWorkflow(db, approvalWorkflow, "test");
    const { Engine } = await import("@/lib/runtime/engine");
    engine = new Engine(db, "sqlite", { pollIntervalMs: 25, timerIntervalMs: 20 });
    engine.start();
  });
  afterAll(async () => {
    await engine?.stop();
    const { closeDb } = await import("@/lib/db/client");
    await closeDb();
    rmSync(dir, { recursive: true, force: true });
  });

  it("an unknown operation or execution is a 404", async () => {
    const unknownOperation = await call("x", "explode", {});
    expect(unknownOperation.status).toBe(404);
    expect(unknownOperation.body).toEqual({
      error: { code: "NOT_FOUND", message: "there is no execution operation 'explode'; operations: pause, resume, terminate, retry, restart, rerun, skip, approve, reject", details: [] },
    });
    const unknownExecution = await call("nope", "pause");
    expect(unknownExecution.status).toBe(404);
    expect(unknownExecution.body).toMatchObject({ error: { code: "NOT_FOUND", message: "execution 'nope' not found" } });
  });

  it("validates each operation's body (400 with paths)", async () => {
    const noReason = await call("x", "terminate", {});
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ error: { code: "VALIDATION_FAILED", details: [{ path: "reason", message: "is required: say why" }] } });
    const extra = await call("x", "pause", { reason: "ok", force: true });
    expect(extra.status).toBe(400);
    const noTask = await call("x", "rerun", { dryRun: "yes" });
    expect((noTask.body.error as { details: { path: string }[] }).details.map((d) => d.path).sort()).toEqual(["dryRun", "fromTaskKey"]);
    const notJson = await call("x", "skip", "{taskKey:");
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ error: { code: "BAD_REQUEST" } });
  });

  it("pause (no body) and resume answer 200 with the execution; resume again is a 409 naming the state", async () => {
    const execution = await waitingApproval();
    const paused = await call(execution.id, "pause", undefined, "ops");
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ id: execution.id, status: "PAUSED" });
    expect((await call(execution.id, "resume", {})).body).toMatchObject({ status: "RUNNING" });
    const again = await call(execution.id, "resume", {});
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: { code: "CONFLICT", message: `cannot resume execution ${execution.id}: it is RUNNING`, details: [] } });
  });

  it("approve takes the actor from the request: 403 for a non-approver, 200 for an approver", async () => {
    const execution = await waitingApproval();
    const denied = await call(execution.id, "approve", { taskKey: "ask" }, "mallory");
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: { code: "FORBIDDEN" } });
    const approved = await call(execution.id, "approve", { taskKey: "ask", reason: "fine" }, "alice");
    expect(approved.status).toBe(200);
    const ask = (approved.body.tasks as ExecutionView["tasks"]).find((t) => t.taskKey === "ask")!;
    expect(ask.attempts[0]!.output).toMatchObject({ approved: true, by: "token:alice", reason: "fine" });
  });

  it("rerun dry run answers the preview; restart answers 201 with the new execution", async () => {
    const failed = await services.startExecution(db, { workflow: "build-test-deploy", input: { failTest: "test_1" }, waitSeconds: 20 }, "test");
    expect(failed.status).toBe("FAILED");
    const preview = await call(failed.id, "rerun", { fromTaskKey: "test_1", input: { failTest: "" }, dryRun: true });
    expect(preview).toMatchObject({ status: 200, body: { dryRun: true, reset: ["test_1", "deploy"], kept: ["build", "test_2", "test_3", "test_4"] } });
    const restarted = await call(failed.id, "restart", undefined, "ops");
    expect(restarted.status).toBe(201);
    expect(restarted.body).toMatchObject({ workflowName: "build-test-deploy", input: { failTest: "test_1" }, createdBy: "token:ops" });
    expect(restarted.location).toBe(`/api/executions/${restarted.body.id as string}`);
    const terminated = await call(failed.id, "terminate", { reason: "done" });
    expect(terminated).toMatchObject({ status: 409, body: { error: { message: `cannot terminate execution ${failed.id}: it is FAILED` } } });
  });
});
