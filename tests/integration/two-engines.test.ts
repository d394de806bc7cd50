// Two engine processes on one database (issue 10, "second SQLite writer"): two real
// scripts/worker.ts processes run executions while this process starts more — three processes
// writing at once. On SQLite every transaction starts with BEGIN IMMEDIATE (lib/db/client.ts for
// Prisma's transactions, lib/runtime/store.ts for the engine's own; single statements take the
// write lock when they start), so a second writer waits for the lock (busy_timeout) instead of
// failing with SQLITE_BUSY_SNAPSHOT. Every execution completes, every task has exactly one attempt
// and it completed, both engines did work, and no process logged a busy or locked database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/db";
import { ProcessGroup, sleep } from "../helpers/processes";
import { startExecution } from "@/lib/services/executions";
import { completeTask, pollTasks } from "@/lib/services/workers";
import { saveWorkflow } from "@/lib/services/workflows";

const EXECUTIONS = 60;
const ITEMS = 4;
const BUSY = /SQLITE_BUSY|database is locked|deadlock|40P01|P2034/i;

const workflow = {
  name: "two-engines",
  tasks: [
    { key: "prep", type: "transform", params: { output: "{% $input.n %}" } },
    { key: "fan", type: "map", dependsOn: ["prep"], params: { items: [1, 2, 3, 4], task: { type: "transform", params: { output: "{% $item * 10 %}" } } } },
    { key: "pause", type: "wait", dependsOn: ["prep"], params: { durationMs: 30 } },
    // Polled by this process: a limited claim is a transaction that reads (counts) before it writes.
    { key: "work", type: "worker", dependsOn: ["prep"], params: { taskType: "two-engines", concurrencyLimit: 8 } },
    { key: "child", type: "subworkflow", dependsOn: ["prep"], params: { workflow: "two-engines-child", input: { n: "{% $input.n %}" } } },
    {
      key: "sum",
      type: "transform",
      dependsOn: ["fan", "pause", "child", "work"],
      params: { output: "{% $tasks.prep.output + $tasks.fan.output.success.`3` + $tasks.child.output.double.doubled %}" },
    },
  ],
  output: "{% $tasks.sum.output %}",
};
const childWorkflow = { name: "two-engines-child", tasks: [{ key: "double", type: "transform", params: { output: { doubled: "{% $input.n * 2 %}" } } }] };

describe.each(TEST_PROVIDERS)("two engine processes on one %s database", (provider) => {
  let testDb: TestDatabase;
  const processes = new ProcessGroup();

  beforeAll(async () => {
    testDb = await createTestDatabase(provider);
    await saveWorkflow(testDb.db, childWorkflow, "test");
    await saveWorkflow(testDb.db, workflow, "test");
  });
  afterAll(async () => {
    await processes.stopAll();
    await testDb?.cleanup();
  });

  it("every execution completes, every task once, no busy database", { timeout: 180_000 }, async () => {
    const { db, config } = testDb;
    const env = { DATABASE_URL: config.provider === "sqlite" ? `file:${config.filePath}` : config.url, FLOWDECK_ENGINE_POLL_MS: "20" };
    const engines = await Promise.all([1, 2].map((i) => processes.startWorker(env, { name: `${provider}-engine-${i}` })));

    // This process is a third writer, as the web tier is: it starts executions while both engines
    // run, serves worker polls and results, and saves workflow versions (transactions that read first).
    const ids: string[] = [];
    const errors: string[] = [];
    let done = false;
    const guard = (what: string) => (error: unknown) => void errors.push(`${what}: ${(error as Error).message}`);
    const worker = async (workerId: string) => {
      while (!done) {
        const tasks = await pollTasks(db, provider, { taskType: "two-engines", workerId, max: 4, waitMs: 100 }).catch(guard("poll"));
        for (const task of tasks ?? []) await completeTask(db, { taskId: task.taskId, workerId, output: { by: workerId } }).catch(guard("complete"));
      }
    };
    const saver = async () => {
      for (let version = 2; !done; version++) {
        await saveWorkflow(db, { ...childWorkflow, name: "two-engines-other", description: `version ${version}` }, "test").catch(guard("save"));
        await sleep(20);
      }
    };
    const helpers = [worker("w1"), worker("w2"), worker("w3"), saver()];
    try {
      for (let n = 0; n < EXECUTIONS; n++) {
        const started = await startExecution(db, { workflow: workflow.name, input: { n } }, "test").catch(guard("start"));
        if (started) ids.push(started.id);
        if (n % 10 === 9) await sleep(50);
      }
      const finishBy = Date.now() + 120_000;
      for (;;) {
        const open = await db.execution.count({ where: { OR: [{ id: { in: ids } }, { parentExecutionId: { in: ids } }], status: { in: ["QUEUED", "RUNNING"] } } });
        if (open === 0) break;
        if (Date.now() > finishBy) throw new Error(`${open} executions still open:\n${engines.map((e) => e.log.slice(-2000)).join("\n")}`);
        await sleep(100);
      }
    } finally {
      done = true;
      await Promise.all(helpers);
    }
    expect(errors).toEqual([]);

    for (const engine of engines) {
      expect(engine.running, `${engine.name} still runs`).toBe(true);
      expect(engine.log.split("\n").filter((line) => BUSY.test(line) || /failed|error/i.test(line)), engine.name).toEqual([]);
    }
    const executions = await db.execution.findMany({ where: { id: { in: ids } }, include: { taskRuns: true, events: true } });
    expect(executions).toHaveLength(EXECUTIONS);
    const children = await db.execution.findMany({ where: { parentExecutionId: { in: ids } }, include: { taskRuns: true } });
    const withChild = new Set(children.map((child) => child.parentExecutionId));
    const orphans = executions.filter((execution) => !withChild.has(execution.id));
    const failedRuns = executions.flatMap((execution) => execution.taskRuns.filter((run) => run.status !== "COMPLETED").map((run) => `${execution.id} ${run.taskKey}[${run.mapIndex}] ${run.status} ${run.error}`));
    expect(failedRuns, "attempts that did not complete").toEqual([]);
    expect(
      orphans.map((execution) => `${execution.id} ${execution.status}: ${execution.taskRuns.map((run) => `${run.taskKey}[${run.mapIndex}] ${run.status} ${run.output ?? "-"} ${run.error ?? ""}`).join("; ")}`),
      "executions without a child execution",
    ).toEqual([]);
    expect(children.map((child) => `${child.status} ${child.error ?? ""}`.trim())).toEqual(Array(EXECUTIONS).fill("COMPLETED"));
    for (const child of children) expect(child.taskRuns.map((run) => `${run.taskKey}#${run.attempt} ${run.status}`)).toEqual(["double#1 COMPLETED"]);
    for (const execution of executions) {
      const n = (JSON.parse(execution.input!) as { n: number }).n;
      // On a mismatch, say what every task ended with (the output mapping reads sum, which reads prep, fan and child).
      const ended = execution.taskRuns.map((run) => `${run.taskKey}[${run.mapIndex}]#${run.attempt} ${run.status} ${run.output ?? "-"}`).sort().join("; ");
      expect({ status: execution.status, error: execution.error, output: JSON.parse(execution.output ?? "null") }, `${execution.id}: ${ended}`).toEqual({ status: "COMPLETED", error: null, output: n + 40 + 2 * n });
      const slots = execution.taskRuns.map((run) => `${run.taskKey}[${run.mapIndex}]#${run.attempt} ${run.status}`).sort();
      const expected = ["child[-1]#1 COMPLETED", "fan[-1]#1 COMPLETED", ...Array.from({ length: ITEMS }, (_, i) => `fan[${i}]#1 COMPLETED`), "pause[-1]#1 COMPLETED", "prep[-1]#1 COMPLETED", "sum[-1]#1 COMPLETED", "work[-1]#1 COMPLETED"].sort();
      expect(slots, execution.id).toEqual(expected);
      const completions = execution.events.filter((event) => event.type === "TASK_COMPLETED").map((event) => `${event.taskKey}[${event.mapIndex ?? -1}]`).sort();
      expect(completions, execution.id).toEqual(expected.map((slot) => slot.split("#")[0]!).sort());
    }
    // Both engines ran attempts (an ended attempt keeps lockedBy as the record of who ran it).
    const ranBy = new Set((await db.taskRun.findMany({ where: { executionId: { in: ids }, lockedBy: { not: null } }, select: { lockedBy: true } })).map((run) => run.lockedBy));
    for (const engine of engines) expect(ranBy.has(engine.engineId), `${engine.engineId} ran attempts`).toBe(true);
  });
});
