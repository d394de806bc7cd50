// Lock order (issue 10): operators, workers and two engines act on the same executions at once —
// parents with worker tasks, a map of worker items and a child execution — and no transaction is
// ever aborted as a deadlock. Every transaction locks the execution row before its attempts, and a
// parent's execution before its children's, so PostgreSQL never sees two orders. Checked three
// ways: no response is a 500, no log line names a deadlock (40P01, Prisma's P2034) or a busy
// SQLite, and PostgreSQL's own deadlock counter for the database stays at 0.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ZodError } from "zod";
import { createPrismaClient, type Db } from "@/lib/db/client";
import { Engine } from "@/lib/runtime/engine";
import { ServiceError } from "@/lib/services/errors";
import { startExecution } from "@/lib/services/executions";
import { performOperation, type Operation } from "@/lib/services/operations";
import { completeTask, failTask, heartbeat, pollTasks, type WorkerTaskView } from "@/lib/services/workers";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { sleep } from "./engine-task-types.support";

const TASK_TYPE = "lock-order";
const DEADLOCK = /deadlock|40P01|P2034|SQLITE_BUSY|database is locked/i;

const child = {
  name: "lock-order-child",
  tasks: [{ key: "leaf", type: "worker", params: { taskType: TASK_TYPE }, retry: { maximumAttempts: 3, initialIntervalMs: 10 } }],
  output: { leaf: "{% $tasks.leaf.output %}" },
};
const parent = {
  name: "lock-order-parent",
  tasks: [
    { key: "first", type: "worker", params: { taskType: TASK_TYPE }, retry: { maximumAttempts: 3, initialIntervalMs: 10 } },
    { key: "sub", type: "subworkflow", params: { workflow: child.name } },
    {
      key: "fan",
      type: "map",
      params: { items: [1, 2, 3], task: { type: "worker", params: { taskType: TASK_TYPE }, retry: { maximumAttempts: 2, initialIntervalMs: 10 } } },
    },
    { key: "join", type: "transform", dependsOn: ["first", "sub", "fan"], params: { output: "{% $tasks.fan.output %}" } },
  ],
};
const TASK_KEYS = ["first", "sub", "fan", "join"];

type Outcome = { what: string; status: number; message: string };

/** Calls a service the way the API routes do (lib/http/api.ts route()): a ServiceError is its status, anything else a 500. */
async function respond<T>(outcomes: Outcome[], what: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    const result = await call();
    outcomes.push({ what, status: 200, message: "" });
    return result;
  } catch (error) {
    const status = error instanceof ServiceError ? error.httpStatus : error instanceof ZodError ? 400 : 500;
    outcomes.push({ what, status, message: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

async function pgDeadlocks(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_stat_force_next_flush()").catch(() => undefined);
    const result = await client.query<{ deadlocks: string }>("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
    return Number(result.rows[0]?.deadlocks ?? 0);
  } finally {
    await client.end();
  }
}

describe.each(TEST_PROVIDERS)("lock order under concurrent operations, workers and engines on %s", (provider) => {
  let h: EngineHarness;
  let secondDb: Db;
  let secondEngine: Engine;
  const logged: string[] = [];

  beforeAll(async () => {
    h = await createEngineHarness(provider, { pollIntervalMs: 10, timerIntervalMs: 10 });
    // A second engine, on PostgreSQL on its own connection pool as a second process would have. On
    // SQLite on the same client: a second connection in one process would wait for the write lock
    // synchronously, blocking the event loop that must commit the first (two engine processes on
    // one SQLite file: sqlite-two-engines.test.ts).
    secondDb = provider === "postgresql" ? createPrismaClient(h.config, { maxConnections: 4 }) : h.db;
    secondEngine = new Engine(secondDb, provider, { pollIntervalMs: 10, timerIntervalMs: 10 });
    secondEngine.start();
    await h.save(child);
    await h.save(parent);
    for (const level of ["error", "warn"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map((a) => (a instanceof Error ? `${a.name}: ${a.message} ${String((a as { code?: unknown }).code ?? "")}` : String(a))).join(" ")));
    }
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await secondEngine?.stop();
    if (secondDb !== h?.db) await secondDb?.$disconnect();
    await h?.cleanup();
  });

  it("no deadlock, no 500: pause/resume/terminate/retry/rerun/skip against polls, heartbeats, results and decisions", async () => {
    const deadlocksBefore = provider === "postgresql" ? await pgDeadlocks((h.config as { url: string }).url) : 0;
    const outcomes: Outcome[] = [];
    const executions: string[] = [];
    let stop = false;

    const starter = async () => {
      for (let i = 0; i < 300 && !stop; i++) {
        const started = await respond(outcomes, "start", () => startExecution(h.db, { workflow: parent.name }, "test"));
        if (started) executions.push(started.id);
        await sleep(30);
      }
    };
    const handle = async (task: WorkerTaskView, workerId: string) => {
      if (Math.random() < 0.5) await respond(outcomes, "heartbeat", () => heartbeat(h.db, { taskId: task.taskId, workerId, details: { at: Date.now() } }));
      if (Math.random() < 0.2) await respond(outcomes, "fail", () => failTask(h.db, { taskId: task.taskId, workerId, error: { code: "FLAKY", message: "try again" } }));
      else await respond(outcomes, "complete", () => completeTask(h.db, { taskId: task.taskId, workerId, output: { by: workerId } }));
    };
    const worker = async (workerId: string) => {
      while (!stop) {
        const tasks = (await respond(outcomes, "poll", () => pollTasks(h.db, provider, { taskType: TASK_TYPE, workerId, max: 5, waitMs: 100 }))) ?? [];
        await Promise.all(tasks.map((task) => handle(task, workerId)));
      }
    };
    const operator = async () => {
      while (!stop) {
        const family = await h.db.execution.findMany({
          where: { OR: [{ id: { in: executions } }, { parentExecutionId: { in: executions } }] },
          select: { id: true, status: true, parentExecutionId: true },
        });
        if (family.length === 0) {
          await sleep(10);
          continue;
        }
        // Mostly live executions (pause, terminate, skip apply there), some finished ones (retry, rerun).
        const live = family.filter((e) => ["QUEUED", "RUNNING", "PAUSED"].includes(e.status));
        const target = pick(live.length > 0 && Math.random() < 0.7 ? live : family);
        const keys = target.parentExecutionId ? ["leaf"] : TASK_KEYS;
        const operation = pick<Operation>(["pause", "resume", "resume", "terminate", "retry", "rerun", "skip"]);
        const body =
          operation === "terminate" ? { reason: "chaos" } : operation === "rerun" ? { fromTaskKey: pick(keys) } : operation === "skip" ? { taskKey: pick(keys), reason: "chaos" } : {};
        const executionId = target.id;
        await respond(outcomes, operation, () => performOperation(h.db, executionId, operation, body, "operator"));
        // A refusal on SQLite completes without any I/O wait: yield, or this loop starves the timers.
        await sleep(2);
      }
    };

    const running = [starter(), worker("w1"), worker("w2"), worker("w3"), operator(), operator()];
    // At least 8 s of it, and on until the races were exercised (results written and operations
    // applied, checked below) — how many operations land depends on the machine's speed — at most 30 s.
    const count = (what: string, status: number) => outcomes.filter((outcome) => outcome.what === what && outcome.status === status).length;
    const appliedOperations = () => ["pause", "resume", "terminate", "retry", "rerun", "skip"].map((operation) => count(operation, 200));
    const began = Date.now();
    while (Date.now() - began < 30_000 && (Date.now() - began < 8_000 || count("complete", 200) <= 20 || appliedOperations().reduce((a, b) => a + b, 0) < 10)) await sleep(100);
    stop = true;
    await Promise.all(running);

    const failures = outcomes.filter((outcome) => outcome.status >= 500);
    expect(failures).toEqual([]);
    expect(logged.filter((line) => DEADLOCK.test(line))).toEqual([]);
    expect(outcomes.filter((outcome) => DEADLOCK.test(outcome.message))).toEqual([]);
    if (provider === "postgresql") {
      // A backend reports its statistics at most once a second, so this counter can lag (it never
      // over-reports); the responses and logs above are the first check.
      await sleep(1_100);
      expect(await pgDeadlocks((h.config as { url: string }).url)).toBe(deadlocksBefore);
    }
    // It did exercise the races: results were written and operations applied, not only refused.
    expect(count("complete", 200)).toBeGreaterThan(20);
    const applied = appliedOperations();
    expect(applied.reduce((a, b) => a + b, 0), `operations applied (${applied.join(", ")})`).toBeGreaterThanOrEqual(10);
  }, 90_000);

  it("a child's last result and its parent's terminate at once, many times: neither deadlocks", async () => {
    const deadlocksBefore = provider === "postgresql" ? await pgDeadlocks((h.config as { url: string }).url) : 0;
    const outcomes: Outcome[] = [];
    for (let round = 0; round < 20; round++) {
      const { id } = await startExecution(h.db, { workflow: parent.name }, "test");
      // Wait for the child's task to be claimable, then claim it (and whatever else is due).
      let leaf: WorkerTaskView | undefined;
      const claimed: WorkerTaskView[] = [];
      for (let i = 0; i < 200 && !leaf; i++) {
        const tasks = await pollTasks(h.db, provider, { taskType: TASK_TYPE, workerId: "racer", max: 10, waitMs: 50 });
        claimed.push(...tasks);
        leaf = claimed.find((task) => task.taskKey === "leaf" && task.workflowName === child.name);
      }
      expect(leaf, "the child's task was claimed").toBeDefined();
      await Promise.all([
        respond(outcomes, "complete", () => completeTask(h.db, { taskId: leaf!.taskId, workerId: "racer" })),
        respond(outcomes, "terminate", () => performOperation(h.db, id, "terminate", { reason: "race" }, "operator")),
        ...claimed.filter((task) => task !== leaf).map((task) => respond(outcomes, "complete", () => completeTask(h.db, { taskId: task.taskId, workerId: "racer" }))),
      ]);
    }
    expect(outcomes.filter((outcome) => outcome.status >= 500)).toEqual([]);
    expect(logged.filter((line) => DEADLOCK.test(line))).toEqual([]);
    expect(outcomes.filter((outcome) => DEADLOCK.test(outcome.message))).toEqual([]);
    if (provider === "postgresql") {
      await sleep(1_100);
      expect(await pgDeadlocks((h.config as { url: string }).url)).toBe(deadlocksBefore);
    }
  }, 60_000);
});
