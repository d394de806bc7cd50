// Deleting workflows on both databases: unused versions go; a version an execution pins stays,
// and the refusal (409) removes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS } from "@/tests/helpers/db";
import type { Db } from "@/lib/db/client";
import { deleteWorkflow, getWorkflowVersions, saveWorkflow } from "@/lib/services/workflows";
import { startExecution } from "@/lib/services/executions";

const definition = (name: string, note: string) => ({ name, description: note, tasks: [{ key: "a", type: "transform", params: { output: { note } } }] });

describe.each(TEST_PROVIDERS)("deleting workflows on %s", (provider) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const test = await createTestDatabase(provider);
    db = test.db;
    cleanup = test.cleanup;
  });
  afterAll(async () => cleanup?.());

  it("deletes every version of an unused workflow, or one version", async () => {
    await saveWorkflow(db, definition("gone", "1"), "dora");
    await saveWorkflow(db, definition("gone", "2"), "dora");
    await saveWorkflow(db, definition("gone", "3"), "dora");
    expect(await deleteWorkflow(db, "gone", 2)).toEqual({ name: "gone", deleted: [2] });
    expect((await getWorkflowVersions(db, "gone")).map((v) => v.version)).toEqual([3, 1]);
    expect(await deleteWorkflow(db, "gone")).toEqual({ name: "gone", deleted: [1, 3] });
    await expect(getWorkflowVersions(db, "gone")).rejects.toThrow("not found");
    await expect(deleteWorkflow(db, "gone")).rejects.toThrow("workflow 'gone' not found");
    await expect(deleteWorkflow(db, "gone", 7)).rejects.toThrow("workflow 'gone' has no version 7");
  });

  it("keeps a workflow whose version an execution pins, and says why", async () => {
    await saveWorkflow(db, definition("pinned", "1"), "dora");
    await saveWorkflow(db, definition("pinned", "2"), "dora");
    await startExecution(db, { workflow: "pinned", version: 1 }, "otto");
    await expect(deleteWorkflow(db, "pinned")).rejects.toThrow(
      "workflow 'pinned' is pinned by 1 execution; it is kept so that they stay readable and can be rerun",
    );
    expect((await getWorkflowVersions(db, "pinned")).map((v) => v.version)).toEqual([2, 1]);
    expect(await deleteWorkflow(db, "pinned", 2)).toEqual({ name: "pinned", deleted: [2] });
    await expect(deleteWorkflow(db, "pinned", 1)).rejects.toThrow("version 1 of workflow 'pinned' is pinned by 1 execution");
  });
});
