// An engine worker process (scripts/worker.ts) serves its own metrics at GET /metrics on
// FLOWDECK_METRICS_PORT, with the API's credentials (a viewer token, checked against the
// database): it counts what its engine committed, and leaves the database-wide queue gauges to
// /api/metrics. A real worker process on a real SQLite file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { tokenFor } from "@/tests/helpers/api";
import { parseExposition, valueOf } from "@/tests/helpers/prometheus";
import { freePort, ProcessGroup, type WorkerProcess } from "@/tests/helpers/processes";
import { saveWorkflow } from "@/lib/services/workflows";
import { startExecution } from "@/lib/services/executions";
import { waitForEnd } from "./engine-task-types.support";

describe("a worker process's metrics port", () => {
  let testDb: TestDatabase;
  const processes = new ProcessGroup();
  let worker: WorkerProcess;
  let url: string;
  let token: string;

  beforeAll(async () => {
    testDb = await createTestDatabase("sqlite");
    token = await tokenFor(testDb.db, "prometheus", "viewer");
    await saveWorkflow(testDb.db, { name: "worker-metrics", tasks: [{ key: "a", type: "transform", params: { output: 1 } }] }, "test");
    const port = await freePort();
    url = `http://127.0.0.1:${port}/metrics`;
    if (testDb.config.provider !== "sqlite") throw new Error("sqlite expected");
    worker = await processes.startWorker({
      DATABASE_URL: `file:${testDb.config.filePath}`,
      FLOWDECK_ENGINE_POLL_MS: "20",
      FLOWDECK_ENGINE_CONCURRENCY: "5",
      FLOWDECK_METRICS_PORT: String(port),
      FLOWDECK_METRICS_HOST: "127.0.0.1",
    });
  }, 90_000);
  afterAll(async () => {
    await processes.stopAll();
    await testDb?.cleanup();
  });

  it("wants a viewer token, and counts what its engine ran", { timeout: 60_000 }, async () => {
    expect(worker.log).toContain(`metrics at http://127.0.0.1:`);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: "Bearer fdk_not_a_token" } })).status).toBe(401);
    expect((await fetch(url.replace("/metrics", "/other"), { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);

    const started = await startExecution(testDb.db, { workflow: "worker-metrics" }, "test");
    expect((await waitForEnd(testDb.db, started.id)).status).toBe("COMPLETED");
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    const samples = parseExposition(text);
    // The worker's engine decided and ran it: it counts the end, not the start (this process made it).
    expect(valueOf(samples, "flowdeck_executions_ended_total", { workflow: "worker-metrics", status: "COMPLETED" })).toBe(1);
    expect(valueOf(samples, "flowdeck_executions_started_total", { workflow: "worker-metrics" })).toBeUndefined();
    expect(valueOf(samples, "flowdeck_task_attempt_duration_seconds_count", { workflow: "worker-metrics", task_type: "transform", status: "COMPLETED" })).toBe(1);
    expect(valueOf(samples, "flowdeck_engine_slots")).toBe(5);
    expect(valueOf(samples, "flowdeck_engine_info", { engine_id: worker.engineId })).toBe(1);
    expect(valueOf(samples, "process_cpu_seconds_total")).toBeGreaterThan(0);
    // The queue depth is the database's, reported once by /api/metrics.
    expect(valueOf(samples, "flowdeck_attempts_due")).toBeUndefined();
    expect(text).not.toContain(started.id);
  });
});
