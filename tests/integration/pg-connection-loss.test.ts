// A PostgreSQL connection that the server ends while the engine's fast path holds it (a restart, an
// administrator's pg_terminate_backend, a network failure) fails that transaction with
// EngineStoreError — which the runners treat as "the database failed us" and release their claim —
// instead of crashing the process: pg emits the connection's error as an 'error' event, and with
// no listener that is an uncaught exception (issue 11, "a PostgreSQL restart crashes a worker").
// The broken connection is not given back to the pool: the next transaction works.
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { engineStore, EngineStoreError } from "@/lib/runtime/store";

describe("the engine's PostgreSQL fast path when the server ends its connection", () => {
  let testDb: TestDatabase | undefined;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => void uncaught.push(error);

  afterEach(async () => {
    process.off("uncaughtException", onUncaught);
    await testDb?.cleanup();
    testDb = undefined;
  });

  it("fails the transaction with EngineStoreError, keeps the process up, and the next transaction works", async () => {
    testDb = await createTestDatabase("postgresql");
    if (testDb.config.provider !== "postgresql") throw new Error("expected PostgreSQL");
    const url = testDb.config.url;
    const store = await engineStore(testDb.db);
    process.on("uncaughtException", onUncaught);

    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    let terminated!: () => void;
    const ended = new Promise<void>((resolve) => (terminated = resolve));
    const transaction = store.transaction(async (tx) => {
      expect(await tx.guardExecution("no-such-execution", 0, {})).toBe(false);
      inside();
      await ended;
      return tx.guardExecution("no-such-execution", 0, {});
    });

    await entered;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const killed = await admin.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
      expect(killed.rows.length).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // Let the connection's error arrive before the transaction goes on.
    await new Promise((resolve) => setTimeout(resolve, 200));
    terminated();

    const failure = await transaction.then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(EngineStoreError);
    expect(uncaught).toEqual([]);
    // A fresh connection for the next one.
    await expect(store.transaction((tx) => tx.guardExecution("no-such-execution", 0, {}))).resolves.toBe(false);
    expect(uncaught).toEqual([]);
  });
});
