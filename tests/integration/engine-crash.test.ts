// Crash safety: a real worker process (scripts/worker.ts) is SIGKILLed while executions are in
// flight, a second worker process takes over, and every execution still completes — no task lost,
// no task run more often than its retry policy allows. Side effects are counted by a local HTTP
// server (one counter per execution and task); attempts are counted in the database.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/db";
import { ProcessGroup, sleep } from "../helpers/processes";
import { startExecution } from "@/lib/services/executions";
import { saveWorkflow } from "@/lib/services/workflows";

const EXECUTIONS = 12;
const HTTP_TASKS = ["call_a", "call_b", "call_c"] as const;
const MAX_ATTEMPTS = 3;
/** How long the test server takes to answer: long enough that a kill lands mid-call. */
const RESPONSE_DELAY_MS = 300;
/** The engine lease (FLOWDECK_ENGINE_LEASE_MS): claims of a killed process free up after this. */
const LEASE_MS = 1500;
/** Generous: workers on a loaded 2-core machine stall for up to ~1 s. An http attempt's lease is
 * max(lease, its timeoutMs + 10 s) (lib/runtime/run-task.ts), so a killed call frees up after 15 s. */
const HTTP_TIMEOUT_MS = 5000;

/** Counts calls per "<executionId>/<taskKey>" and how many are being answered right now. */
class EffectServer {
  readonly calls = new Map<string, number>();
  inFlight = 0;
  total = 0;
  private server: Server | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const match = /^\/effect\/([^/]+)\/([^/]+)$/.exec(request.url ?? "");
      if (!match) {
        response.writeHead(404).end();
        return;
      }
      const key = `${match[1]}/${match[2]}`;
      this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
      this.total++;
      this.inFlight++;
      setTimeout(() => {
        this.inFlight--;
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ task: match[2], value: 1 }));
      }, RESPONSE_DELAY_MS);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function crashWorkflow(port: number) {
  const http = (key: string, dependsOn: string[]) => ({
    key,
    type: "http",
    dependsOn,
    params: { url: `{% 'http://127.0.0.1:${port}/effect/' & $execution.id & '/${key}' %}`, method: "POST", timeoutMs: HTTP_TIMEOUT_MS },
    retry: { maximumAttempts: MAX_ATTEMPTS, initialIntervalMs: 100 },
  });
  return {
    name: "crash-test",
    description: "transforms, a wait and http calls with side effects",
    tasks: [
      { key: "prep", type: "transform", params: { output: "{% $input.n %}" } },
      http("call_a", ["prep"]),
      http("call_b", ["prep"]),
      { key: "pause", type: "wait", dependsOn: ["prep"], params: { durationMs: 400 } },
      {
        key: "sum",
        type: "transform",
        dependsOn: ["call_a", "call_b", "pause"],
        params: { output: "{% $tasks.prep.output + $tasks.call_a.output.body.value + $tasks.call_b.output.body.value %}" },
      },
      http("call_c", ["sum"]),
      { key: "done", type: "transform", dependsOn: ["call_c"], params: { output: "{% $tasks.sum.output + $tasks.call_c.output.body.value %}" } },
    ],
    output: "{% $tasks.done.output %}",
  };
}

describe.each(TEST_PROVIDERS)("a worker process killed mid-execution on %s", (provider) => {
  let testDb: TestDatabase;
  const effects = new EffectServer();
  const processes = new ProcessGroup();

  beforeAll(async () => {
    await effects.start();
    testDb = await createTestDatabase(provider);
    await saveWorkflow(testDb.db, crashWorkflow(effects.port), "test");
  });
  afterEach(async () => {
    await processes.stopAll(); // throws if a child process survives
  });
  afterAll(async () => {
    await processes.stopAll();
    await effects.stop();
    await testDb?.cleanup();
  });

  it("loses no task and runs none more often than its retry policy allows", { timeout: 120_000 }, async () => {
    const { db, config } = testDb;
    // Started before any worker runs (on SQLite a second process writing concurrently would
    // compete for the write lock; the claims and results are what this test is about).
    const ids: string[] = [];
    for (let n = 0; n < EXECUTIONS; n++) ids.push((await startExecution(db, { workflow: "crash-test", input: { n } }, "test")).id);

    const env = {
      DATABASE_URL: config.provider === "sqlite" ? `file:${config.filePath}` : config.url,
      FLOWDECK_ENGINE_LEASE_MS: String(LEASE_MS),
      FLOWDECK_ENGINE_POLL_MS: "50",
      FLOWDECK_HTTP_ALLOWED_HOSTS: `127.0.0.1:${effects.port}`,
    };
    const first = await processes.startWorker(env, { name: `${provider}-worker-1` });
    // Kill while http calls are being answered and before everything is done.
    const deadline = Date.now() + 60_000;
    while (!(effects.inFlight >= 2 && effects.total >= EXECUTIONS)) {
      if (Date.now() > deadline) throw new Error(`no calls in flight (total ${effects.total}):\n${first.log}`);
      await sleep(5);
    }
    const inFlightAtKill = effects.inFlight;
    const killedAt = new Date();
    first.kill("SIGKILL");
    expect(await first.exited).toMatchObject({ signal: "SIGKILL" });
    const unfinished = await db.execution.count({ where: { id: { in: ids }, status: { notIn: ["COMPLETED", "FAILED", "TERMINATED", "TIMED_OUT"] } } });
    expect(unfinished).toBeGreaterThan(0);

    const second = await processes.startWorker(env, { name: `${provider}-worker-2` });
    const finishBy = Date.now() + 90_000;
    for (;;) {
      const open = await db.execution.count({ where: { id: { in: ids }, status: { in: ["QUEUED", "RUNNING"] } } });
      if (open === 0) break;
      if (Date.now() > finishBy) throw new Error(`${open} executions still open after the restart:\n${second.log.slice(-3000)}`);
      await sleep(100);
    }
    expect(second.running).toBe(true);

    const executions = await db.execution.findMany({ where: { id: { in: ids } }, include: { taskRuns: true, events: true } });
    expect(executions).toHaveLength(EXECUTIONS);
    let leaseExpired = 0;
    const otherFailures: string[] = [];
    for (const execution of executions) {
      const n = JSON.parse(execution.input!) as { n: number };
      const story = () =>
        execution.taskRuns
          .sort((a, b) => (a.scheduledAt?.getTime() ?? 0) - (b.scheduledAt?.getTime() ?? 0))
          .map((r) => `${r.taskKey}#${r.attempt} ${r.status} scheduled ${r.scheduledAt?.toISOString()} started ${r.startedAt?.toISOString()} ended ${r.endedAt?.toISOString()} ${r.error ?? ""}`)
          .join("\n");
      expect({ id: execution.id, status: execution.status, error: execution.error }, `killed at ${killedAt.toISOString()}\n${story()}`).toEqual({ id: execution.id, status: "COMPLETED", error: null });
      expect(JSON.parse(execution.output!)).toBe(n.n + 3);
      for (const taskKey of ["prep", "call_a", "call_b", "pause", "sum", "call_c", "done"]) {
        const attempts = execution.taskRuns.filter((run) => run.taskKey === taskKey).sort((a, b) => a.attempt - b.attempt);
        const where = `${execution.id}/${taskKey}`;
        // Not lost: exactly one attempt completed, and it is the last one.
        expect(attempts.filter((a) => a.status === "COMPLETED").map((a) => a.attempt), where).toEqual([attempts.length]);
        expect(execution.events.filter((e) => e.type === "TASK_COMPLETED" && e.taskKey === taskKey), where).toHaveLength(1);
        const isHttp = (HTTP_TASKS as readonly string[]).includes(taskKey);
        // Within the retry policy: built-in tasks without side effects are re-claimed, not retried.
        expect(attempts.length, where).toBeLessThanOrEqual(isHttp ? MAX_ATTEMPTS : 1);
        // Earlier attempts ended without a result: lost with the killed process (lease expired),
        // or failed (e.g. the call timed out on a loaded machine) and were retried per the policy.
        for (const failed of attempts.slice(0, -1)) {
          expect(["TIMED_OUT", "FAILED"], `${where}: ${failed.status} ${failed.error}`).toContain(failed.status);
          if ((JSON.parse(failed.error!) as { code: string }).code === "LEASE_EXPIRED") leaseExpired++;
          else otherFailures.push(`${where}#${failed.attempt}: ${failed.error}`);
        }
        if (isHttp) {
          // Each side effect belongs to one attempt; an attempt makes at most one call.
          const calls = effects.calls.get(where) ?? 0;
          expect(calls, where).toBeGreaterThanOrEqual(1);
          expect(calls, where).toBeLessThanOrEqual(attempts.length);
        }
      }
    }
    // The kill hit calls in flight: those attempts expired and were retried, never lost.
    expect(leaseExpired).toBeGreaterThanOrEqual(inFlightAtKill);
    if (otherFailures.length > 0) console.warn(`[${provider}] attempts that failed for other reasons (retried):\n${otherFailures.join("\n")}`);
    expect([...effects.calls.values()].reduce((a, b) => a + b, 0)).toBe(effects.total);
  });
});
