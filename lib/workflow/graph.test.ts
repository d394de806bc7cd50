import { describe, expect, it } from "vitest";
import {
  buildTaskGraph,
  downstreamOf,
  edgesOf,
  findCycles,
  leavesOf,
  rootsOf,
  topologicalOrder,
  upstreamOf,
  type GraphTask,
} from "./graph";

//   build ─┬─ test_1 ─┐
//          ├─ test_2 ─┼─ deploy ── notify
//          └─ test_3 ─┘
//   lint (independent)
const pipeline: GraphTask[] = [
  { key: "deploy", dependsOn: ["test_1", "test_2", "test_3"] },
  { key: "test_2", dependsOn: ["build"] },
  { key: "lint" },
  { key: "build" },
  { key: "test_1", dependsOn: ["build"] },
  { key: "notify", dependsOn: ["deploy"] },
  { key: "test_3", dependsOn: ["build"] },
];

describe("graph", () => {
  it("derives edges from dependsOn, upstream → downstream", () => {
    expect(edgesOf([{ key: "a" }, { key: "b", dependsOn: ["a", "a", "ghost"] }])).toEqual([{ from: "a", to: "b" }]);
  });

  it("orders topologically, ties by original position", () => {
    expect(topologicalOrder(pipeline)).toEqual(["lint", "build", "test_2", "test_1", "test_3", "deploy", "notify"]);
    expect(topologicalOrder([{ key: "c" }, { key: "b" }, { key: "a" }])).toEqual(["c", "b", "a"]);
  });

  it("is its own fixpoint: ordering an ordered list changes nothing", () => {
    const order = topologicalOrder(pipeline)!;
    const reordered = order.map((key) => pipeline.find((task) => task.key === key)!);
    expect(topologicalOrder(reordered)).toEqual(order);
  });

  it("returns null for a cyclic graph, a self-dependency included", () => {
    expect(topologicalOrder([{ key: "a", dependsOn: ["b"] }, { key: "b", dependsOn: ["a"] }])).toBeNull();
    expect(topologicalOrder([{ key: "a", dependsOn: ["a"] }])).toBeNull();
  });

  it("finds each cycle as the keys on it in flow order, from the earliest task", () => {
    const tasks: GraphTask[] = [
      { key: "x" },
      { key: "a", dependsOn: ["c", "x"] },
      { key: "b", dependsOn: ["a"] },
      { key: "c", dependsOn: ["b"] },
      { key: "self", dependsOn: ["self"] },
      { key: "p", dependsOn: ["q"] },
      { key: "q", dependsOn: ["p"] },
    ];
    expect(findCycles(tasks)).toEqual([["a", "b", "c"], ["self"], ["p", "q"]]);
    expect(findCycles(pipeline)).toEqual([]);
  });

  it("finds a cycle in a long chain without exhausting the stack", () => {
    const chain: GraphTask[] = Array.from({ length: 5000 }, (_, index) => ({
      key: `t${index}`,
      dependsOn: [`t${(index + 4999) % 5000}`],
    }));
    const cycles = findCycles(chain);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(5000);
    expect(cycles[0]![0]).toBe("t0");
    expect(cycles[0]![1]).toBe("t1");
  });

  it("computes transitive upstream and downstream sets in task order", () => {
    expect(upstreamOf(pipeline, "notify")).toEqual(["deploy", "test_2", "build", "test_1", "test_3"]);
    expect(downstreamOf(pipeline, "build")).toEqual(["deploy", "test_2", "test_1", "notify", "test_3"]);
    expect(downstreamOf(pipeline, "lint")).toEqual([]);
    expect(upstreamOf(pipeline, "ghost")).toEqual([]);
  });

  it("finds roots and leaves", () => {
    expect(rootsOf(pipeline)).toEqual(["lint", "build"]);
    expect(leavesOf(pipeline)).toEqual(["lint", "notify"]);
  });

  it("answers direct neighbours and positions", () => {
    const graph = buildTaskGraph(pipeline);
    expect(graph.parentsOf("deploy")).toEqual(["test_1", "test_2", "test_3"]);
    expect(graph.childrenOf("build")).toEqual(["test_2", "test_1", "test_3"]);
    expect(graph.indexOf("lint")).toBe(2);
    expect(graph.indexOf("ghost")).toBeUndefined();
  });

  it("uses the first task of a duplicated key", () => {
    const graph = buildTaskGraph([{ key: "a" }, { key: "a", dependsOn: ["b"] }, { key: "b", dependsOn: ["a"] }]);
    expect(graph.upstreamOf("b")).toEqual(["a"]);
    expect(graph.findCycles()).toEqual([]);
  });
});
