import { describe, expect, it } from "vitest";
import { workflowReferences } from "./references";
import { validateDefinition } from "./validate";
import type { WorkflowDefinition } from "./schema";

const definition = {
  name: "parent",
  tasks: [
    { key: "first", type: "transform", params: { output: 1 } },
    { key: "sub", type: "subworkflow", params: { workflow: "child" } },
    { key: "pinned", type: "subworkflow", params: { workflow: "child", version: 3 } },
    { key: "fan", type: "map", params: { items: [1], workflow: { name: "per-item", version: 2 } } },
    { key: "items", type: "map", params: { items: [1], task: { type: "subworkflow", params: { workflow: "parent" } } } },
    { key: "plain", type: "map", params: { items: [1], task: { type: "transform", params: { output: 1 } } } },
  ],
} as WorkflowDefinition;

describe("workflowReferences", () => {
  it("lists subworkflow tasks, maps of a workflow and subworkflow item tasks, with their paths", () => {
    expect(workflowReferences(definition)).toEqual([
      { taskKey: "sub", path: "tasks[1].params.workflow", workflow: "child" },
      { taskKey: "pinned", path: "tasks[2].params.workflow", workflow: "child", version: 3 },
      { taskKey: "fan", path: "tasks[3].params.workflow.name", workflow: "per-item", version: 2 },
      { taskKey: "items", path: "tasks[4].params.task.params.workflow", workflow: "parent" },
    ]);
  });
});

describe("validateDefinition: warnings", () => {
  it("warns on a task that runs its own workflow, and stays valid", () => {
    const result = validateDefinition(definition);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toEqual([
      {
        path: "tasks[4].params.task.params.workflow",
        code: "self_workflow_reference",
        message: 'task "items" runs this workflow itself: every execution starts another one, without end unless a condition stops it',
      },
    ]);
  });

  it("has no warnings for a definition that runs other workflows only", () => {
    const result = validateDefinition({ name: "x", tasks: [{ key: "a", type: "subworkflow", params: { workflow: "y" } }] });
    expect(result).toMatchObject({ ok: true, warnings: [] });
  });
});
