import { describe, expect, it } from "vitest";
import { withCompleteLayout } from "@/lib/services/workflow-graphs";
import type { WorkflowDefinition } from "@/lib/workflow";

//   a ─┬─ b
//      └─ c
const definition = {
  name: "fan",
  tasks: [
    { key: "a", type: "transform", params: { output: 1 } },
    { key: "b", type: "transform", dependsOn: ["a"], params: { output: 1 } },
    { key: "c", type: "transform", dependsOn: ["a"], params: { output: 1 } },
  ],
} as WorkflowDefinition;

describe("withCompleteLayout", () => {
  it("lays out a definition stored without a layout: every task gets its own integer position", async () => {
    const laid = await withCompleteLayout(definition);
    const points = definition.tasks.map((task) => laid.layout![task.key]!);
    expect(new Set(points.map((p) => `${p.x},${p.y}`)).size).toBe(3);
    for (const p of points) expect(Number.isInteger(p.x) && Number.isInteger(p.y)).toBe(true);
    expect(points[1]!.x).toBeGreaterThan(points[0]!.x); // left to right
  });

  it("keeps the positions a definition has and returns a complete one unchanged", async () => {
    const partial = { ...definition, layout: { a: { x: 7, y: 9 } } };
    expect((await withCompleteLayout(partial)).layout!.a).toEqual({ x: 7, y: 9 });
    const complete = { ...definition, layout: { a: { x: 0, y: 0 }, b: { x: 300, y: 0 }, c: { x: 300, y: 100 } } };
    expect(await withCompleteLayout(complete)).toBe(complete);
  });
});
