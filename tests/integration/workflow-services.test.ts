import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS } from "../helpers/db";
import type { Db } from "@/lib/db/client";
import { ServiceError } from "@/lib/services/errors";
import { SaveConflictError } from "@/lib/services/save-precondition";
import { seedExampleWorkflows } from "@/lib/services/seed";
import {
  definitionChecksum,
  exportWorkflow,
  getWorkflow,
  getWorkflowVersions,
  importWorkflows,
  listWorkflows,
  restoreWorkflowVersion,
  saveWorkflow,
} from "@/lib/services/workflows";
import { exampleDefinitions } from "@/lib/workflow/examples";
import { serializeDefinition, type WorkflowDefinition } from "@/lib/workflow";

function definition(name: string, patch: Partial<WorkflowDefinition> = {}): WorkflowDefinition {
  return {
    name,
    tasks: [
      { key: "a", type: "transform", params: { output: { n: 1 } } },
      { key: "b", type: "transform", dependsOn: ["a"], params: { output: "{% $tasks.a.output.n + 1 %}" } },
    ],
    ...patch,
  } as WorkflowDefinition;
}

async function expectServiceError(promise: Promise<unknown>, code: string): Promise<ServiceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  expect((error as ServiceError).code).toBe(code);
  return error as ServiceError;
}

describe.each(TEST_PROVIDERS)("workflow services on %s", (provider) => {
  let db: Db;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const test = await createTestDatabase(provider);
    db = test.db;
    cleanup = test.cleanup;
  });
  afterAll(async () => cleanup?.());

  it("saves version 1, ignores an identical save, and versions a change", async () => {
    const first = await saveWorkflow(db, definition("wf-save"), "alice");
    expect(first.created).toBe(true);
    expect(first.workflow).toMatchObject({ name: "wf-save", version: 1, taskCount: 2, createdBy: "alice" });

    const same = await saveWorkflow(db, definition("wf-save"), "bob");
    expect(same).toMatchObject({ created: false, workflow: { version: 1, createdBy: "alice" } });

    // The version a file carries is not content: an exported v1 file saved again is still v1.
    const withVersion = await saveWorkflow(db, { ...definition("wf-save"), version: 7 }, "bob");
    expect(withVersion).toMatchObject({ created: false, workflow: { version: 1 } });

    const changed = await saveWorkflow(db, definition("wf-save", { description: "now with words" }), "bob");
    expect(changed).toMatchObject({ created: true, workflow: { version: 2, description: "now with words" } });

    const moved = await saveWorkflow(db, definition("wf-save", { description: "now with words", layout: { a: { x: 0, y: 0 }, b: { x: 300, y: 0 } } }), "bob");
    expect(moved.workflow.version).toBe(3);

    expect((await getWorkflow(db, "wf-save")).version).toBe(3);
    expect((await getWorkflow(db, "wf-save", 1)).definition.description).toBeUndefined();
    expect((await getWorkflowVersions(db, "wf-save")).map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it("refuses a definition or an execution input with a lone surrogate (the designer's actions call these), storing nothing", async () => {
    const tail = "strings must be well-formed Unicode (a surrogate needs its pair)";
    const refused = await expectServiceError(saveWorkflow(db, definition("wf-lone", { description: "x\ud800" }), "alice"), "VALIDATION_FAILED");
    expect(refused.details).toEqual([{ path: "description", message: `the string has a lone surrogate \\uD800 at character 1; ${tail}` }]);
    expect(await db.workflowDefinition.count({ where: { name: "wf-lone" } })).toBe(0);

    await saveWorkflow(db, definition("wf-lone-input"), "alice");
    const { startExecution } = await import("@/lib/services/executions");
    const input = await expectServiceError(startExecution(db, { workflow: "wf-lone-input", input: { list: [{ "\udc00": 1 }] } }, "alice"), "VALIDATION_FAILED");
    expect(input.message).toBe('the input has ill-formed text at input.list[0]["\\udc00"]');
    expect(input.details).toEqual([{ path: 'input.list[0]["\\udc00"]', message: `the key has a lone surrogate \\uDC00 at character 0; ${tail}` }]);
    expect(await db.execution.count({ where: { workflowName: "wf-lone-input" } })).toBe(0);
  });

  it("checks an execution input against the whole input schema (issue 12, point 12), compiled once per version", async () => {
    const { startExecution } = await import("@/lib/services/executions");
    const { inputSchemaCache } = await import("@/lib/services/execution-input");
    const input = {
      type: "object",
      required: ["count"],
      properties: {
        count: { type: "integer", minimum: 1 },
        target: { type: "object", required: ["host"], properties: { host: { type: "string", format: "hostname" }, ports: { type: "array", items: { type: "integer", maximum: 65535 } } } },
      },
    };
    const saved = await saveWorkflow(db, definition("wf-input", { input } as Partial<WorkflowDefinition>), "alice");
    const refused = await expectServiceError(startExecution(db, { workflow: "wf-input", input: { count: 0, target: { host: "-bad-", ports: [80, 70000] } } }, "alice"), "VALIDATION_FAILED");
    expect(refused.message).toBe("the input does not fit workflow 'wf-input' v1");
    expect(refused.details).toEqual([
      { path: "input.count", message: "must be >= 1" },
      { path: "input.target.host", message: 'must match format "hostname"' },
      { path: "input.target.ports[1]", message: "must be <= 65535" },
    ]);
    expect(await db.execution.count({ where: { workflowName: "wf-input" } })).toBe(0);
    const missing = await expectServiceError(startExecution(db, { workflow: "wf-input", input: { target: {} } }, "alice"), "VALIDATION_FAILED");
    expect(missing.details).toEqual([
      { path: "input.count", message: "is required" },
      { path: "input.target.host", message: "is required" },
    ]);
    const started = await startExecution(db, { workflow: "wf-input", input: { count: 1, target: { host: "example.com", ports: [443] } } }, "alice");
    expect(started.status).toBe("QUEUED");
    // One compiled validator for the version, reused by every start.
    const row = await db.workflowDefinition.findUnique({ where: { name_version: { name: "wf-input", version: 1 } } });
    expect(row?.checksum).toBe(saved.workflow.checksum);
    const compiled = inputSchemaCache.peek(row!.id);
    expect(compiled).toBeDefined();
    await startExecution(db, { workflow: "wf-input", input: { count: 2 } }, "alice");
    expect(inputSchemaCache.peek(row!.id)).toBe(compiled);
  });

  it("refuses to save an input schema that is not valid JSON Schema, naming the keyword", async () => {
    const input = { type: "object", properties: { count: { type: "integer", minimum: "one" } } };
    const error = await expectServiceError(saveWorkflow(db, definition("wf-bad-schema", { input } as Partial<WorkflowDefinition>), "alice"), "VALIDATION_FAILED");
    expect(error.details).toEqual([{ path: "input", message: "is not a valid JSON Schema: schema is invalid: data/properties/count/minimum must be number" }]);
  });

  it("stores the canonical text with the assigned version and exports it byte for byte", async () => {
    const saved = await saveWorkflow(db, definition("wf-export"), "alice");
    const { fileName, text } = await exportWorkflow(db, "wf-export");
    expect(fileName).toBe("wf-export.json");
    expect(text).toBe(serializeDefinition({ ...saved.workflow.definition }));
    expect(JSON.parse(text).version).toBe(1);
    expect(saved.workflow.checksum).toBe(definitionChecksum(definition("wf-export")));
  });

  it("refuses an invalid definition with every problem and stores nothing", async () => {
    const error = await expectServiceError(
      saveWorkflow(db, { name: "wf-bad", tasks: [{ key: "a", type: "transform", params: { output: 1 }, dependsOn: ["a", "zzz"] }] }, "alice"),
      "VALIDATION_FAILED",
    );
    expect(error.details.map((d) => d.path)).toEqual(expect.arrayContaining(["tasks[0].dependsOn[0]", "tasks[0].dependsOn[1]"]));
    await expectServiceError(getWorkflow(db, "wf-bad"), "NOT_FOUND");
  });

  it("refuses names that collide with fixed routes", async () => {
    const error = await expectServiceError(saveWorkflow(db, definition("new"), "alice"), "VALIDATION_FAILED");
    expect(error.details[0]).toEqual({ path: "name", message: "'new' is reserved; choose another workflow name" });
  });

  it("gives concurrent saves of one workflow distinct consecutive versions", async () => {
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => saveWorkflow(db, definition("wf-race", { description: `edit ${n}` }), `user${n}`)),
    );
    expect(results.every((r) => r.created)).toBe(true);
    expect(results.map((r) => r.workflow.version).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it("refuses to create a workflow whose name exists (issue 12, point 1), naming it with a link, and keeps what is stored", async () => {
    const stored = await saveWorkflow(db, definition("wf-taken"), "alice", { create: true });
    expect(stored).toMatchObject({ created: true, workflow: { version: 1, taskCount: 2 } });
    const newOne = { name: "wf-taken", tasks: [{ key: "only", type: "transform", params: { output: 1 } }] };
    const error = await expectServiceError(saveWorkflow(db, newOne, "bob", { create: true }), "CONFLICT");
    expect(error).toBeInstanceOf(SaveConflictError);
    expect(error.message).toBe("workflow 'wf-taken' already exists (v1, 2 tasks); open /workflows/wf-taken/edit to change it, or choose another name");
    expect(error.details).toEqual([{ path: "name", message: "a workflow named 'wf-taken' already exists (v1); creating it again would overwrite it" }]);
    expect((error as SaveConflictError).conflict).toMatchObject({ kind: "exists", workflow: "wf-taken", href: "/workflows/wf-taken/edit", base: null, latest: { version: 1, createdBy: "alice", taskCount: 2 } });
    // Nothing was written: the stored workflow keeps its two tasks.
    expect((await getWorkflow(db, "wf-taken")).definition.tasks.map((task) => task.key)).toEqual(["a", "b"]);
    expect(await getWorkflowVersions(db, "wf-taken")).toHaveLength(1);
    // Creating the same content again is no conflict (nothing would change), and a plain save still versions it.
    expect(await saveWorkflow(db, definition("wf-taken"), "bob", { create: true })).toMatchObject({ created: false, workflow: { version: 1 } });
    expect(await saveWorkflow(db, newOne, "bob")).toMatchObject({ created: true, workflow: { version: 2 } });
  });

  it("restores an old version as a new one (issue 12, point 3), recorded with who and from which, changing nothing older", async () => {
    await saveWorkflow(db, definition("wf-restore"), "alice");
    await saveWorkflow(db, definition("wf-restore", { description: "second" }), "bob");
    const restored = await restoreWorkflowVersion(db, "wf-restore", 1, "carol");
    expect(restored).toMatchObject({ created: true, workflow: { version: 3, createdBy: "carol", restoredFrom: 1, description: null } });
    expect(restored.workflow.checksum).toBe((await getWorkflow(db, "wf-restore", 1)).checksum);
    expect(restored.workflow.definition.tasks).toEqual((await getWorkflow(db, "wf-restore", 1)).definition.tasks);
    const versions = await getWorkflowVersions(db, "wf-restore");
    expect(versions.map((v) => [v.version, v.createdBy, v.restoredFrom, v.description])).toEqual([
      [3, "carol", 1, null],
      [2, "bob", null, "second"],
      [1, "alice", null, null],
    ]);
    // Restoring what already is the latest content writes nothing.
    expect(await restoreWorkflowVersion(db, "wf-restore", 3, "carol")).toMatchObject({ created: false, workflow: { version: 3 } });
    expect(await restoreWorkflowVersion(db, "wf-restore", 1, "carol")).toMatchObject({ created: false, workflow: { version: 3 } });
    // Based on an older latest: a conflict, and nothing written.
    const conflict = await expectServiceError(restoreWorkflowVersion(db, "wf-restore", 2, "dave", { baseVersion: 2 }), "CONFLICT");
    expect(conflict).toBeInstanceOf(SaveConflictError);
    await expectServiceError(restoreWorkflowVersion(db, "wf-restore", 9, "carol"), "NOT_FOUND");
    await expectServiceError(restoreWorkflowVersion(db, "wf-missing", 1, "carol"), "NOT_FOUND");
    expect(await getWorkflowVersions(db, "wf-restore")).toHaveLength(3);
  });

  it("refuses a save based on a version that is no longer the latest (issue 12, point 2), with both versions", async () => {
    await saveWorkflow(db, definition("wf-edit"), "alice");
    const theirs = await saveWorkflow(db, definition("wf-edit", { description: "theirs" }), "bob", { baseVersion: 1 });
    expect(theirs).toMatchObject({ created: true, workflow: { version: 2, createdBy: "bob" } });
    const mine = definition("wf-edit", { description: "mine" });
    const error = (await expectServiceError(saveWorkflow(db, mine, "carol", { baseVersion: 1 }), "CONFLICT")) as SaveConflictError;
    expect(error.message).toBe("workflow 'wf-edit' changed since v1: the latest version is v2 (by bob); nothing was saved — merge with it or save again based on v2");
    expect(error.conflict).toMatchObject({ kind: "stale", workflow: "wf-edit", href: "/workflows/wf-edit/edit", base: { version: 1, createdBy: "alice" }, latest: { version: 2, createdBy: "bob" } });
    expect(error.conflict.latest!.definition.description).toBe("theirs");
    expect(error.conflict.base!.definition.description).toBeUndefined();
    expect(await getWorkflowVersions(db, "wf-edit")).toHaveLength(2);
    // Based on the latest ("keep mine" after seeing theirs), it saves; by checksum (If-Match) too.
    expect(await saveWorkflow(db, mine, "carol", { baseVersion: 2 })).toMatchObject({ created: true, workflow: { version: 3 } });
    const latest = await getWorkflow(db, "wf-edit");
    const byChecksum = (await expectServiceError(saveWorkflow(db, definition("wf-edit"), "dave", { ifMatch: theirs.workflow.checksum }), "CONFLICT")) as SaveConflictError;
    expect(byChecksum.conflict).toMatchObject({ kind: "stale", base: { version: 2 }, latest: { version: 3 } });
    expect(await saveWorkflow(db, definition("wf-edit"), "dave", { ifMatch: latest.checksum })).toMatchObject({ created: true, workflow: { version: 4 } });
    // A base that does not exist: a version never saved, a workflow never saved.
    await expectServiceError(saveWorkflow(db, mine, "carol", { baseVersion: 9 }), "CONFLICT");
    const missing = (await expectServiceError(saveWorkflow(db, definition("wf-edit-ghost"), "carol", { baseVersion: 1 }), "CONFLICT")) as SaveConflictError;
    expect(missing.message).toBe("workflow 'wf-edit-ghost' does not exist, but the save was based on v1; nothing was saved");
  });

  it("lets exactly one of two saves based on the same version win", async () => {
    await saveWorkflow(db, definition("wf-edit-race"), "alice");
    const results = await Promise.allSettled(
      ["one", "two", "three"].map((who) => saveWorkflow(db, definition("wf-edit-race", { description: who }), who, { baseVersion: 1 })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason);
    expect(refused).toHaveLength(2);
    for (const reason of refused) expect(reason).toBeInstanceOf(SaveConflictError);
    expect(await getWorkflowVersions(db, "wf-edit-race")).toHaveLength(2);
  });

  it("imports all or nothing", async () => {
    const error = await expectServiceError(
      importWorkflows(db, [definition("wf-import-1"), { name: "wf-import-2", tasks: [] }], "alice"),
      "VALIDATION_FAILED",
    );
    expect(error.message).toMatch(/nothing was saved/);
    expect(error.details.every((d) => d.path.startsWith("[1]"))).toBe(true);
    await expectServiceError(getWorkflow(db, "wf-import-1"), "NOT_FOUND");

    const results = await importWorkflows(db, [definition("wf-import-1"), definition("wf-import-2")], "alice");
    expect(results.map((r) => [r.workflow.name, r.workflow.version, r.created])).toEqual([
      ["wf-import-1", 1, true],
      ["wf-import-2", 1, true],
    ]);
    const single = await importWorkflows(db, definition("wf-import-1"), "alice");
    expect(single).toHaveLength(1);
    expect(single[0]!.created).toBe(false);
    await expectServiceError(importWorkflows(db, [], "alice"), "BAD_REQUEST");
  });

  it("seeds the examples once", async () => {
    const first = await seedExampleWorkflows(db);
    expect(first.sort()).toEqual(exampleDefinitions.map((d) => d.name).sort());
    expect(await seedExampleWorkflows(db)).toEqual([]);
    const listed = await listWorkflows(db);
    for (const example of exampleDefinitions) {
      const summary = listed.find((w) => w.name === example.name);
      expect(summary, example.name).toBeDefined();
      expect(summary!.version).toBe(1);
      expect(summary!.taskCount).toBe(example.tasks.length);
      expect(summary!.createdBy).toBe("seed");
    }
    expect(listed.find((w) => w.name === "wf-save")).toMatchObject({ version: 3, versionCount: 3 });
  });
});
