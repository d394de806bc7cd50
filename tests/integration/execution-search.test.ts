// The executions list's search on both databases: keyset pages both ways (Older and Newer), the
// total count of every match, and the ids behind "select all N matching" with its limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS } from "@/tests/helpers/db";
import type { Db } from "@/lib/db/client";
import { saveWorkflow } from "@/lib/services/workflows";
import { startExecution } from "@/lib/services/executions";
import { matchingExecutionIds, searchExecutions } from "@/lib/services/execution-search";

describe.each(TEST_PROVIDERS)("searching executions on %s", (provider) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  /** Newest first, as one unpaged list shows them (executions started in one millisecond are ordered by id). */
  let ids: string[] = [];
  beforeAll(async () => {
    const test = await createTestDatabase(provider);
    db = test.db;
    cleanup = test.cleanup;
    await saveWorkflow(db, { name: "paged", tasks: [{ key: "a", type: "transform", params: { output: 1 } }] }, "dora");
    await saveWorkflow(db, { name: "other", tasks: [{ key: "a", type: "transform", params: { output: 1 } }] }, "dora");
    const started = new Set<string>();
    for (let i = 0; i < 7; i += 1) started.add((await startExecution(db, { workflow: "paged", correlationId: `c${i}` }, "otto")).id);
    await startExecution(db, { workflow: "other" }, "otto");
    ids = (await searchExecutions(db, { workflow: "paged", limit: 200 })).executions.map((e) => e.id);
    expect(new Set(ids)).toEqual(started);
  });
  afterAll(async () => cleanup?.());

  it("pages older and back newer with the same rows, and counts every match on each page", async () => {
    const first = await searchExecutions(db, { workflow: "paged", limit: 3 });
    expect(first.executions.map((e) => e.id)).toEqual(ids.slice(0, 3));
    expect(first.total).toBe(7);
    expect(first.prevCursor).toBeNull();
    const second = await searchExecutions(db, { workflow: "paged", limit: 3, cursor: first.nextCursor! });
    expect(second.executions.map((e) => e.id)).toEqual(ids.slice(3, 6));
    expect(second.total).toBe(7);
    const last = await searchExecutions(db, { workflow: "paged", limit: 3, cursor: second.nextCursor! });
    expect(last.executions.map((e) => e.id)).toEqual(ids.slice(6));
    expect(last.nextCursor).toBeNull();
    // Newer from the last page gives the second page again, and from there the first, which has no newer one.
    const back = await searchExecutions(db, { workflow: "paged", limit: 3, newerThan: last.prevCursor! });
    expect(back.executions.map((e) => e.id)).toEqual(ids.slice(3, 6));
    expect(back.nextCursor).not.toBeNull();
    const top = await searchExecutions(db, { workflow: "paged", limit: 3, newerThan: back.prevCursor! });
    expect(top.executions.map((e) => e.id)).toEqual(ids.slice(0, 3));
    expect(top.prevCursor).toBeNull();
    expect((await searchExecutions(db, { limit: 3 })).total).toBe(8);
  });

  it("refuses a malformed cursor, and both directions at once, naming the parameter", async () => {
    await expect(searchExecutions(db, { newerThan: "bogus" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: "newerThan is not one this API returned" });
    const first = await searchExecutions(db, { workflow: "paged", limit: 3 });
    await expect(searchExecutions(db, { cursor: first.nextCursor!, newerThan: first.nextCursor! })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      details: [{ path: "newerThan", message: "not with cursor" }],
    });
  });

  it("gives the ids of every match for a bulk action, and refuses more than the limit", async () => {
    expect(await matchingExecutionIds(db, { workflow: "paged", limit: 3, cursor: "ignored" }, 10)).toEqual(ids);
    await expect(matchingExecutionIds(db, { workflow: "paged" }, 5)).rejects.toThrow("7 executions match; a bulk action takes at most 5: narrow the filters");
  });
});
