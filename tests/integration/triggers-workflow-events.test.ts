// Workflow-event triggers on both databases with a real engine: when an execution of "build"
// ends COMPLETED, "after-build" starts once with $trigger.sourceExecution; a FAILED build starts
// nothing (the trigger lists COMPLETED only); passes over the same endings (as a second engine
// makes) start nothing more: each ending is claimed once, by (trigger, source execution).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { Engine } from "@/lib/runtime/engine";
import { startExecution, waitForExecutionEnd } from "@/lib/services/executions";
import { saveWorkflow } from "@/lib/services/workflows";
import { fireWorkflowEventTriggers } from "@/lib/triggers/workflow-events";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/db";
import { sleep } from "../helpers/processes";

describe.each(TEST_PROVIDERS)("workflow-event triggers on %s", (provider) => {
  let testDb: TestDatabase;
  let db: Db;
  let engine: Engine;

  beforeAll(async () => {
    testDb = await createTestDatabase(provider);
    db = testDb.db;
    await saveWorkflow(db, { name: "build", tasks: [{ key: "b", type: "transform", params: { output: "{% $input.fail ? $error('broken') : { 'artifact': 'app-' & $string($input.n) } %}" } }], output: "{% $tasks.b.output %}" }, "test");
    await saveWorkflow(
      db,
      {
        name: "after-build",
        tasks: [{ key: "a", type: "transform", params: { output: "{% $input %}" } }],
        triggers: [{ type: "workflow", key: "on-build", workflow: "build", status: ["COMPLETED"], input: { source: "{% $trigger.sourceExecution.id %}", artifact: "{% $trigger.sourceExecution.output.artifact %}" } }],
      },
      "test",
    );
    engine = new Engine(db, provider, { pollIntervalMs: 20 });
    engine.start();
  });
  afterAll(async () => {
    await engine?.stop();
    await testDb?.cleanup();
  });

  it("starts the listening workflow once per matching end, with the source in $trigger", { timeout: 30_000 }, async () => {
    const ok = await startExecution(db, { workflow: "build", input: { n: 1 } }, "test");
    const failing = await startExecution(db, { workflow: "build", input: { fail: true } }, "test");
    expect(await waitForExecutionEnd(db, ok.id, 10_000)).toBe("COMPLETED");
    expect(await waitForExecutionEnd(db, failing.id, 10_000)).toBe("FAILED");
    const deadline = Date.now() + 10_000;
    while ((await db.execution.count({ where: { workflowName: "after-build" } })) === 0 && Date.now() < deadline) await sleep(50);
    // More passes over the same endings (the engine's own, and these): nothing new.
    await Promise.all([fireWorkflowEventTriggers(db), fireWorkflowEventTriggers(db)]);
    await sleep(300);
    const started = await db.execution.findMany({ where: { workflowName: "after-build" } });
    expect(started).toHaveLength(1);
    expect(JSON.parse(started[0]!.input!)).toEqual({ source: ok.id, artifact: "app-1" });
    expect(JSON.parse(started[0]!.trigger!)).toEqual({ type: "workflow", key: "on-build", sourceExecution: ok.id });
    expect(started[0]!.createdBy).toBe("workflow:after-build/on-build");
    expect(await db.triggerFire.count({ where: { fireKey: `source:${ok.id}` } })).toBe(1);
    expect(await db.triggerFire.count({ where: { fireKey: `source:${failing.id}` } })).toBe(0);
  });
});
