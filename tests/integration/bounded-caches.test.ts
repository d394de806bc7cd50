// The process-wide caches stay within their bounds (issue 11, point 5) on both databases: the
// definition cache (FLOWDECK_DEFINITION_CACHE_ENTRIES) and the engine's kept states
// (FLOWDECK_ENGINE_STATE_CACHE_ENTRIES), set small here so that the limits are hit. The bounds
// are read when their modules load, so the modules are imported after the variables are set.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/db";
import { sleep } from "../helpers/processes";

process.env.FLOWDECK_DEFINITION_CACHE_ENTRIES = "5";
process.env.FLOWDECK_ENGINE_STATE_CACHE_ENTRIES = "4";
process.env.FLOWDECK_INPUT_SCHEMA_CACHE_ENTRIES = "3";
const { definitionCacheStats, loadDefinition, DEFINITION_CACHE_ENTRIES } = await import("@/lib/runtime/definitions");
const { Engine, ENGINE_STATE_CACHE_ENTRIES } = await import("@/lib/runtime/engine");
const { saveWorkflow } = await import("@/lib/services/workflows");
const { startExecution } = await import("@/lib/services/executions");
const { inputSchemaCache } = await import("@/lib/services/execution-input");

describe.each(TEST_PROVIDERS)("bounded caches on %s", (provider) => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase(provider);
  });
  afterAll(() => testDb?.cleanup());

  it("the compiled input validators are kept per version, no more than their bound", async () => {
    expect(inputSchemaCache.maxEntries).toBe(3);
    const ids: string[] = [];
    for (let n = 1; n <= 6; n++) {
      const input = { type: "object", properties: { n: { type: "integer", minimum: n } } };
      const saved = await saveWorkflow(testDb.db, { name: `input-cached-${provider}`, input, tasks: [{ key: "a", type: "transform", params: { output: n } }] }, "test");
      await startExecution(testDb.db, { workflow: saved.workflow.name, version: saved.workflow.version, input: { n: 10 } }, "test");
      ids.push((await testDb.db.workflowDefinition.findFirstOrThrow({ where: { name: saved.workflow.name, version: saved.workflow.version }, select: { id: true } })).id);
      expect(inputSchemaCache.size).toBeLessThanOrEqual(3);
    }
    expect(ids.slice(3).every((id) => inputSchemaCache.has(id))).toBe(true);
    expect(ids.slice(0, 3).some((id) => inputSchemaCache.has(id))).toBe(false);
  });

  it("the definition cache keeps the most recently used definitions, no more than its bound", async () => {
    expect(DEFINITION_CACHE_ENTRIES).toBe(5);
    const ids: string[] = [];
    for (let n = 0; n < 12; n++) {
      await saveWorkflow(testDb.db, { name: `cached-${provider}-${n}`, tasks: [{ key: "a", type: "transform", params: { output: n } }] }, "test");
      ids.push((await testDb.db.workflowDefinition.findFirstOrThrow({ where: { name: `cached-${provider}-${n}` }, select: { id: true } })).id);
    }
    for (const id of ids) {
      const definition = await loadDefinition(testDb.db, id);
      expect(definition.tasks[0]!.key).toBe("a");
      expect(definitionCacheStats().entries).toBeLessThanOrEqual(5);
    }
    // The first one was evicted, so it is read again: a changed row shows (versions never change
    // in use; this only proves the read happened).
    await testDb.db.workflowDefinition.update({ where: { id: ids[0]! }, data: { definition: JSON.stringify({ name: "x", tasks: [{ key: "reread", type: "transform", params: { output: 1 } }] }) } });
    expect((await loadDefinition(testDb.db, ids[0]!)).tasks[0]!.key).toBe("reread");
    // The most recent one is still cached (its changed row does not show).
    const last = ids.at(-1)!;
    await testDb.db.workflowDefinition.update({ where: { id: last }, data: { definition: JSON.stringify({ name: "x", tasks: [{ key: "changed", type: "transform", params: { output: 1 } }] }) } });
    expect((await loadDefinition(testDb.db, last)).tasks[0]!.key).toBe("a");
    expect(definitionCacheStats().entries).toBe(5);
  });

  it("an engine keeps no more execution states than its bound while many executions wait", { timeout: 60_000 }, async () => {
    expect(ENGINE_STATE_CACHE_ENTRIES).toBe(4);
    await saveWorkflow(testDb.db, { name: `waiting-${provider}`, tasks: [{ key: "w", type: "wait", params: { durationMs: 60_000 } }] }, "test");
    const engine = new Engine(testDb.db, provider, { pollIntervalMs: 25, timerIntervalMs: 20 });
    engine.start();
    try {
      const ids: string[] = [];
      for (let n = 0; n < 10; n++) ids.push((await startExecution(testDb.db, { workflow: `waiting-${provider}`, input: {} }, "test")).id);
      const deadline = Date.now() + 30_000;
      while ((await testDb.db.taskRun.count({ where: { executionId: { in: ids }, status: "WAITING" } })) < ids.length) {
        if (Date.now() > deadline) throw new Error("the waits did not start");
        expect(engine.memory().states).toBeLessThanOrEqual(4);
        await sleep(20);
      }
      expect(engine.memory().states).toBeLessThanOrEqual(4);
      expect(engine.memory().states).toBeGreaterThan(0);
    } finally {
      await engine.stop();
    }
  });
});
