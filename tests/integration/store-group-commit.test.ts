// Group commit on SQLite (lib/runtime/store.ts SqliteStore.transaction, issue 16): transactions
// asked for together share one COMMIT, each in its own savepoint. What must hold: one that throws
// is rolled back alone and its caller gets its error; the others commit; and a caller's promise
// resolves only once its writes are committed (another connection sees them).
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { engineStore } from "@/lib/runtime/store";
import type { NewEvent } from "@/lib/runtime/events";
import { insertNewExecution, newExecutionRow } from "@/lib/runtime/writes/start-execution";
import { saveWorkflow } from "@/lib/services/workflows";

describe("SQLite group commit", () => {
  let testDb: TestDatabase;
  let definition: { id: string; name: string; version: number };
  let other: Database.Database;

  beforeAll(async () => {
    testDb = await createTestDatabase("sqlite");
    const saved = await saveWorkflow(testDb.db, { name: "group", tasks: [{ key: "a", type: "transform", params: { output: 1 } }] }, "test");
    const store = await engineStore(testDb.db);
    definition = (await store.findDefinition(saved.workflow.name, saved.workflow.version))!;
    if (testDb.config.provider !== "sqlite") throw new Error("sqlite expected");
    other = new Database(testDb.config.filePath, { readonly: true });
  });
  afterAll(async () => {
    other?.close();
    await testDb?.cleanup();
  });

  const newRow = () => newExecutionRow({ definition, input: {}, createdBy: "test", now: new Date() });
  const event = (executionId: string, reason: string): NewEvent => ({ executionId, type: "EXECUTION_STARTED", reason, createdAt: new Date() });
  const visibleElsewhere = (id: string) => other.prepare(`SELECT COUNT(*) AS n FROM "Execution" WHERE "id" = ?`).get(id) as { n: number };

  it("a throwing transaction is rolled back alone; the others of its group commit, visible when their promises resolve", async () => {
    const store = await engineStore(testDb.db);
    const rows = [newRow(), newRow(), newRow()] as const;
    const seenAtResolve: Record<string, number> = {};
    const failure = new Error("the fence did not hold");
    // Asked for in one turn: they form one group.
    const results = await Promise.allSettled(
      rows.map((row, i) =>
        store
          .transaction(async (tx) => {
            await insertNewExecution(tx, row, { workflow: definition.name, version: definition.version });
            await tx.insertEvents([event(row.id, `unit ${i}`)]);
            if (i === 1) throw failure;
            return i;
          })
          .then((value) => {
            seenAtResolve[row.id] = visibleElsewhere(row.id).n;
            return value;
          }),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toBe(failure);
    expect(results[0]).toMatchObject({ value: 0 });
    expect(results[2]).toMatchObject({ value: 2 });
    // Committed before the promise resolved: a second connection already saw the row.
    expect(seenAtResolve).toEqual({ [rows[0].id]: 1, [rows[2].id]: 1 });
    expect(visibleElsewhere(rows[1].id).n).toBe(0);
    const events = other.prepare(`SELECT "reason" FROM "ExecutionEvent" WHERE "executionId" IN (?, ?, ?) AND "type" = 'EXECUTION_STARTED' AND "reason" LIKE 'unit %' ORDER BY "reason"`).all(...rows.map((row) => row.id));
    expect(events).toEqual([{ reason: "unit 0" }, { reason: "unit 2" }]);
  });

  it("a database error in one transaction (a duplicate id) fails that caller only", async () => {
    const store = await engineStore(testDb.db);
    const first = newRow();
    const duplicate = { ...newRow(), id: first.id };
    const third = newRow();
    const results = await Promise.allSettled(
      [first, duplicate, third].map((row) => store.transaction((tx) => insertNewExecution(tx, row, { workflow: definition.name, version: definition.version }))),
    );
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/database error: .*UNIQUE constraint failed: Execution\.id/);
    expect(visibleElsewhere(first.id).n).toBe(1);
    expect(visibleElsewhere(third.id).n).toBe(1);
  });

  it("transactions asked for while a group is being written wait for the next one, in order", async () => {
    const store = await engineStore(testDb.db);
    const order: number[] = [];
    const late: Promise<number>[] = [];
    const early = store.transaction(async () => {
      // Asked for from inside a running group: it cannot join it (its SAVEPOINT is taken), so it goes next.
      late.push(store.transaction(async () => (order.push(2), 2)));
      order.push(1);
      return 1;
    });
    expect(await early).toBe(1);
    expect(await late[0]).toBe(2);
    expect(order).toEqual([1, 2]);
  });
});
