// A start on the engine of its own process (issue 16): the new execution and its first decision
// step are one transaction (lib/runtime/step.ts startWithFirstStep), and the attempts it made due
// run on this engine at once. What must hold, on both databases: the same rows and events as the
// usual path (a start, then a claimed decision step), a start that fails leaves nothing behind,
// an execution started this way whose process dies before its attempts ran is finished by the
// next engine, and an engine that is stopped takes no starts.
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/db";
import { Engine } from "@/lib/runtime/engine";
import { localEngine } from "@/lib/runtime/local-engine";
import { getExecution, startExecution } from "@/lib/services/executions";
import { saveWorkflow } from "@/lib/services/workflows";
import { loadDefinition } from "@/lib/runtime/definitions";
import type { Dispatcher } from "@/lib/runtime/state";
import { startWithFirstStep } from "@/lib/runtime/step";
import { engineStore } from "@/lib/runtime/store";
import { newExecutionRow } from "@/lib/runtime/writes/start-execution";

const chain = {
  name: "local-start",
  tasks: [
    { key: "a", type: "transform", params: { output: "{% $input.n + 1 %}" } },
    { key: "b", type: "transform", dependsOn: ["a"], params: { output: "{% $tasks.a.output * 2 %}" } },
  ],
  output: "{% $tasks.b.output %}",
};

describe.each(TEST_PROVIDERS)("starts taken by the local engine on %s", (provider) => {
  let testDb: TestDatabase;
  const engines: Engine[] = [];
  const engine = (options: ConstructorParameters<typeof Engine>[2] = {}) => {
    const made = new Engine(testDb.db, provider, { pollIntervalMs: 25, timerIntervalMs: 20, takeLocalStarts: true, ...options });
    engines.push(made);
    return made;
  };

  afterEach(async () => {
    for (const made of engines.splice(0)) await made.stop();
    await testDb?.cleanup();
  });

  const eventTypes = async (executionId: string) =>
    (await testDb.db.executionEvent.findMany({ where: { executionId }, orderBy: { id: "asc" }, select: { type: true, taskKey: true } })).map((e) => (e.taskKey ? `${e.type}:${e.taskKey}` : e.type));

  it("runs the execution with the same events as a start the engine claimed", async () => {
    testDb = await createTestDatabase(provider);
    await saveWorkflow(testDb.db, chain, "test");
    // The usual path first: no engine takes starts, so the row waits for the loop's claim.
    const loop = engine({ takeLocalStarts: false });
    loop.start();
    expect(localEngine()).toBeNull();
    const claimed = await startExecution(testDb.db, { workflow: "local-start", input: { n: 1 }, waitSeconds: 10 }, "test");
    await loop.stop();

    const local = engine();
    local.start();
    expect(localEngine()).toBe(local);
    const decisionsBefore = local.state().decisions;
    const started = await startExecution(testDb.db, { workflow: "local-start", input: { n: 1 }, waitSeconds: 10 }, "test");
    expect(started.status).toBe("COMPLETED");
    expect(started.output).toBe(4);
    expect(claimed.output).toBe(4);
    // The first step was not a claimed decision of the loop.
    expect(local.state().decisions).toBe(decisionsBefore);
    expect(await eventTypes(started.id)).toEqual(await eventTypes(claimed.id));
    const row = await testDb.db.execution.findUniqueOrThrow({ where: { id: started.id } });
    expect(row.nextDecisionAt).toBeNull();
    // The same attempts as on the usual path, held by the same engine kind of holder.
    const attemptsOf = async (executionId: string) =>
      (await testDb.db.taskRun.findMany({ where: { executionId }, orderBy: { taskKey: "asc" } })).map((run) => [run.taskKey, run.attempt, run.status, run.output, run.lockedBy?.split(":")[0] ?? null]);
    const runs = await attemptsOf(started.id);
    expect(runs).toEqual(await attemptsOf(claimed.id));
    expect(runs.map((run) => run.slice(0, 4))).toEqual([
      ["a", 1, "COMPLETED", "2"],
      ["b", 1, "COMPLETED", "4"],
    ]);
    expect(runs).toHaveLength(2);
  });

  it("a start whose input does not fit writes nothing", async () => {
    testDb = await createTestDatabase(provider);
    await saveWorkflow(testDb.db, { ...chain, name: "local-start-schema", input: { type: "object", required: ["n"], properties: { n: { type: "number" } } } }, "test");
    engine().start();
    await expect(startExecution(testDb.db, { workflow: "local-start-schema", input: { n: "one" } }, "test")).rejects.toThrow(/does not fit/);
    expect(await testDb.db.execution.count({ where: { workflowName: "local-start-schema" } })).toBe(0);
  });

  it("attempts the first step claimed are taken again by the next engine when their lease runs out", async () => {
    testDb = await createTestDatabase(provider);
    await saveWorkflow(testDb.db, chain, "test");
    // The process dies right after the start's commit, before its runner took the claimed attempt:
    // a dispatcher that claims (as the engine's reserve does) and then never runs anything.
    const dead: Dispatcher = { engineId: "engine:dead", leaseMs: 300, shellEnabled: false, inlineSteps: 0, ranInline: () => {}, reserve: (n) => n, release: () => {}, run: () => {}, record: async () => false, remember: () => {} };
    const definitionRow = (await (await engineStore(testDb.db)).findDefinition("local-start"))!;
    const row = newExecutionRow({ definition: definitionRow, input: { n: 1 }, createdBy: "test", now: new Date() });
    await startWithFirstStep(testDb.db, row, await loadDefinition(testDb.db, definitionRow.id), { workflow: "local-start", version: 1 }, dead);
    const started = { id: row.id };
    const claimedRun = await testDb.db.taskRun.findFirstOrThrow({ where: { executionId: row.id } });
    expect([claimedRun.taskKey, claimedRun.status, claimedRun.lockedBy]).toEqual(["a", "SCHEDULED", "engine:dead"]);
    expect(claimedRun.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() - 1000);
    const next = engine({ takeLocalStarts: false });
    next.start();
    const deadline = Date.now() + 15_000;
    let view = await getExecution(testDb.db, started.id);
    while (view.status !== "COMPLETED" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      view = await getExecution(testDb.db, started.id);
    }
    expect(view.status).toBe("COMPLETED");
    expect(view.output).toBe(4);
    // Every task ran to one completed attempt: nothing ran twice.
    for (const task of view.tasks) expect(task.attempts.filter((attempt) => attempt.status === "COMPLETED")).toHaveLength(1);
  });

  it("a stopped engine takes no starts: the row waits, due, for a claim", async () => {
    testDb = await createTestDatabase(provider);
    await saveWorkflow(testDb.db, chain, "test");
    const stopped = engine();
    stopped.start();
    await stopped.stop();
    expect(localEngine()).toBeNull();
    const started = await startExecution(testDb.db, { workflow: "local-start", input: { n: 1 } }, "test");
    const row = await testDb.db.execution.findUniqueOrThrow({ where: { id: started.id } });
    expect(row.status).toBe("QUEUED");
    expect(row.nextDecisionAt).not.toBeNull();
    expect(await testDb.db.taskRun.count({ where: { executionId: started.id } })).toBe(0);
  });
});
