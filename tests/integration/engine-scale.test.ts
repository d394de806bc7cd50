// Scale-out on PostgreSQL: three real worker processes (scripts/worker.ts) share one database and
// run 300 executions of a fan-out workflow. Every execution completes, every task completes exactly
// once (attempt 1, one TASK_COMPLETED event), and the work is spread over all three processes.
//
// Nothing in the database records which engine ran an attempt once it has ended (lockedBy is
// cleared and events carry actor "engine"), so the branches are http tasks against a local server
// that maps each incoming connection to the worker process owning its client socket (/proc).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { ownerOfClientPort, ProcessGroup, sleep, type WorkerProcess } from "../helpers/processes";
import { startPgNotify } from "@/lib/runtime/pg-notify";
import { startExecution } from "@/lib/services/executions";
import { saveWorkflow } from "@/lib/services/workflows";

const WORKERS = 3;
const EXECUTIONS = Number(process.env.SCALE_EXECUTIONS ?? 300);
const BRANCHES = 8;

function fanoutWorkflow(port: number) {
  const branches = Array.from({ length: BRANCHES }, (_, i) => ({
    key: `branch_${i + 1}`,
    type: "http",
    dependsOn: ["start"],
    params: { url: `{% 'http://127.0.0.1:${port}/branch/' & $execution.id & '/branch_${i + 1}' %}`, method: "POST", timeoutMs: 20_000 },
  }));
  return {
    name: "scale-fanout",
    description: `start → ${BRANCHES} parallel http branches → join`,
    tasks: [
      { key: "start", type: "transform", params: { output: "{% $input.n %}" } },
      ...branches,
      {
        key: "join",
        type: "transform",
        dependsOn: branches.map((b) => b.key),
        params: { output: `{% $tasks.start.output + $sum([${branches.map((b) => `$tasks.${b.key}.output.body.value`).join(", ")}]) %}` },
      },
    ],
    output: "{% $tasks.join.output %}",
  };
}

describe("three worker processes on one PostgreSQL database", () => {
  let testDb: TestDatabase;
  let server: Server;
  let port = 0;
  const processes = new ProcessGroup();
  let workers: WorkerProcess[] = [];
  /** "<executionId>/<taskKey>" → pids of the processes that called (one entry per call). */
  const callers = new Map<string, number[]>();
  const ownerBySocket = new WeakMap<object, number | null>();
  let stopNotify: (() => Promise<void>) | null = null;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const match = /^\/branch\/([^/]+)\/([^/]+)$/.exec(request.url ?? "");
      if (!match) return void response.writeHead(404).end();
      // Resolved once per connection (kept alive by the worker's fetch pool).
      if (!ownerBySocket.has(request.socket)) ownerBySocket.set(request.socket, ownerOfClientPort(request.socket.remotePort!, workers.map((w) => w.pid)));
      const key = `${match[1]}/${match[2]}`;
      callers.set(key, [...(callers.get(key) ?? []), ownerBySocket.get(request.socket) ?? -1]);
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ value: 1 }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    testDb = await createTestDatabase("postgresql");
    await saveWorkflow(testDb.db, fanoutWorkflow(port), "test");
  });

  afterAll(async () => {
    await stopNotify?.();
    await processes.stopAll(); // throws if a child process survives
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await testDb?.cleanup();
  });

  it(`runs ${EXECUTIONS} fan-out executions, each task exactly once, spread over ${WORKERS} processes`, { timeout: 120_000 }, async () => {
    if (testDb.config.provider !== "postgresql") throw new Error("PostgreSQL only");
    const env = {
      DATABASE_URL: testDb.config.url,
      FLOWDECK_ENGINE_POLL_MS: "100",
      FLOWDECK_HTTP_ALLOWED_HOSTS: `127.0.0.1:${port}`,
      // The engine default (32 attempts in flight per worker) against a pool of 20: waits queue.
      ...(process.env.SCALE_ENGINE_CONCURRENCY ? { FLOWDECK_ENGINE_CONCURRENCY: process.env.SCALE_ENGINE_CONCURRENCY } : {}),
    };
    workers = await Promise.all(Array.from({ length: WORKERS }, (_, i) => processes.startWorker(env, { name: `pg-worker-${i + 1}` })));
    // This process's starts wake the workers through LISTEN/NOTIFY, like a web tier's would.
    stopNotify = await startPgNotify(testDb.config.url);

    const began = Date.now();
    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < EXECUTIONS) {
          const n = next++;
          ids.push((await startExecution(testDb.db, { workflow: "scale-fanout", input: { n } }, "test")).id);
        }
      }),
    );
    for (;;) {
      const open = await testDb.db.execution.count({ where: { status: { in: ["QUEUED", "RUNNING"] } } });
      if (open === 0) break;
      if (Date.now() - began > 100_000) throw new Error(`${open} executions still open; worker output:\n${workers.map((w) => `${w.name}: ${w.log.slice(-1500)}`).join("\n")}`);
      await sleep(200);
    }
    const wallMs = Date.now() - began;
    for (const worker of workers) expect(worker.running, `${worker.name} died:\n${worker.log.slice(-2000)}`).toBe(true);

    const executions = await testDb.db.execution.findMany({ select: { id: true, status: true, input: true, output: true, error: true } });
    expect(executions).toHaveLength(EXECUTIONS);
    for (const execution of executions) {
      expect({ id: execution.id, status: execution.status, error: execution.error }).toEqual({ id: execution.id, status: "COMPLETED", error: null });
      expect(JSON.parse(execution.output!)).toBe((JSON.parse(execution.input!) as { n: number }).n + BRANCHES);
    }

    // Every task exactly once: one attempt, COMPLETED, one TASK_COMPLETED event.
    const tasksPerExecution = BRANCHES + 2;
    const runs = await testDb.db.taskRun.groupBy({ by: ["status", "attempt"], _count: true });
    expect(runs.map((r) => ({ status: r.status, attempt: r.attempt, count: r._count }))).toEqual([{ status: "COMPLETED", attempt: 1, count: EXECUTIONS * tasksPerExecution }]);
    const completedEvents = await testDb.db.executionEvent.groupBy({ by: ["executionId", "taskKey"], where: { type: "TASK_COMPLETED" }, _count: true });
    expect(completedEvents).toHaveLength(EXECUTIONS * tasksPerExecution);
    expect(completedEvents.filter((e) => e._count !== 1)).toEqual([]);

    // Each branch called exactly once (counted by the server), and the work came from all three
    // processes. Who ran an attempt is in the database: an ended attempt keeps the engine id
    // ("engine:<host>:<pid>:<random>") that held it. (The server's /proc lookup of the calling
    // process is only a cross-check: it can miss a socket while file descriptors churn.)
    expect(callers.size).toBe(EXECUTIONS * BRANCHES);
    const perProcess = new Map<number, number>();
    for (const [key, pids] of callers) {
      expect(pids, key).toHaveLength(1);
      perProcess.set(pids[0]!, (perProcess.get(pids[0]!) ?? 0) + 1);
    }
    const ranBy = await testDb.db.taskRun.groupBy({ by: ["lockedBy"], where: { taskKey: { startsWith: "branch_" } }, _count: true });
    const share = workers.map((w) => ranBy.filter((r) => r.lockedBy?.split(":")[2] === String(w.pid)).reduce((sum, r) => sum + r._count, 0));
    console.log(
      `[engine-scale] ${EXECUTIONS} executions in ${wallMs} ms; branch attempts per worker process: ${share.join(", ")}; ` +
        `server saw calls from: ${workers.map((w) => perProcess.get(w.pid) ?? 0).join(", ")} (unattributed ${perProcess.get(-1) ?? 0})`,
    );
    expect(share.reduce((sum, count) => sum + count, 0)).toBe(EXECUTIONS * BRANCHES);
    for (const count of share) expect(count).toBeGreaterThanOrEqual((EXECUTIONS * BRANCHES) / WORKERS / 4);
  });
});
