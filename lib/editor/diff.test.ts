import { describe, expect, it } from "vitest";
import { describeDiff, diffDefinitions } from "@/lib/editor/diff";
import type { WorkflowDefinition } from "@/lib/workflow";

//   build ─ test ─ deploy
const v1 = {
  name: "w",
  version: 1,
  description: "one",
  tasks: [
    { key: "build", type: "http", params: { url: "https://a.example/build", method: "POST" } },
    { key: "test", type: "worker", dependsOn: ["build"], params: { taskType: "run_tests" } },
    { key: "deploy", type: "transform", dependsOn: ["test"], params: { output: 1 } },
  ],
  layout: { build: { x: 0, y: 0 }, test: { x: 300, y: 0 }, deploy: { x: 600, y: 0 } },
} as WorkflowDefinition;

describe("diffDefinitions", () => {
  it("finds nothing between a version and itself (version number ignored)", () => {
    const diff = diffDefinitions(v1, { ...v1, version: 2 });
    expect(diff.identical).toBe(true);
    expect(describeDiff(diff)).toEqual(["no changes"]);
  });

  it("reports a moved node as layout-only", () => {
    const diff = diffDefinitions(v1, { ...v1, layout: { ...v1.layout, test: { x: 300, y: 120 } } });
    expect(diff).toMatchObject({ layoutOnly: true, identical: false, moved: ["test"], changed: [], added: [], removed: [] });
    expect(describeDiff(diff)).toEqual(["layout only: 1 task moved (test)"]);
  });

  it("reports added, removed and changed tasks with the changed fields and dependencies", () => {
    //   build ─┬ test ───┐
    //          └ lint ───┴ release
    const v2 = {
      ...v1,
      description: "two",
      tasks: [
        { key: "build", type: "http", params: { url: "https://a.example/build2", method: "POST" }, retry: { maximumAttempts: 3 } },
        { key: "test", type: "worker", dependsOn: ["build"], params: { taskType: "run_tests" } },
        { key: "lint", type: "worker", dependsOn: ["build"], params: { taskType: "lint" } },
        { key: "release", type: "transform", dependsOn: ["test", "lint"], params: { output: 1 } },
      ],
    } as WorkflowDefinition;
    const diff = diffDefinitions(v1, v2);
    expect(diff.added).toEqual(["lint", "release"]);
    expect(diff.removed).toEqual(["deploy"]);
    expect(diff.changed).toEqual([
      {
        taskKey: "build",
        fields: [
          { field: "params.url", before: "https://a.example/build", after: "https://a.example/build2" },
          { field: "retry", before: undefined, after: { maximumAttempts: 3 } },
        ],
        dependenciesAdded: [],
        dependenciesRemoved: [],
      },
    ]);
    expect(diff.workflowFields).toEqual([{ field: "description", before: "one", after: "two" }]);
    expect(diff.layoutOnly).toBe(false);
    expect(describeDiff(diff)).toEqual([
      "~ workflow description",
      "+ task lint",
      "+ task release",
      "- task deploy",
      "~ task build: params.url, retry",
    ]);
  });

  it("reports rewiring as dependency changes, key order ignored", () => {
    const v2 = {
      ...v1,
      tasks: [v1.tasks[0], v1.tasks[1], { params: { output: 1 }, type: "transform", key: "deploy", dependsOn: ["build"] }],
    } as WorkflowDefinition;
    const diff = diffDefinitions(v1, v2);
    expect(diff.changed).toEqual([{ taskKey: "deploy", fields: [], dependenciesAdded: ["build"], dependenciesRemoved: ["test"] }]);
    expect(describeDiff(diff)).toEqual(["~ task deploy: +depends on build, -depends on test"]);
  });
});
