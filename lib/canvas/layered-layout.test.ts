import { describe, expect, it } from "vitest";
import { layeredLayout, LAYER_GAP, ROW_GAP } from "@/lib/canvas/layered-layout";
import { TASK_NODE_HEIGHT, TASK_NODE_WIDTH } from "@/lib/canvas/definition-to-flow";

const graph = (ids: string[], pairs: [string, string][]) => ({
  nodes: ids.map((id) => ({ id })),
  edges: pairs.map(([source, target]) => ({ id: `${source}->${target}`, source, target })),
});
const STEP_X = TASK_NODE_WIDTH + LAYER_GAP;
const STEP_Y = TASK_NODE_HEIGHT + ROW_GAP;

describe("layeredLayout", () => {
  it("puts a chain on one row, one layer per task, left to right", () => {
    //   a ─ b ─ c
    const p = layeredLayout(graph(["a", "b", "c"], [["a", "b"], ["b", "c"]]));
    expect(p).toEqual({ a: { x: 0, y: 0 }, b: { x: STEP_X, y: 0 }, c: { x: 2 * STEP_X, y: 0 } });
  });

  it("stacks a fan-out in task order and centres the tasks before and after it", () => {
    //   build ─┬─ test_1 ─┬─ deploy
    //          └─ test_2 ─┘
    const p = layeredLayout(graph(["build", "test_1", "test_2", "deploy"], [["build", "test_1"], ["build", "test_2"], ["test_1", "deploy"], ["test_2", "deploy"]]));
    expect(p.test_1).toEqual({ x: STEP_X, y: 0 });
    expect(p.test_2).toEqual({ x: STEP_X, y: STEP_Y });
    expect(p.build).toEqual({ x: 0, y: Math.round(STEP_Y / 2) });
    expect(p.deploy).toEqual({ x: 2 * STEP_X, y: Math.round(STEP_Y / 2) });
  });

  it("places a task without dependencies just before its first dependent", () => {
    //   a ─ b ─ c
    //       x ──┘
    const p = layeredLayout(graph(["a", "b", "c", "x"], [["a", "b"], ["b", "c"], ["x", "c"]]));
    expect(p.x!.x).toBe(STEP_X);
    expect(p.c!.x).toBe(2 * STEP_X);
  });

  it("reorders a layer to undo a crossing the task order would make", () => {
    //   a ─ d      (task order puts c above d; c depends on b, d on a)
    //   b ─ c
    const p = layeredLayout(graph(["a", "b", "c", "d"], [["b", "c"], ["a", "d"]]));
    expect(p.a!.y).toBeLessThan(p.b!.y);
    expect(p.d!.y).toBeLessThan(p.c!.y);
  });

  it("terminates on a cycle and still places every task", () => {
    const p = layeredLayout(graph(["a", "b", "c"], [["a", "b"], ["b", "c"], ["c", "a"]]));
    expect(Object.keys(p).sort()).toEqual(["a", "b", "c"]);
  });

  it("gives every card of a 500-task graph its own spot", () => {
    const ids: string[] = [];
    const pairs: [string, string][] = [];
    for (let l = 0; l < 50; l++) {
      for (let i = 0; i < 10; i++) {
        ids.push(`t${l}_${i}`);
        if (l > 0) pairs.push([`t${l - 1}_${i}`, `t${l}_${i}`], [`t${l - 1}_${(i + 1) % 10}`, `t${l}_${i}`]);
      }
    }
    const p = layeredLayout(graph(ids, pairs));
    expect(new Set(Object.values(p).map(({ x, y }) => `${x},${y}`)).size).toBe(500);
    expect(Math.max(...Object.values(p).map(({ x }) => x))).toBe(49 * STEP_X);
    expect(Math.min(...Object.values(p).map(({ y }) => y))).toBe(0);
  });
});
