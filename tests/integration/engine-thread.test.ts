// The server's embedded engine on a thread of its own (lib/server/engine-thread, issue 16). What
// must hold, on both databases: a start on the web thread is taken by the engine thread (its first
// decision step in the same transaction) and a waiting caller hears of the end at once; a change
// made on the web thread (an approval) wakes the engine without waiting for its poll; a start the
// thread refuses is an error here and leaves nothing behind; the thread's metrics are in this
// process's scrape; stop ends the thread and hands starts back to the loop of whatever engine runs.
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/db";
import { renderMetrics } from "@/lib/metrics/render";
import { localEngine } from "@/lib/runtime/local-engine";
import { EngineThread } from "@/lib/server/engine-thread/host";
import { executionView, getExecution, startExecution } from "@/lib/services/executions";
import { performOperation } from "@/lib/services/operations";
import { saveWorkflow } from "@/lib/services/workflows";
import { newExecutionRow } from "@/lib/runtime/writes/start-execution";
import { loadDefinition } from "@/lib/runtime/definitions";
import { engineStore } from "@/lib/runtime/store";
import type { DatabaseConfig } from "@/lib/db/config";

const chain = {
  name: "thread-chain",
  tasks: [
    { key: "a", type: "transform", params: { output: "{% $input.n + 1 %}" } },
    { key: "b", type: "transform", dependsOn: ["a"], params: { output: "{% $tasks.a.output * 2 %}" } },
  ],
  output: "{% $tasks.b.output %}",
};
const gated = {
  name: "thread-gated",
  tasks: [
    { key: "gate", type: "approval", params: { prompt: "go?" } },
    { key: "after", type: "transform", dependsOn: ["gate"], params: { output: "{% 'approved' %}" } },
  ],
  output: "{% $tasks.after.output %}",
};

const databaseUrl = (config: DatabaseConfig) => (config.provider === "sqlite" ? `file:${config.filePath}` : config.url);

describe.each(TEST_PROVIDERS)("the embedded engine on its own thread, on %s", (provider) => {
  let testDb: TestDatabase;
  let thread: EngineThread | null = null;

  // A poll of a minute: anything that finishes within a test's seconds was woken by a signal.
  const startThread = () => {
    thread = new EngineThread(testDb.db, { env: { DATABASE_URL: databaseUrl(testDb.config), FLOWDECK_ENGINE_POLL_MS: "60000" } });
    thread.start();
    return thread;
  };

  afterEach(async () => {
    await thread?.stop({ graceMs: 5_000 });
    thread = null;
    await testDb?.cleanup();
  });

  it("takes a start from this thread and the waiting caller hears of the end at once", async () => {
    testDb = await createTestDatabase(provider);
    await saveWorkflow(testDb.db, chain, "test");
    const engine = startThread();
    expect(localEngine()).toBe(engine);

    const started = Date.now();
    const done = await startExecution(testDb.db, { workflow: "thread-chain", input: { n: 1 }, waitSeconds: 20 }, "test");
    expect(done.status).toBe("COMPLETED");
    expect(done.output).toBe(4);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The chain ended in its start's transaction on the thread: the view came back with the reply,
    // and equals what a read of the database gives.
    const stored = (await (await engineStore(testDb.db)).loadExecution(done.id))!;
    expect(done).toEqual(executionView(stored.execution, stored.runs, []));

    const state = await engine.state();
    expect(state.state).toBe("running");
    expect(state.engineId).not.toBe("engine-thread:starting");
    expect(state.tasks).toBe(2);
    // The attempts ran on the thread's engine: they were locked by its id.
    const attempts = await testDb.db.taskRun.findMany({ where: { executionId: done.id }, orderBy: { taskKey: "asc" }, select: { status: true, lockedBy: true } });
    expect(attempts).toEqual([
      { status: "COMPLETED", lockedBy: state.engineId },
      { status: "COMPLETED", lockedBy: state.engineId },
    ]);
  });

  it("is woken by a change made on this thread (an approval) without waiting for its poll", async () => {
    testDb = await createTestDatabase(provider);
    await saveWorkflow(testDb.db, gated, "test");
    startThread();
    const running = await startExecution(testDb.db, { workflow: "thread-gated", input: {}, waitSeconds: 0 }, "test");
    await expect.poll(async () => (await getExecution(testDb.db, running.id))?.tasks.find((t) => t.taskKey === "gate")?.status, { timeout: 10_000 }).toBe("WAITING");

    await performOperation(testDb.db, running.id, "approve", { taskKey: "gate" }, "user:ada");
    await expect.poll(async () => (await getExecution(testDb.db, running.id))?.status, { timeout: 10_000 }).toBe("COMPLETED");
    expect((await getExecution(testDb.db, running.id))?.output).toBe("approved");
  });

  it("answers a start the thread refuses with its error, and nothing is written", async () => {
    testDb = await createTestDatabase(provider);
    await saveWorkflow(testDb.db, chain, "test");
    const engine = startThread();
    const definitionRow = (await (await engineStore(testDb.db)).findDefinition("thread-chain"))!;
    const definition = await loadDefinition(testDb.db, definitionRow.id);
    // A definition id that does not exist: the thread cannot load it.
    const row = newExecutionRow({ definition: { ...definitionRow, id: "no-such-definition" }, input: { n: 1 }, createdBy: "test", now: new Date() });
    await expect(engine.startNew(row, definition, { workflow: "thread-chain", version: 1 })).rejects.toThrow();
    expect(await testDb.db.execution.count()).toBe(0);
  });

  it("puts the thread's metrics into this process's scrape", async () => {
    testDb = await createTestDatabase(provider);
    await saveWorkflow(testDb.db, chain, "test");
    startThread();
    for (let n = 0; n < 3; n++) await startExecution(testDb.db, { workflow: "thread-chain", input: { n }, waitSeconds: 20 }, "test");
    const { text } = await renderMetrics();
    expect(text).toMatch(/flowdeck_executions_ended_total\{[^}]*workflow="thread-chain"[^}]*\} 3/);
    expect(text).toMatch(/flowdeck_task_attempt_duration_seconds_count\{[^}]*workflow="thread-chain"[^}]*\} [36]/);
    expect(text).toMatch(/flowdeck_engine_slots/);
  });

  it("stops the thread: the engine reports stopped and takes no more starts", async () => {
    testDb = await createTestDatabase(provider);
    await saveWorkflow(testDb.db, chain, "test");
    const engine = startThread();
    await startExecution(testDb.db, { workflow: "thread-chain", input: { n: 1 }, waitSeconds: 20 }, "test");
    const report = await engine.stop({ graceMs: 5_000 });
    expect(report.finished).toBe(true);
    expect((await engine.state()).state).toBe("stopped");
    expect(localEngine()).toBeNull();
    // With no engine, a start is only written; it waits for an engine's claim.
    const queued = await startExecution(testDb.db, { workflow: "thread-chain", input: { n: 2 }, waitSeconds: 0 }, "test");
    expect(queued.status).toBe("QUEUED");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await getExecution(testDb.db, queued.id))?.status).toBe("QUEUED");
  });
});
