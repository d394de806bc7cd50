// Schedule triggers on both databases, with the clock injected (fireDueSchedules(db, now)): the
// plan after a save, exactly one execution per fire time when two database clients fire the same
// due schedule at once, catch-up after a downtime, overlap (skip, allow, queue, cancelPrevious), re-planning on save without loss, and
// a fire whose transaction fails leaving no claim (claim and start are one transaction).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type Db } from "@/lib/db/client";
import { fireTrigger } from "@/lib/runtime/writes/fire-trigger";
import { newExecutionRow } from "@/lib/runtime/writes/start-execution";
import { saveWorkflow } from "@/lib/services/workflows";
import { searchExecutions } from "@/lib/services/execution-search";
import { getExecution } from "@/lib/services/executions";
import { ServiceError } from "@/lib/services/errors";
import { fireDueSchedules } from "@/lib/triggers/scheduler";
import { terminateExecution } from "@/lib/services/operations";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/db";

const tasks = [{ key: "a", type: "transform", params: { output: "{% $input %}" } }];
const schedule = (name: string, trigger: Record<string, unknown>) => ({
  name,
  input: { type: "object", properties: { at: { type: "string" } } },
  tasks,
  triggers: [{ type: "schedule", key: "tick", ...trigger }],
});
const minute = 60_000;

describe.each(TEST_PROVIDERS)("schedule triggers on %s", (provider) => {
  let testDb: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    testDb = await createTestDatabase(provider);
    db = testDb.db;
  });
  afterAll(async () => {
    await testDb?.cleanup();
  });

  const triggerOf = (name: string) => db.trigger.findUniqueOrThrow({ where: { workflowName_key: { workflowName: name, key: "tick" } } });
  const executionsOf = (name: string) => db.execution.findMany({ where: { workflowName: name }, orderBy: { createdAt: "asc" } });
  const fireTimes = async (name: string) => (await executionsOf(name)).map((execution) => (JSON.parse(execution.trigger!) as { fireTime: string }).fireTime).sort();

  it("plans on save, fires with the template's input, and records the trigger and the actor", async () => {
    const saved = await saveWorkflow(db, schedule("sched-basic", { every: "1m", input: { at: "{% $trigger.scheduledTime %}" } }), "dana@example.com");
    const trigger = await triggerOf("sched-basic");
    const first = trigger.nextFireAt!;
    expect(first.getTime() % minute).toBe(0);
    expect(first.getTime()).toBeGreaterThan(saved.workflow.createdAt ? Date.parse(saved.workflow.createdAt) : 0);
    expect(await fireDueSchedules(db, new Date(first.getTime() - 1))).toBe(0);
    expect(await fireDueSchedules(db, new Date(first.getTime() + 5))).toBe(1);
    const [execution] = await executionsOf("sched-basic");
    expect(JSON.parse(execution!.input!)).toEqual({ at: first.toISOString() });
    expect(JSON.parse(execution!.trigger!)).toEqual({ type: "schedule", key: "tick", fireTime: first.toISOString() });
    expect(execution!.createdBy).toBe("schedule:sched-basic/tick");
    const created = await db.executionEvent.findFirstOrThrow({ where: { executionId: execution!.id, type: "EXECUTION_CREATED" } });
    expect(created.actor).toBe("schedule:sched-basic/tick");
    const after = await triggerOf("sched-basic");
    expect(after.nextFireAt!.getTime()).toBe(first.getTime() + minute);
    expect(after.lastExecutionId).toBe(execution!.id);
    // The executions list filters by trigger, and the execution's view shows it.
    expect((await searchExecutions(db, { workflow: "sched-basic", trigger: "tick" })).executions.map((found) => [found.id, found.trigger])).toEqual([[execution!.id, { type: "schedule", key: "tick", fireTime: first.toISOString() }]]);
    expect((await searchExecutions(db, { workflow: "sched-basic", trigger: "other" })).executions).toEqual([]);
    expect((await getExecution(db, execution!.id)).trigger).toEqual({ type: "schedule", key: "tick", fireTime: first.toISOString() });
    // The same fire again: nothing.
    expect(await fireDueSchedules(db, new Date(first.getTime() + 5))).toBe(0);
  });

  it("two database clients firing the same due schedule at once start one execution per fire time", async () => {
    await saveWorkflow(db, schedule("sched-race", { every: "1s", catchUp: "all", catchUpLimit: 20 }), "test");
    // PostgreSQL: a second pool, as a second engine has. SQLite: one client (two in one process would
    // block each other's event loop on the file lock; two processes are the two-engines test's).
    const other = provider === "postgresql" ? createPrismaClient(testDb.config, { maxConnections: 4 }) : db;
    try {
      const first = (await triggerOf("sched-race")).nextFireAt!;
      // 20 passes each, on both clients at once, over 10 fire times.
      for (let step = 0; step < 10; step++) {
        const now = new Date(first.getTime() + step * 1000 + 10);
        await Promise.all([...Array(4)].map((_, index) => fireDueSchedules(index % 2 === 0 ? db : other, now)));
      }
    } finally {
      if (other !== db) await other.$disconnect();
    }
    const times = await fireTimes("sched-race");
    expect(times).toHaveLength(10);
    expect(new Set(times).size).toBe(10);
    expect(await db.triggerFire.count({ where: { trigger: { workflowName: "sched-race" } } })).toBe(10);
  });

  it("catch-up after 5 minutes down: all with limit 3 starts exactly 3 (the latest), none starts none, latest one", async () => {
    await saveWorkflow(db, schedule("catch-all", { cron: "*/2 * * * *", catchUp: "all", catchUpLimit: 3 }), "test");
    await saveWorkflow(db, schedule("catch-none", { cron: "*/2 * * * *" }), "test");
    await saveWorkflow(db, schedule("catch-latest", { cron: "*/2 * * * *", catchUp: "latest" }), "test");
    const first = (await triggerOf("catch-all")).nextFireAt!;
    // Down from before the first fire time until 90 s after the sixth (10 minutes later): six missed.
    const backAt = new Date(first.getTime() + 10 * minute + 90_000);
    await fireDueSchedules(db, backAt);
    await fireDueSchedules(db, backAt);
    const expected = [6, 8, 10].map((n) => new Date(first.getTime() + n * minute).toISOString());
    expect(await fireTimes("catch-all")).toEqual(expected);
    expect(await fireTimes("catch-none")).toEqual([]);
    expect(await fireTimes("catch-latest")).toEqual([expected[2]]);
    for (const name of ["catch-all", "catch-none", "catch-latest"]) {
      expect((await triggerOf(name)).nextFireAt!.getTime(), name).toBe(first.getTime() + 12 * minute);
    }
    const missed = await db.triggerEvent.findFirstOrThrow({ where: { trigger: { workflowName: "catch-none" }, type: "MISSED" } });
    expect(JSON.parse(missed.payload!)).toMatchObject({ missed: 6 });
  });

  it("overlap skip claims the fire as SKIPPED while the previous execution runs; allow starts both", async () => {
    await saveWorkflow(db, schedule("overlap-skip", { every: "1m", overlap: "skip" }), "test");
    await saveWorkflow(db, schedule("overlap-allow", { every: "1m" }), "test");
    const first = (await triggerOf("overlap-skip")).nextFireAt!;
    // No engine runs here: the first execution stays QUEUED (live) while the second fire comes.
    await fireDueSchedules(db, new Date(first.getTime() + 10));
    await fireDueSchedules(db, new Date(first.getTime() + minute + 10));
    expect(await fireTimes("overlap-skip")).toHaveLength(1);
    expect(await fireTimes("overlap-allow")).toHaveLength(2);
    const fires = await db.triggerFire.findMany({ where: { trigger: { workflowName: "overlap-skip" } }, orderBy: { createdAt: "asc" } });
    expect(fires.map((fire) => fire.outcome)).toEqual(["STARTED", "SKIPPED"]);
  });

  it("overlap queue holds due fires while the previous execution runs, then collapses them into one, the latest", async () => {
    await saveWorkflow(db, schedule("overlap-queue", { every: "1m", overlap: "queue" }), "test");
    const first = (await triggerOf("overlap-queue")).nextFireAt!;
    // fireDueSchedules fires every due schedule of this database (other tests' too), so what
    // counts is this workflow's executions.
    await fireDueSchedules(db, new Date(first.getTime() + 10));
    expect(await fireTimes("overlap-queue")).toEqual([first.toISOString()]);
    // Two more fire times come while the first execution is live (no engine runs here): nothing
    // is claimed, and the schedule stays at the first of them.
    await fireDueSchedules(db, new Date(first.getTime() + 2 * minute + 10));
    expect(await fireTimes("overlap-queue")).toEqual([first.toISOString()]);
    expect((await triggerOf("overlap-queue")).nextFireAt!.getTime()).toBe(first.getTime() + minute);
    expect(await db.triggerFire.count({ where: { trigger: { workflowName: "overlap-queue" } } })).toBe(1);
    const [running] = await executionsOf("overlap-queue");
    await terminateExecution(db, running!.id, { actor: "test", reason: "done with it" });
    // Once it ended, what piled up fires once: the latest due time.
    await fireDueSchedules(db, new Date(first.getTime() + 2 * minute + 20));
    expect(await fireTimes("overlap-queue")).toEqual([first.toISOString(), new Date(first.getTime() + 2 * minute).toISOString()]);
    expect((await triggerOf("overlap-queue")).nextFireAt!.getTime()).toBe(first.getTime() + 3 * minute);
  });

  it("overlap cancelPrevious starts the new fire and terminates the previous execution, saying why", async () => {
    await saveWorkflow(db, schedule("overlap-cancel", { every: "1m", overlap: "cancelPrevious" }), "test");
    const first = (await triggerOf("overlap-cancel")).nextFireAt!;
    await fireDueSchedules(db, new Date(first.getTime() + 10));
    await fireDueSchedules(db, new Date(first.getTime() + minute + 10));
    const [previous, latest] = await executionsOf("overlap-cancel");
    expect(await fireTimes("overlap-cancel")).toEqual([first.toISOString(), new Date(first.getTime() + minute).toISOString()]);
    const cancelled = await getExecution(db, previous!.id);
    expect(cancelled.status).toBe("TERMINATED");
    const ended = await db.executionEvent.findMany({ where: { executionId: previous!.id, type: "EXECUTION_TERMINATED" } });
    expect(ended.map((event) => ({ actor: event.actor, reason: event.reason }))).toEqual([
      { actor: "schedule:overlap-cancel/tick", reason: "a newer fire of its trigger started (overlap: cancelPrevious)" },
    ]);
    expect((await getExecution(db, latest!.id)).status).toBe("QUEUED");
  });

  it("a save re-plans without loss: pause and history kept, a due fire kept when the timing did not change, a new timing planned from now", async () => {
    await saveWorkflow(db, schedule("replan", { every: "1h" }), "test");
    const before = await triggerOf("replan");
    await db.trigger.update({ where: { id: before.id }, data: { pausedAt: new Date(), pausedBy: "olga@example.com", nextFireAt: new Date(Date.now() - 1000) } });
    await saveWorkflow(db, { ...schedule("replan", { every: "1h" }), description: "v2" }, "test");
    const same = await triggerOf("replan");
    expect(same.id).toBe(before.id);
    expect(same.definitionVersion).toBe(2);
    expect(same.pausedBy).toBe("olga@example.com");
    expect(same.nextFireAt!.getTime()).toBeLessThan(Date.now()); // the due fire is still due
    await saveWorkflow(db, schedule("replan", { every: "2h" }), "test");
    const replanned = await triggerOf("replan");
    expect(replanned.nextFireAt!.getTime()).toBeGreaterThan(Date.now());
    expect(replanned.nextFireAt!.getTime() % (2 * 3_600_000)).toBe(0);
    // Removed from the definition: retired, not deleted; back with the same row.
    await saveWorkflow(db, { name: "replan", tasks }, "test");
    expect((await triggerOf("replan")).retiredAt).not.toBeNull();
    await saveWorkflow(db, schedule("replan", { every: "2h" }), "test");
    const back = await triggerOf("replan");
    expect({ id: back.id, retiredAt: back.retiredAt }).toEqual({ id: before.id, retiredAt: null });
    // A paused trigger does not fire.
    await fireDueSchedules(db, new Date(Date.now() + 3 * 3_600_000));
    expect(await executionsOf("replan")).toEqual([]);
  });

  it("a fire whose transaction fails leaves no claim and the schedule where it was", async () => {
    await saveWorkflow(db, schedule("no-claim", { every: "1m" }), "test");
    const trigger = await triggerOf("no-claim");
    const row = newExecutionRow({ definition: { id: "no-such-definition", name: "no-claim", version: 1 }, input: {}, createdBy: "schedule:no-claim/tick", now: new Date() });
    // The execution's insert fails (its definition does not exist) after the claim was written in the same transaction.
    await expect(
      fireTrigger(db, { triggerId: trigger.id, fireKey: `time:${trigger.nextFireAt!.toISOString()}`, actor: "schedule:no-claim/tick", now: new Date(), advance: { from: trigger.nextFireAt!, to: new Date(trigger.nextFireAt!.getTime() + minute) }, overlap: "allow", start: { execution: row, payload: {} } }),
    ).rejects.toThrow();
    expect(await db.triggerFire.count({ where: { triggerId: trigger.id } })).toBe(0);
    expect((await triggerOf("no-claim")).nextFireAt).toEqual(trigger.nextFireAt);
    expect(await db.execution.count({ where: { id: row.id } })).toBe(0);
    // And the fire still happens.
    await fireDueSchedules(db, new Date(trigger.nextFireAt!.getTime() + 10));
    expect(await fireTimes("no-claim")).toEqual([trigger.nextFireAt!.toISOString()]);
  });

  it("an input that does not fit the input schema claims the fire as FAILED, with the reason", async () => {
    await saveWorkflow(db, schedule("bad-input", { every: "1m", input: { at: 5 } }), "test");
    const trigger = await triggerOf("bad-input");
    await fireDueSchedules(db, new Date(trigger.nextFireAt!.getTime() + 10));
    expect(await executionsOf("bad-input")).toEqual([]);
    const fire = await db.triggerFire.findFirstOrThrow({ where: { triggerId: trigger.id } });
    expect(fire.outcome).toBe("FAILED");
    const event = await db.triggerEvent.findFirstOrThrow({ where: { triggerId: trigger.id, type: "FIRE_FAILED" } });
    expect(JSON.parse(event.payload!).message).toBe("the input made by trigger 'tick' does not fit workflow 'bad-input' v1: input.at: must be string");
  });

  it("refuses workflow triggers that form a cycle across workflows (409 naming the chain)", async () => {
    const on = (name: string, source: string) => ({ name, tasks, triggers: [{ type: "workflow", key: `after-${source}`, workflow: source }] });
    await saveWorkflow(db, on("cyc-a", "cyc-b"), "test");
    await saveWorkflow(db, on("cyc-b", "cyc-c"), "test");
    const refused = await saveWorkflow(db, on("cyc-c", "cyc-a"), "test").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ServiceError);
    expect((refused as ServiceError).code).toBe("CONFLICT");
    expect((refused as ServiceError).message).toBe("workflow 'cyc-c' is not saved: its workflow triggers would form a cycle cyc-c → cyc-a → cyc-b → cyc-c");
    expect((refused as ServiceError).details[0]!.path).toBe("triggers[0].workflow");
    expect(await db.workflowDefinition.count({ where: { name: "cyc-c" } })).toBe(0);
  });

  it("refuses a cycle of starts that mixes a workflow trigger with a child workflow, from either side, and keeps what was stored", async () => {
    const child = (name: string, runs: string) => ({ name, tasks: [{ key: "run", type: "subworkflow", params: { workflow: runs } }] });
    // mix-b runs mix-a as a child; giving mix-b a trigger on mix-a's end closes the loop: every
    // mix-a that ends starts a mix-b, which runs a mix-a, which ends…
    await saveWorkflow(db, { name: "mix-a", tasks }, "test");
    await saveWorkflow(db, child("mix-b", "mix-a"), "test");
    const refused = await saveWorkflow(db, { ...child("mix-b", "mix-a"), triggers: [{ type: "workflow", key: "after-a", workflow: "mix-a" }] }, "test").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ServiceError);
    expect((refused as ServiceError).code).toBe("CONFLICT");
    expect((refused as ServiceError).message).toBe("workflow 'mix-b' is not saved: its executions would start each other forever: 'mix-b' runs 'mix-a', 'mix-a' ending starts 'mix-b'");
    expect((refused as ServiceError).details[0]!.path).toBe("tasks[0].params.workflow");
    expect(await db.workflowDefinition.count({ where: { name: "mix-b" } })).toBe(1);

    // Through stored triggers: mix-d starts when mix-c ends and runs mix-e; saving mix-e to run
    // mix-c closes mix-e → mix-c → (ends) mix-d → mix-e.
    await saveWorkflow(db, { name: "mix-c", tasks }, "test");
    await saveWorkflow(db, { name: "mix-e", tasks }, "test");
    await saveWorkflow(db, { ...child("mix-d", "mix-e"), triggers: [{ type: "workflow", key: "after-c", workflow: "mix-c" }] }, "test");
    const closing = await saveWorkflow(db, child("mix-e", "mix-c"), "test").catch((error: unknown) => error);
    expect((closing as ServiceError).code).toBe("CONFLICT");
    expect((closing as ServiceError).message).toContain("'mix-e' runs 'mix-c', 'mix-c' ending starts 'mix-d', 'mix-d' runs 'mix-e'");
    expect(await db.workflowDefinition.count({ where: { name: "mix-e" } })).toBe(1);

    // Starting a workflow twice, as a child and by a trigger on the parent's end, is no loop.
    await saveWorkflow(db, { name: "mix-g", tasks, triggers: [{ type: "workflow", key: "after-f", workflow: "mix-f" }] }, "test");
    await expect(saveWorkflow(db, child("mix-f", "mix-g"), "test")).resolves.toBeDefined();
  });
});
