// Graceful shutdown (issue 11, point 4): a real engine process gets SIGTERM while an http call is
// in flight, exits within FLOWDECK_SHUTDOWN_GRACE_MS, and leaves nothing to a lease: the call
// either finishes within the grace (its attempt completed) or is abandoned as ENGINE_SHUTDOWN and
// retried at once by the next engine. The engine lease is 30 s, far longer than any wait here, so
// an attempt left behind with a lease would make the second engine's run time out.
// A worker's expression pool (lib/pool) runs under tsx and its threads end with it.
// Processes: scripts/worker.ts, and tests/helpers/embedded-engine.ts (what instrumentation.ts
// runs inside `next start`: lib/server/bootstrap.ts, the same shutdown handlers, without a build).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/db";
import { ProcessGroup, sleep, type ManagedProcess } from "../helpers/processes";
import { startExecution } from "@/lib/services/executions";
import { saveWorkflow } from "@/lib/services/workflows";

const LEASE_MS = 30_000;
const EXECUTIONS = 3;
const LIVE = ["PENDING", "SCHEDULED", "RETRYING", "RUNNING", "WAITING"];

/** Counts calls per "<executionId>/<taskKey>"; the first call of `slow` takes `slowMs`, others 20 ms. */
class EffectServer {
  readonly calls = new Map<string, number>();
  inFlight = 0;
  slowMs = 0;
  private server: Server | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const match = /^\/effect\/([^/]+)\/([^/]+)$/.exec(request.url ?? "");
      if (!match) return void response.writeHead(404).end();
      const key = `${match[1]}/${match[2]}`;
      const count = (this.calls.get(key) ?? 0) + 1;
      this.calls.set(key, count);
      this.inFlight++;
      const delay = match[2] === "slow" && count === 1 ? this.slowMs : 20;
      const timer = setTimeout(() => {
        this.inFlight--;
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ value: 1 }));
      }, delay);
      request.on("close", () => {
        if (!response.writableEnded) {
          clearTimeout(timer);
          this.inFlight--;
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function workflow(name: string, port: number) {
  const http = (key: string, dependsOn: string[]) => ({
    key,
    type: "http",
    dependsOn,
    params: { url: `{% 'http://127.0.0.1:${port}/effect/' & $execution.id & '/${key}' %}`, method: "POST", timeoutMs: 20_000 },
    retry: { maximumAttempts: 3, initialIntervalMs: 50 },
  });
  return { name, tasks: [http("slow", []), http("after", ["slow"])] };
}

describe.each(TEST_PROVIDERS)("graceful shutdown on %s", (provider) => {
  let testDb: TestDatabase;
  const effects = new EffectServer();
  const processes = new ProcessGroup();
  let counter = 0;

  beforeAll(async () => {
    await effects.start();
    testDb = await createTestDatabase(provider);
  });
  afterEach(() => processes.stopAll());
  afterAll(async () => {
    await processes.stopAll();
    await effects.stop();
    await testDb?.cleanup();
  });

  function env(graceMs: number) {
    const { config } = testDb;
    return {
      DATABASE_URL: config.provider === "sqlite" ? `file:${config.filePath}` : config.url,
      FLOWDECK_ENGINE_LEASE_MS: String(LEASE_MS),
      FLOWDECK_ENGINE_POLL_MS: "50",
      FLOWDECK_SHUTDOWN_GRACE_MS: String(graceMs),
      FLOWDECK_HTTP_ALLOWED_HOSTS: `127.0.0.1:${effects.port}`,
    };
  }

  async function startAll(): Promise<string[]> {
    const name = `shutdown-${++counter}`;
    await saveWorkflow(testDb.db, workflow(name, effects.port), "test");
    const ids: string[] = [];
    for (let n = 0; n < EXECUTIONS; n++) ids.push((await startExecution(testDb.db, { workflow: name, input: {} }, "test")).id);
    return ids;
  }

  /** Sends SIGTERM once `inFlight` calls are being answered; resolves with how long the process took to exit. */
  async function terminateMidCall(proc: ManagedProcess, graceMs: number, inFlight = 1): Promise<number> {
    const deadline = Date.now() + 30_000;
    while (effects.inFlight < inFlight) {
      if (Date.now() > deadline) throw new Error(`no call in flight:\n${proc.log}`);
      await sleep(5);
    }
    const sentAt = Date.now();
    proc.kill("SIGTERM");
    const exit = await Promise.race([proc.exited, sleep(graceMs + 5_000).then(() => null)]);
    expect(exit, `did not exit within the grace:\n${proc.log}`).toEqual({ code: 0, signal: null });
    return Date.now() - sentAt;
  }

  /** A second engine finishes everything, far sooner than any lease could expire. */
  async function finishWithSecondWorker(ids: string[]) {
    await processes.startWorker(env(10_000), { name: `${provider}-second` });
    const finishBy = Date.now() + LEASE_MS / 2;
    for (;;) {
      const open = await testDb.db.execution.count({ where: { id: { in: ids }, status: { in: ["QUEUED", "RUNNING"] } } });
      if (open === 0) break;
      if (Date.now() > finishBy) throw new Error(`${open} executions still open: something waits for a lease`);
      await sleep(100);
    }
    const executions = await testDb.db.execution.findMany({ where: { id: { in: ids } }, include: { taskRuns: true, events: true } });
    for (const execution of executions) {
      expect(execution.status, execution.error ?? "").toBe("COMPLETED");
      for (const key of ["slow", "after"]) {
        const attempts = execution.taskRuns.filter((run) => run.taskKey === key).sort((a, b) => a.attempt - b.attempt);
        expect(attempts.filter((a) => a.status === "COMPLETED").map((a) => a.attempt), key).toEqual([attempts.length]);
        expect(execution.events.filter((e) => e.type === "TASK_COMPLETED" && e.taskKey === key)).toHaveLength(1);
      }
    }
    return executions;
  }

  it("a worker lets a running http call finish within the grace, then exits; the next engine does the rest", { timeout: 90_000 }, async () => {
    effects.slowMs = 1_500;
    const ids = await startAll();
    const first = await processes.startWorker(env(8_000), { name: `${provider}-first` });
    const took = await terminateMidCall(first, 8_000);
    expect(took).toBeLessThan(8_000 + 1_000);
    expect(first.log).toMatch(/\[worker\] stopped in \d+ ms: every attempt in flight finished/);
    // The calls in flight finished and were recorded by the stopping engine.
    const slowDone = await testDb.db.taskRun.count({ where: { executionId: { in: ids }, taskKey: "slow", status: "COMPLETED", attempt: 1 } });
    expect(slowDone).toBeGreaterThanOrEqual(1);
    // Nothing live is left claimed by the stopped engine (an ended attempt keeps its holder as history).
    expect(await testDb.db.taskRun.count({ where: { executionId: { in: ids }, lockedBy: first.engineId, status: { in: LIVE } } })).toBe(0);
    await finishWithSecondWorker(ids);
    for (const id of ids) for (const key of ["slow", "after"]) expect(effects.calls.get(`${id}/${key}`), `${id}/${key}`).toBe(1);
  });

  it("a worker abandons a call that outlasts the grace as ENGINE_SHUTDOWN; it is retried at once", { timeout: 90_000 }, async () => {
    effects.slowMs = 25_000;
    const ids = await startAll();
    const first = await processes.startWorker(env(1_500), { name: `${provider}-first` });
    // Every first (25 s) call in flight, so none is left for the second engine to make slowly.
    const took = await terminateMidCall(first, 1_500, EXECUTIONS);
    // The grace, then at most 2 s for the abandoned calls to record their outcome.
    expect(took).toBeLessThan(1_500 + 2_000 + 1_000);
    expect(first.log).toMatch(/abandoned \(ENGINE_SHUTDOWN\)/);
    const abandoned = await testDb.db.taskRun.findMany({ where: { executionId: { in: ids }, taskKey: "slow", attempt: 1, status: "FAILED" } });
    expect(abandoned).toHaveLength(EXECUTIONS);
    for (const run of abandoned) expect((JSON.parse(run.error!) as { code: string }).code).toBe("ENGINE_SHUTDOWN");
    expect(await testDb.db.taskRun.count({ where: { executionId: { in: ids }, lockedBy: first.engineId, status: { in: LIVE } } })).toBe(0);
    const executions = await finishWithSecondWorker(ids);
    for (const execution of executions) {
      const slow = execution.taskRuns.filter((run) => run.taskKey === "slow");
      // Abandoned calls were retried once; their first call may have had its effect (as in a crash).
      expect(slow.map((run) => run.status).sort()).toEqual(["COMPLETED", "FAILED"]);
      expect(effects.calls.get(`${execution.id}/slow`)).toBe(2);
      expect(effects.calls.get(`${execution.id}/after`)).toBe(1);
    }
  });

  it("a worker (npm run worker, under tsx) evaluates on its expression pool's threads; SIGTERM ends them with the engine", { timeout: 90_000 }, async () => {
    const name = `pooled-${++counter}`;
    await saveWorkflow(testDb.db, {
      name,
      tasks: [
        { key: "mapped", type: "transform", params: { output: "{% $map($input.values, function($v) { $v * 2 }) %}" } },
        { key: "spin", type: "transform", params: { output: "{% $sum([1..50000].($sum([1..50000]))) %}" } },
      ],
    }, "test");
    const { id } = await startExecution(testDb.db, { workflow: name, input: { values: [1, 2, 3] } }, "test");
    const worker = await processes.startWorker(env(5_000), { name: `${provider}-pooled` });
    const finishBy = Date.now() + 30_000;
    while ((await testDb.db.execution.count({ where: { id, status: { in: ["QUEUED", "RUNNING"] } } })) > 0) {
      if (Date.now() > finishBy) throw new Error(`the execution did not end:\n${worker.log}`);
      await sleep(100);
    }
    const runs = await testDb.db.taskRun.findMany({ where: { executionId: id } });
    expect(JSON.parse(runs.find((run) => run.taskKey === "mapped")!.output!)).toEqual([2, 4, 6]);
    expect(JSON.parse(runs.find((run) => run.taskKey === "spin")!.error!)).toMatchObject({ code: "EXPRESSION_ERROR", details: { code: "expression_timeout" } });
    worker.kill("SIGTERM");
    const exit = await Promise.race([worker.exited, sleep(10_000).then(() => null)]);
    expect(exit, worker.log).toEqual({ code: 0, signal: null });
    expect(worker.log).toMatch(/\[worker\] stopped in \d+ ms/);
  });

  it("the embedded engine (bootstrap, as in next start) ends long polls at once and stops within the grace", { timeout: 90_000 }, async () => {
    effects.slowMs = 1_500;
    const ids = await startAll();
    const server = processes.spawn(["--import", "tsx", "tests/helpers/embedded-engine.ts"], { name: `${provider}-embedded`, env: { ...env(8_000), FLOWDECK_DATA_DIR: undefined } });
    await server.waitForOutput(/\[embedded\] ready/, 60_000);
    const took = await terminateMidCall(server, 8_000);
    expect(took).toBeLessThan(8_000 + 1_000);
    // The 120 s long poll answered (empty) on the shutdown signal, before the process exited.
    expect(server.log).toMatch(/\[embedded\] long poll ended after \d+ ms with 0 tasks/);
    expect(server.log).toMatch(/\[flowdeck\] stopped in \d+ ms: every attempt in flight finished/);
    await finishWithSecondWorker(ids);
    for (const id of ids) for (const key of ["slow", "after"]) expect(effects.calls.get(`${id}/${key}`), `${id}/${key}`).toBe(1);
  });
});
