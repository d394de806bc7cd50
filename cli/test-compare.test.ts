import { describe, expect, it } from "vitest";
import { compareResult, diffLines, jsonEqual } from "./test-compare";
import type { WorkflowTestResult } from "@/lib/services/workflow-test/schema";

const result = (over: Partial<WorkflowTestResult> = {}): WorkflowTestResult => ({
  workflow: { name: "w", version: 1 },
  status: "COMPLETED",
  timedOut: false,
  durationMs: 5,
  output: { total: 3, items: ["a", "b"] },
  error: null,
  tasks: [{ key: "a", mapIndex: -1, type: "transform", status: "COMPLETED", mocked: false, attempts: [{ attempt: 1, status: "COMPLETED", input: null, output: { n: 1 }, error: null, startedAt: null, endedAt: null }] }],
  ...over,
});

describe("flowdeck test's comparison", () => {
  it("passes on equal JSON whatever the key order", () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(compareResult({ status: "COMPLETED", output: { items: ["a", "b"], total: 3 }, tasks: { a: { status: "COMPLETED", output: { n: 1 } } } }, result())).toEqual([]);
  });

  it("names every mismatch: status, output, a task's status or output, a task never reached", () => {
    const mismatches = compareResult({ status: "FAILED", output: { total: 4 }, tasks: { a: { output: { n: 2 } }, ghost: "COMPLETED" } }, result());
    expect(mismatches.map((m) => m.path)).toEqual(["status", "output", "tasks.a.output", "tasks.ghost"]);
  });

  it("diffs pretty JSON line by line: - expected, + actual, the rest as context", () => {
    expect(diffLines({ a: 1, b: 2 }, { a: 1, b: 3 })).toEqual(["  {", '    "a": 1,', '-   "b": 2', '+   "b": 3', "  }"]);
  });
});
