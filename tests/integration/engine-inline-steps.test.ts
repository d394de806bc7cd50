// Steps run ahead in one transaction (lib/runtime/writes/decision-step.ts, issue 16): transforms an
// engine claimed are evaluated and recorded, with the next decision, before the commit. What must
// hold, on both databases: every attempt keeps its own row and events, in the same order and with
// the same outcome as when a runner records them one transaction each (inlineSteps: 0); the
// execution row is written once for the steps run ahead (its version shows how many transactions
// moved it); a broken expression fails its task exactly as a runner fails it; the limit per
// transaction holds and the rest goes on through the usual path; expressions that could loop and
// other task types are never run ahead.
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/db";
import { Engine } from "@/lib/runtime/engine";
import { executionView, listExecutionEvents, startExecution, type ExecutionView } from "@/lib/services/executions";
import { engineStore } from "@/lib/runtime/store";
import { saveWorkflow } from "@/lib/services/workflows";

const chainOf = (name: string, length: number, last?: Record<string, unknown>) => ({
  name,
  tasks: Array.from({ length }, (_, i) =>
    i === 0
      ? { key: "s1", type: "transform", params: { output: "{% $input.n %}" } }
      : { key: `s${i + 1}`, type: "transform", dependsOn: [`s${i}`], params: { output: `{% $tasks.s${i}.output + 1 %}` }, ...(i === length - 1 ? last : {}) },
  ),
  output: `{% $tasks.s${length}.output %}`,
});

/** A payload with its moments (TASK_STARTED's startedAt, TASK_RETRY_SCHEDULED's runAt) replaced by their type. */
const withoutTimes = (payload: unknown) => {
  if (!payload || typeof payload !== "object") return payload;
  const copy: Record<string, unknown> = { ...payload };
  for (const key of ["startedAt", "runAt"]) if (key in copy) copy[key] = typeof copy[key];
  return copy;
};

describe.each(TEST_PROVIDERS)("steps run ahead in one transaction on %s", (provider) => {
  let testDb: TestDatabase;
  let engine: Engine | null = null;
  const startEngine = (options: ConstructorParameters<typeof Engine>[2] = {}) => {
    engine = new Engine(testDb.db, provider, { pollIntervalMs: 25, timerIntervalMs: 20, takeLocalStarts: true, ...options });
    engine.start();
    return engine;
  };
  afterEach(async () => {
    await engine?.stop();
    engine = null;
    await testDb?.cleanup();
  });

  /** What a run left that must not depend on running ahead: rows and events without ids and times. */
  async function shapeOf(execution: ExecutionView) {
    const events = await listExecutionEvents(testDb.db, execution.id);
    return {
      status: execution.status,
      output: execution.output,
      error: execution.error,
      attempts: execution.tasks.map((task) => ({ key: task.taskKey, status: task.status, attempts: task.attempts.map((a) => ({ attempt: a.attempt, status: a.status, output: a.output, error: a.error, started: a.startedAt !== null, ended: a.endedAt !== null })) })),
      events: events.map((event) => [event.type, event.taskKey, withoutTimes(event.payload), event.reason]),
    };
  }

  async function versionOf(id: string) {
    return (await testDb.db.execution.findUniqueOrThrow({ where: { id }, select: { version: true } })).version;
  }

  it("a chain of transforms leaves the same rows and events as one transaction per task, and moves the execution once", async () => {
    testDb = await createTestDatabase(provider);
    await saveWorkflow(testDb.db, chainOf("inline-chain", 10), "test");

    startEngine({ inlineSteps: 0 });
    const stepwise = await startExecution(testDb.db, { workflow: "inline-chain", input: { n: 1 }, waitSeconds: 20 }, "test");
    await engine!.stop();
    const ahead = startEngine();
    const inline = await startExecution(testDb.db, { workflow: "inline-chain", input: { n: 1 }, waitSeconds: 20 }, "test");

    expect(inline.status).toBe("COMPLETED");
    expect(inline.output).toBe(10);
    expect(await shapeOf(inline)).toEqual(await shapeOf(stepwise));
    // One transaction per task moved the version 11 times or more; running ahead, the start's
    // transaction took the whole chain (the insert, the guarded step, one write for the rest).
    expect(await versionOf(stepwise.id)).toBeGreaterThanOrEqual(11);
    expect(await versionOf(inline.id)).toBe(2);
    const rows = await testDb.db.taskRun.findMany({ where: { executionId: inline.id }, select: { status: true, lockedBy: true, leaseExpiresAt: true } });
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row).toEqual({ status: "COMPLETED", lockedBy: ahead.engineId, leaseExpiresAt: null });
    // Each ran on this engine, counted as run.
    expect(ahead.state().tasks).toBe(10);
    // It ended in the start's transaction, so the waiting start answered from what the engine
    // stored, without reading: the same view as a read of the database gives.
    const stored = (await (await engineStore(testDb.db)).loadExecution(inline.id))!;
    expect(inline).toEqual(executionView(stored.execution, stored.runs, []));
  });

  it("a broken expression fails its task as a runner fails it (same error, same events)", async () => {
    testDb = await createTestDatabase(provider);
    // A syntax error is refused at save; an evaluation error is not: a function given the wrong type.
    await saveWorkflow(testDb.db, chainOf("inline-broken", 3, { params: { output: "{% $uppercase($tasks.s2.output) %}" } }), "test");

    startEngine({ inlineSteps: 0 });
    const stepwise = await startExecution(testDb.db, { workflow: "inline-broken", input: { n: 1 }, waitSeconds: 20 }, "test");
    await engine!.stop();
    startEngine();
    const inline = await startExecution(testDb.db, { workflow: "inline-broken", input: { n: 1 }, waitSeconds: 20 }, "test");

    expect(inline.status).toBe("FAILED");
    const failed = inline.tasks.find((task) => task.taskKey === "s3")!.attempts[0]!;
    expect(failed.error).toMatchObject({ code: "EXPRESSION_ERROR" });
    expect(await shapeOf(inline)).toEqual(await shapeOf(stepwise));
  });

  it("a failing transform that is retried (the first attempt run ahead, the retries after their delay) leaves what a runner leaves", async () => {
    testDb = await createTestDatabase(provider);
    await saveWorkflow(testDb.db, chainOf("inline-retry", 3, { params: { output: "{% $uppercase($tasks.s2.output) %}" }, retry: { maximumAttempts: 3, initialIntervalMs: 1 } }), "test");

    startEngine({ inlineSteps: 0 });
    const stepwise = await startExecution(testDb.db, { workflow: "inline-retry", input: { n: 1 }, waitSeconds: 20 }, "test");
    await engine!.stop();
    startEngine();
    const inline = await startExecution(testDb.db, { workflow: "inline-retry", input: { n: 1 }, waitSeconds: 20 }, "test");

    expect(inline.status).toBe("FAILED");
    expect(inline.tasks.find((task) => task.taskKey === "s3")!.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, "FAILED"],
      [2, "FAILED"],
      [3, "FAILED"],
    ]);
    expect(await shapeOf(inline)).toEqual(await shapeOf(stepwise));
  });

  it("runs at most inlineSteps steps ahead per transaction; the rest goes on the usual way", async () => {
    testDb = await createTestDatabase(provider);
    await saveWorkflow(testDb.db, chainOf("inline-limit", 10), "test");
    startEngine({ inlineSteps: 3 });
    const execution = await startExecution(testDb.db, { workflow: "inline-limit", input: { n: 5 }, waitSeconds: 20 }, "test");
    expect(execution.status).toBe("COMPLETED");
    expect(execution.output).toBe(14);
    const version = await versionOf(execution.id);
    expect(version).toBeGreaterThan(2);
    expect(version).toBeLessThan(11);
  });

  it("never runs ahead what could loop or is not a transform", async () => {
    testDb = await createTestDatabase(provider);
    await saveWorkflow(
      testDb.db,
      {
        name: "inline-not",
        tasks: [
          // A user-defined function can recurse: not bounded, so it is evaluated on the expression pool.
          { key: "loopy", type: "transform", params: { output: "{% ($f := function($x) { $x > 0 ? $f($x - 1) : 'done' }; $f(3)) %}" } },
          { key: "pause", type: "wait", dependsOn: ["loopy"], params: { durationMs: 0 } },
          { key: "after", type: "transform", dependsOn: ["pause"], params: { output: "{% $tasks.loopy.output %}" } },
        ],
        output: "{% $tasks.after.output %}",
      },
      "test",
    );
    startEngine();
    const execution = await startExecution(testDb.db, { workflow: "inline-not", input: {}, waitSeconds: 20 }, "test");
    expect(execution.status).toBe("COMPLETED");
    expect(execution.output).toBe("done");
    // loopy, pause and after each took transactions of their own.
    expect(await versionOf(execution.id)).toBeGreaterThanOrEqual(4);
  });
});
