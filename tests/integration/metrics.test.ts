// GET /api/metrics against a real engine on a real SQLite file: executions (one completing, one
// failing after a retry, one whose worker lets its lease expire) move the counters and histograms
// with the right labels; the queue depth is read from the database (also on PostgreSQL, below);
// HTTP durations are labelled by route pattern; no execution or attempt id appears anywhere;
// workflow labels are capped; credentials are required. The exposition text is parsed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRoute, tokenFor, withTestAdminToken, type RouteFn } from "@/tests/helpers/api";
import type { EngineHarness } from "@/tests/helpers/engine";
import { parseExposition, samplesOf, valueOf, type Sample } from "@/tests/helpers/prometheus";
import type { Db } from "@/lib/db/client";
import type { Engine } from "@/lib/runtime/engine";

const dir = mkdtempSync(join(tmpdir(), "flowdeck-metrics-"));
process.env.DATABASE_URL = `file:${join(dir, "flowdeck.db")}`;
process.env.FLOWDECK_ENGINE = "off";
// Read when lib/metrics loads (below, through dynamic imports): 4 workflows get their own label.
process.env.FLOWDECK_METRICS_MAX_WORKFLOWS = "4";
withTestAdminToken();

// No static import may load lib/metrics (they run before the settings above): app code is imported below.
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let db: Db;
let engine: Engine;
let metricsRoute: RouteFn;
const ids: string[] = [];

async function scrape(token?: string | null): Promise<{ status: number; text: string; samples: Sample[] }> {
  const response = await callRoute(metricsRoute, "GET", "/api/metrics", token === undefined ? {} : { token });
  const text = await response.text();
  return { status: response.status, text, samples: response.status === 200 ? parseExposition(text) : [] };
}

async function start(workflow: string, input: unknown = {}, waitSeconds = 20) {
  const { startExecution } = await import("@/lib/services/executions");
  const execution = await startExecution(db, { workflow, input: input as never, waitSeconds }, "test");
  ids.push(execution.id, ...execution.tasks.flatMap((task) => task.attempts.map((attempt) => attempt.id)));
  return execution;
}

beforeAll(async () => {
  const { ensureReady } = await import("@/lib/server/bootstrap");
  await ensureReady();
  db = (await import("@/lib/db/client")).getDb();
  const { Engine } = await import("@/lib/runtime/engine");
  engine = new Engine(db, "sqlite", { pollIntervalMs: 25, timerIntervalMs: 20, maxConcurrentTasks: 7 });
  engine.start();
  metricsRoute = (await import("@/app/api/metrics/route")).GET as RouteFn;
  const { saveWorkflow } = await import("@/lib/services/workflows");
  await saveWorkflow(db, { name: "metrics-ok", tasks: [
    { key: "a", type: "transform", params: { output: { n: 1 } } },
    { key: "b", type: "transform", params: { output: "{% $tasks.a.output.n + 1 %}" }, dependsOn: ["a"] },
  ] }, "test");
  await saveWorkflow(db, { name: "metrics-retry", tasks: [
    { key: "boom", type: "transform", params: { output: "{% $error('boom') %}" }, retry: { maximumAttempts: 2, initialIntervalMs: 10 } },
  ] }, "test");
  await saveWorkflow(db, { name: "metrics-lease", tasks: [{ key: "work", type: "worker", params: { taskType: "metrics.lease" } }] }, "test");
  for (const name of ["cap-a", "cap-b", "cap-c"]) await saveWorkflow(db, { name, tasks: [{ key: "a", type: "transform", params: { output: 1 } }] }, "test");
}, 60_000);

afterAll(async () => {
  await engine?.stop();
  const { closeDb } = await import("@/lib/db/client");
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

describe("GET /api/metrics", () => {
  it("answers 401 without credentials, 403 to a worker token, 200 to a viewer token", async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape(await tokenFor(db, "scrape-worker", "worker"))).status).toBe(403);
    const viewer = await scrape(await tokenFor(db, "prometheus", "viewer"));
    expect(viewer.status).toBe(200);
    expect(viewer.text).toContain("# TYPE flowdeck_executions_started_total counter");
  });

  it("counts a completed execution and a failed one with its retry, by workflow, status and task type", async () => {
    const before = (await scrape()).samples;
    expect(valueOf(before, "flowdeck_executions_started_total", { workflow: "metrics-ok" })).toBeUndefined();

    const ok = await start("metrics-ok");
    expect(ok.status).toBe("COMPLETED");
    const failed = await start("metrics-retry");
    expect(failed.status).toBe("FAILED");

    const { samples } = await scrape();
    expect(valueOf(samples, "flowdeck_executions_started_total", { workflow: "metrics-ok" })).toBe(1);
    expect(valueOf(samples, "flowdeck_executions_started_total", { workflow: "metrics-retry" })).toBe(1);
    expect(valueOf(samples, "flowdeck_executions_ended_total", { workflow: "metrics-ok", status: "COMPLETED" })).toBe(1);
    expect(valueOf(samples, "flowdeck_executions_ended_total", { workflow: "metrics-retry", status: "FAILED" })).toBe(1);
    expect(valueOf(samples, "flowdeck_executions_ended_total", { workflow: "metrics-ok", status: "FAILED" })).toBeUndefined();
    expect(valueOf(samples, "flowdeck_execution_duration_seconds_count", { workflow: "metrics-ok", status: "COMPLETED" })).toBe(1);
    const sum = valueOf(samples, "flowdeck_execution_duration_seconds_sum", { workflow: "metrics-ok", status: "COMPLETED" })!;
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(20);
    // Two transforms completed; the failing one's two attempts failed, with one retry between them.
    expect(valueOf(samples, "flowdeck_task_attempt_duration_seconds_count", { workflow: "metrics-ok", task_type: "transform", status: "COMPLETED" })).toBe(2);
    expect(valueOf(samples, "flowdeck_task_attempt_duration_seconds_count", { workflow: "metrics-retry", task_type: "transform", status: "FAILED" })).toBe(2);
    expect(valueOf(samples, "flowdeck_task_retries_total", { workflow: "metrics-retry", task_type: "transform" })).toBe(1);
    expect(valueOf(samples, "flowdeck_task_retries_total", { workflow: "metrics-ok" })).toBeUndefined();
    // The histogram's buckets are cumulative and end with +Inf = count.
    const buckets = samplesOf(samples, "flowdeck_task_attempt_duration_seconds_bucket", { workflow: "metrics-ok", task_type: "transform", status: "COMPLETED" });
    expect(buckets.find((bucket) => bucket.labels.le === "+Inf")?.value).toBe(2);
  });

  it("reports a lease that expired, and the queue of a worker task type nobody polls, from the database", async () => {
    const { startExecution } = await import("@/lib/services/executions");
    const { pollTasks } = await import("@/lib/services/workers");
    const started = await startExecution(db, { workflow: "metrics-lease" }, "test");
    ids.push(started.id);
    // Prepared by the engine, then due for a worker that does not come yet: the queue has it.
    const queued = await waitFor("the worker attempt to be queued", async () => {
      const { samples } = await scrape();
      return valueOf(samples, "flowdeck_attempts_due", { queue: "worker:metrics.lease" }) === 1 ? samples : undefined;
    });
    expect(valueOf(queued, "flowdeck_attempts_due_oldest_age_seconds", { queue: "worker:metrics.lease" })).toBeGreaterThanOrEqual(0);
    expect(valueOf(queued, "flowdeck_attempts_due", { queue: "engine" })).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const older = (await scrape()).samples;
    expect(valueOf(older, "flowdeck_attempts_due_oldest_age_seconds", { queue: "worker:metrics.lease" })).toBeGreaterThanOrEqual(0.3);

    // A worker takes it with a 100 ms lease and goes silent: the reaper times it out.
    const tasks = await pollTasks(db, "sqlite", { taskType: "metrics.lease", workerId: "silent", max: 1, waitMs: 0, leaseMs: 100 });
    expect(tasks).toHaveLength(1);
    ids.push(tasks[0]!.taskId);
    const afterClaim = (await scrape()).samples;
    expect(valueOf(afterClaim, "flowdeck_attempts_due", { queue: "worker:metrics.lease" })).toBeUndefined();
    const samples = await waitFor("the lease expiry to be counted", async () => {
      const { samples } = await scrape();
      return valueOf(samples, "flowdeck_lease_expiries_total", { workflow: "metrics-lease", task_type: "worker" }) === 1 ? samples : undefined;
    });
    expect(valueOf(samples, "flowdeck_task_attempt_duration_seconds_count", { workflow: "metrics-lease", task_type: "worker", status: "TIMED_OUT" })).toBe(1);
    expect(valueOf(samples, "flowdeck_task_timeouts_total", { workflow: "metrics-lease" })).toBeUndefined();
  });

  it("shows the engine's slots, its loop lag, and HTTP durations by route pattern", async () => {
    const { GET: getExecution } = (await import("@/app/api/executions/[executionId]/route")) as { GET: RouteFn };
    const executionId = ids[0]!;
    expect((await callRoute(getExecution, "GET", `/api/executions/${executionId}`, { params: { executionId } })).status).toBe(200);
    expect((await callRoute(getExecution, "GET", `/api/executions/nope`, { params: { executionId: "nope" } })).status).toBe(404);
    const { samples } = await scrape();
    expect(valueOf(samples, "flowdeck_engine_slots")).toBe(7);
    expect(valueOf(samples, "flowdeck_engine_busy_slots")).toBeGreaterThanOrEqual(0);
    expect(valueOf(samples, "flowdeck_engine_info", { engine_id: engine.engineId })).toBe(1);
    expect(valueOf(samples, "flowdeck_engine_loop_lag_seconds_count")).toBeGreaterThan(0);
    expect(valueOf(samples, "flowdeck_sse_connections")).toBe(0);
    const route = "/api/executions/[executionId]";
    expect(valueOf(samples, "flowdeck_http_request_duration_seconds_count", { method: "GET", route, status: "200" })).toBe(1);
    expect(valueOf(samples, "flowdeck_http_request_duration_seconds_count", { method: "GET", route, status: "404" })).toBe(1);
    expect(valueOf(samples, "flowdeck_http_request_duration_seconds_count", { method: "GET", route: "/api/metrics", status: "401" })).toBe(1);
    const routes = new Set(samplesOf(samples, "flowdeck_http_request_duration_seconds_count").map((sample) => sample.labels.route));
    expect([...routes].sort()).toEqual(["/api/executions/[executionId]", "/api/metrics"]);
  });

  it("counts workflows past FLOWDECK_METRICS_MAX_WORKFLOWS (4 here) as _other", async () => {
    for (const name of ["cap-a", "cap-b", "cap-c"]) expect((await start(name)).status).toBe("COMPLETED");
    const { samples } = await scrape();
    // metrics-ok, metrics-retry, metrics-lease and cap-a came first; cap-b and cap-c are _other.
    expect(valueOf(samples, "flowdeck_executions_started_total", { workflow: "cap-a" })).toBe(1);
    expect(valueOf(samples, "flowdeck_executions_started_total", { workflow: "_other" })).toBe(2);
    expect(valueOf(samples, "flowdeck_executions_ended_total", { workflow: "_other", status: "COMPLETED" })).toBe(2);
    const workflows = new Set(samples.map((sample) => sample.labels.workflow).filter((value) => value !== undefined));
    expect([...workflows].sort()).toEqual(["_other", "cap-a", "metrics-lease", "metrics-ok", "metrics-retry"]);
  });

  it("counts an operator's terminate, and nothing of a transaction that rolled back", async () => {
    const { startExecution } = await import("@/lib/services/executions");
    const { terminateExecution } = await import("@/lib/services/operations/lifecycle");
    const { writeTransaction } = await import("@/lib/runtime/writes/transaction");
    const { insertNewExecution, newExecutionRow } = await import("@/lib/runtime/writes/start-execution");
    const before = (await scrape()).samples;
    const started = await startExecution(db, { workflow: "metrics-lease" }, "test");
    ids.push(started.id);
    await waitFor("the attempt to wait for a worker", async () => valueOf((await scrape()).samples, "flowdeck_attempts_due", { queue: "worker:metrics.lease" }) === 1 || undefined);
    expect((await terminateExecution(db, started.id, { actor: "test", reason: "enough" })).status).toBe("TERMINATED");

    const definition = await db.workflowDefinition.findFirstOrThrow({ where: { name: "metrics-lease" }, select: { id: true, name: true, version: true } });
    const row = newExecutionRow({ definition, input: {}, createdBy: "test", now: new Date() });
    await expect(writeTransaction(db, false, async (tx) => {
      await insertNewExecution(tx, row, {});
      throw new Error("rolled back on purpose");
    })).rejects.toThrow("rolled back on purpose");
    expect(await db.execution.findUnique({ where: { id: row.id } })).toBeNull();

    const { samples } = await scrape();
    const startedBefore = valueOf(before, "flowdeck_executions_started_total", { workflow: "metrics-lease" })!;
    expect(valueOf(samples, "flowdeck_executions_started_total", { workflow: "metrics-lease" })).toBe(startedBefore + 1);
    expect(valueOf(samples, "flowdeck_executions_ended_total", { workflow: "metrics-lease", status: "TERMINATED" })).toBe(1);
    expect(valueOf(samples, "flowdeck_execution_duration_seconds_count", { workflow: "metrics-lease", status: "TERMINATED" })).toBe(1);
    expect(valueOf(samples, "flowdeck_attempts_due", { queue: "worker:metrics.lease" })).toBeUndefined();
  });

  it("counts open live event streams", async () => {
    const { GET: events } = (await import("@/app/api/executions/[executionId]/events/route")) as { GET: RouteFn };
    const executionId = ids[0]!;
    const abort = new AbortController();
    const request = new Request(`http://localhost/api/executions/${executionId}/events`, {
      headers: { accept: "text/event-stream", authorization: `Bearer ${process.env.FLOWDECK_ADMIN_TOKEN}` },
      signal: abort.signal,
    });
    // A finished execution's stream ends by itself after its history: open one on a live execution.
    const { startExecution } = await import("@/lib/services/executions");
    const live = await startExecution(db, { workflow: "metrics-lease" }, "test");
    ids.push(live.id);
    const liveRequest = new Request(`http://localhost/api/executions/${live.id}/events`, { headers: request.headers, signal: abort.signal });
    const response = await events(liveRequest, { params: Promise.resolve({ executionId: live.id }) });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    expect(valueOf((await scrape()).samples, "flowdeck_sse_connections")).toBe(1);
    abort.abort();
    await reader.cancel();
    expect(valueOf((await scrape()).samples, "flowdeck_sse_connections")).toBe(0);
    const { terminateExecution } = await import("@/lib/services/operations/lifecycle");
    await terminateExecution(db, live.id, { actor: "test", reason: "done" });
    expect(valueOf((await scrape()).samples, "flowdeck_http_request_duration_seconds_count", { route: "/api/executions/[executionId]/events", status: "200" })).toBe(1);
  });

  it("has no execution or attempt id anywhere in its output", async () => {
    const { text } = await scrape();
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) expect(text, id).not.toContain(id);
    // Nothing that looks like a UUID (execution and attempt ids) either.
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });
});

describe("the queue depth statement on postgresql", () => {
  let h: EngineHarness;
  beforeAll(async () => {
    const { createEngineHarness } = await import("@/tests/helpers/engine");
    h = await createEngineHarness("postgresql");
  }, 60_000);
  afterAll(() => h?.cleanup());

  it("counts due worker attempts and the age of the oldest", async () => {
    const { renderMetrics } = await import("@/lib/metrics/render");
    const { startExecution } = await import("@/lib/services/executions");
    await h.save({ name: "pg-queue", tasks: [{ key: "work", type: "worker", params: { taskType: "metrics.pg" } }] });
    await startExecution(h.db, { workflow: "pg-queue" }, "test");
    await startExecution(h.db, { workflow: "pg-queue" }, "test");
    const samples = await waitFor("two due worker attempts", async () => {
      const samples = parseExposition((await renderMetrics(h.db)).text);
      return valueOf(samples, "flowdeck_attempts_due", { queue: "worker:metrics.pg" }) === 2 ? samples : undefined;
    });
    const age = valueOf(samples, "flowdeck_attempts_due_oldest_age_seconds", { queue: "worker:metrics.pg" })!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(30);
  });
});
