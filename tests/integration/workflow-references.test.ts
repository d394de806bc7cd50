// References between workflows (subworkflow tasks, maps of a workflow, subworkflow item tasks of a
// map) on both databases: an unknown workflow is a warning at save and a 409 at start, a task that
// runs its own workflow is a warning, and a save that would close a cycle between stored workflows
// is refused naming the chain (and stores nothing).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS } from "../helpers/db";
import type { Db } from "@/lib/db/client";
import { ServiceError } from "@/lib/services/errors";
import { startExecution } from "@/lib/services/executions";
import { importWorkflows, saveWorkflow } from "@/lib/services/workflows";

const leaf = (name: string) => ({ name, tasks: [{ key: "done", type: "transform", params: { output: 1 } }] });
const runs = (name: string, workflow: string, extra: Record<string, unknown> = {}) => ({
  name,
  tasks: [{ key: "child", type: "subworkflow", params: { workflow, ...extra } }],
});

async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe.each(TEST_PROVIDERS)("workflow references on %s", (provider) => {
  let db: Db;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const test = await createTestDatabase(provider);
    db = test.db;
    cleanup = test.cleanup;
  });
  afterAll(async () => cleanup?.());

  it("saves a definition running unknown workflows, with a warning for each, and refuses to start it until they exist", async () => {
    await saveWorkflow(db, leaf("ref-known"), "test");
    const parent = {
      name: "ref-parent",
      tasks: [
        { key: "sub", type: "subworkflow", params: { workflow: "ref-ghost" } },
        { key: "pinned", type: "subworkflow", params: { workflow: "ref-known", version: 9 } },
        { key: "fan", type: "map", params: { items: [1, 2], workflow: { name: "ref-ghost-map" } } },
        { key: "items", type: "map", params: { items: [1], task: { type: "subworkflow", params: { workflow: "ref-known" } } } },
      ],
    };
    const saved = await saveWorkflow(db, parent, "test");
    expect(saved.created).toBe(true);
    const tail = "which does not exist (yet): executions of this workflow cannot start until it is saved";
    expect(saved.warnings).toEqual([
      { path: "tasks[0].params.workflow", code: "unknown_workflow", message: `task "sub" runs workflow "ref-ghost", ${tail}` },
      { path: "tasks[1].params.workflow", code: "unknown_workflow", message: `task "pinned" runs workflow "ref-known" v9, ${tail}` },
      { path: "tasks[2].params.workflow.name", code: "unknown_workflow", message: `task "fan" runs workflow "ref-ghost-map", ${tail}` },
    ]);
    // The same content saved again changes nothing and still warns.
    expect(await saveWorkflow(db, parent, "test")).toMatchObject({ created: false, warnings: saved.warnings });

    const refused = await refusal(startExecution(db, { workflow: "ref-parent" }, "test"));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.httpStatus).toBe(409);
    expect(refused.message).toBe(
      `workflow 'ref-parent' v1 cannot start: task "sub" runs workflow "ref-ghost", which does not exist; ` +
        `task "pinned" runs workflow "ref-known" v9, which does not exist; task "fan" runs workflow "ref-ghost-map", which does not exist; save the missing workflow first`,
    );
    expect(refused.details.map((detail) => detail.path)).toEqual(["tasks[0].params.workflow", "tasks[1].params.workflow", "tasks[2].params.workflow.name"]);
    expect(await db.execution.count({ where: { workflowName: "ref-parent" } })).toBe(0);

    // Once they exist (the pinned version too), it starts.
    await saveWorkflow(db, leaf("ref-ghost"), "test");
    await saveWorkflow(db, leaf("ref-ghost-map"), "test");
    for (let version = 2; version <= 9; version += 1) await saveWorkflow(db, { ...leaf("ref-known"), description: `v${version}` }, "test");
    expect((await saveWorkflow(db, { ...parent, description: "all there" }, "test")).warnings).toEqual([]);
    const started = await startExecution(db, { workflow: "ref-parent", version: 1 }, "test");
    expect(started.workflowVersion).toBe(1);
  });

  it("warns on a task that runs its own workflow, and starts it", async () => {
    const saved = await saveWorkflow(db, runs("ref-self", "ref-self"), "test");
    expect(saved.created).toBe(true);
    expect(saved.warnings).toEqual([
      {
        path: "tasks[0].params.workflow",
        code: "self_workflow_reference",
        message: 'task "child" runs this workflow itself: every execution starts another one, without end unless a condition stops it',
      },
    ]);
    const started = await startExecution(db, { workflow: "ref-self" }, "test");
    expect(started.workflowName).toBe("ref-self");
  });

  it("refuses a save that closes a cycle between workflows, naming the chain, and stores nothing", async () => {
    await saveWorkflow(db, runs("ref-a", "ref-b"), "test"); // a → b, b not saved yet: a warning
    const twoStep = await refusal(saveWorkflow(db, runs("ref-b", "ref-a"), "test"));
    expect(twoStep.code).toBe("CONFLICT");
    expect(twoStep.message).toBe("workflow 'ref-b' is not saved: it would close a cycle of workflows ref-b → ref-a → ref-b");
    expect(twoStep.details).toEqual([
      { path: "tasks[0].params.workflow", message: 'task "child" runs workflow "ref-a", which leads back to "ref-b": ref-b → ref-a → ref-b' },
    ]);
    expect(await db.workflowDefinition.count({ where: { name: "ref-b" } })).toBe(0);

    // Longer chains, through a map of a workflow: c → d → (map) e → c.
    await saveWorkflow(db, runs("ref-d", "ref-e"), "test");
    await saveWorkflow(db, { name: "ref-e", tasks: [{ key: "each", type: "map", params: { items: [1], workflow: { name: "ref-c" } } }] }, "test");
    const longer = await refusal(saveWorkflow(db, runs("ref-c", "ref-d"), "test"));
    expect(longer.message).toBe("workflow 'ref-c' is not saved: it would close a cycle of workflows ref-c → ref-d → ref-e → ref-c");

    // A pinned version is followed as pinned: ref-f v1 runs nothing, v2 runs ref-g; ref-g → ref-f v1 is no cycle.
    await saveWorkflow(db, leaf("ref-f"), "test");
    await saveWorkflow(db, runs("ref-g", "ref-f", { version: 1 }), "test");
    const f2 = await saveWorkflow(db, runs("ref-f", "ref-g"), "test");
    expect(f2).toMatchObject({ created: true, warnings: [], workflow: { version: 2 } });
    // Cycles that do not pass through the saved workflow are not its to refuse.
    expect((await saveWorkflow(db, runs("ref-h", "ref-self"), "test")).warnings).toEqual([]);
  });

  it("checks an import as a whole: references between its definitions count, and a cycle among them stores none", async () => {
    const results = await importWorkflows(db, [runs("ref-imp-parent", "ref-imp-child"), leaf("ref-imp-child")], "test");
    expect(results.map((result) => [result.workflow.name, result.created, result.warnings])).toEqual([
      ["ref-imp-parent", true, []],
      ["ref-imp-child", true, []],
    ]);
    const cyclic = await refusal(importWorkflows(db, [runs("ref-imp-x", "ref-imp-y"), runs("ref-imp-y", "ref-imp-x")], "test"));
    expect(cyclic.message).toBe("workflow 'ref-imp-x' is not saved: it would close a cycle of workflows ref-imp-x → ref-imp-y → ref-imp-x");
    expect(await db.workflowDefinition.count({ where: { name: { in: ["ref-imp-x", "ref-imp-y"] } } })).toBe(0);
  });
});
