import { describe, expect, it } from "vitest";
import { definitionToFlow } from "@/lib/canvas/definition-to-flow";
import { autoLayout } from "@/lib/canvas/auto-layout";
import type { WorkflowDefinition } from "@/lib/workflow";

//   build ─┬─ test_1 ─┐
//          └─ test_2 ─┴─ deploy
const fanOut = {
  name: "fan",
  tasks: [
    { key: "build", type: "transform", params: { output: 1 } },
    { key: "test_1", name: "Unit tests", type: "transform", dependsOn: ["build"], params: { output: 1 } },
    { key: "test_2", type: "worker", dependsOn: ["build"], params: { taskType: "run_tests" } },
    { key: "deploy", type: "transform", dependsOn: ["test_1", "test_2"], params: { output: 1 } },
  ],
  layout: { build: { x: 10, y: 20 } },
} as WorkflowDefinition;

//   route ─ big ──▶ heavy
//         └ default ▶ light
const withSwitch = {
  name: "sw",
  tasks: [
    {
      key: "route",
      type: "switch",
      params: { cases: [{ name: "big", when: "{% $input.size > 10 %}", next: ["heavy"] }], default: ["light"] },
    },
    { key: "heavy", type: "transform", dependsOn: ["route"], params: { output: 1 } },
    { key: "light", type: "transform", dependsOn: ["route"], params: { output: 1 } },
  ],
} as WorkflowDefinition;

describe("definitionToFlow", () => {
  it("maps one node per task and one edge per dependency", () => {
    const { nodes, edges } = definitionToFlow(fanOut);
    expect(nodes.map((n) => n.id)).toEqual(["build", "test_1", "test_2", "deploy"]);
    expect(edges.map((e) => e.id)).toEqual(["build->test_1", "build->test_2", "test_1->deploy", "test_2->deploy"]);
    expect(nodes[1]!.data).toMatchObject({ taskKey: "test_1", label: "Unit tests", taskType: "transform" });
    expect(nodes[2]!.data.summary).toContain("run_tests");
  });

  it("uses the stored layout where there is one", () => {
    const { nodes } = definitionToFlow(fanOut);
    expect(nodes[0]!.position).toEqual({ x: 10, y: 20 });
    expect(nodes[1]!.position).toEqual({ x: 0, y: 0 });
  });

  it("labels switch edges with their branch, leaving from that branch's handle", () => {
    const { nodes, edges } = definitionToFlow(withSwitch);
    expect(edges).toEqual([
      { id: "route->heavy", source: "route", target: "heavy", label: "big", sourceHandle: "case-0" },
      { id: "route->light", source: "route", target: "light", label: "default", sourceHandle: "default" },
    ]);
    expect(nodes[0]!.data.branches).toEqual([
      { id: "case-0", name: "big" },
      { id: "default", name: "default" },
    ]);
    expect(nodes[1]!.data.branches).toBeUndefined();
  });

  it("draws a task in two branches once, from the first, labelled with both; one in none from the default", () => {
    const definition = {
      name: "two",
      tasks: [
        { key: "route", type: "switch", params: { cases: [{ name: "few", when: "{% true %}", next: ["a"] }, { name: "many", when: "{% true %}", next: ["a", "b"] }] } },
        { key: "a", type: "transform", dependsOn: ["route"], params: { output: 1 } },
        { key: "b", type: "transform", dependsOn: ["route"], params: { output: 1 } },
        { key: "stray", type: "transform", dependsOn: ["route"], params: { output: 1 } },
      ],
    } as WorkflowDefinition;
    expect(definitionToFlow(definition).edges.map(({ id, label, sourceHandle }) => ({ id, label, sourceHandle }))).toEqual([
      { id: "route->a", label: "few, many", sourceHandle: "case-0" },
      { id: "route->b", label: "many", sourceHandle: "case-1" },
      { id: "route->stray", label: undefined, sourceHandle: "default" },
    ]);
  });
});

describe("autoLayout", () => {
  it("lays a fan-out left to right: upstream before downstream, parallel tasks stacked", async () => {
    const { nodes, edges } = definitionToFlow(fanOut);
    const laid = await autoLayout(nodes, edges);
    const at = Object.fromEntries(laid.map((n) => [n.id, n.position]));
    expect(at.build!.x).toBeLessThan(at.test_1!.x);
    expect(at.test_1!.x).toBe(at.test_2!.x);
    expect(at.test_1!.y).toBeLessThan(at.test_2!.y); // siblings keep the definition's order
    expect(at.test_2!.x).toBeLessThan(at.deploy!.x);
  });
});
