import { describe, expect, it } from "vitest";
import type { TaskDefinition } from "./schema";
import { TASK_TYPES } from "./schema";
import { TASK_TYPE_INFO, formatDuration, summarizeTask, taskTypesByGroup } from "./task-types";

describe("task type metadata", () => {
  it("describes every task type with a label, a group and a lucide icon name", () => {
    expect(Object.keys(TASK_TYPE_INFO)).toEqual([...TASK_TYPES]);
    for (const type of TASK_TYPES) {
      const info = TASK_TYPE_INFO[type];
      expect(info.type).toBe(type);
      expect(info.label).not.toBe("");
      expect(info.description).not.toBe("");
      expect(info.icon).toMatch(/^[A-Z][A-Za-z0-9]+$/);
    }
    expect(TASK_TYPES.map((type) => TASK_TYPE_INFO[type].icon)).toEqual([
      "Globe",
      "Braces",
      "Cpu",
      "Timer",
      "UserCheck",
      "GitBranch",
      "Repeat",
      "Workflow",
      "OctagonX",
      "Terminal",
    ]);
  });

  it("groups task types for the palette, every type exactly once", () => {
    const groups = taskTypesByGroup();
    expect(groups.map((entry) => entry.group)).toEqual(["Call", "Logic", "Flow", "Human", "Run"]);
    expect(groups.flatMap((entry) => entry.types.map((info) => info.type)).sort()).toEqual([...TASK_TYPES].sort());
    expect(groups.every((entry) => entry.types.length > 0)).toBe(true);
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0ms"],
    [250, "250ms"],
    [1000, "1s"],
    [1500, "1.5s"],
    [5000, "5s"],
    [90_000, "1m 30s"],
    [3_600_000, "1h"],
    [3_660_000, "1h 1m"],
    [86_400_000 + 4 * 3_600_000, "1d 4h"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("summarizeTask", () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ type: "http", params: { url: "https://api.example.com/users", method: "POST" } }, "POST https://api.example.com/users"],
    [{ type: "http", params: { url: "{% 'https://x/' & $input.id %}" } }, "GET 'https://x/' & $input.id"],
    [{ type: "transform", params: { output: { success: 1, failure: 2 } } }, "→ { success, failure }"],
    [{ type: "transform", params: { output: "{% $input.a * 2 %}" } }, "→ $input.a * 2"],
    [{ type: "worker", params: { taskType: "get_user_email" } }, "worker: get_user_email"],
    [{ type: "worker", params: { taskType: "resize", concurrencyLimit: 4 } }, "worker: resize (max 4)"],
    [{ type: "wait", params: { durationMs: 5000 } }, "wait 5s"],
    [{ type: "wait", params: { until: "2030-01-01T09:00:00Z" } }, "until 2030-01-01T09:00:00Z"],
    [{ type: "approval", params: { prompt: "Ship it?" } }, "approve: Ship it?"],
    [{ type: "approval", params: { approvers: ["ana", "bo"] } }, "approval by ana, bo"],
    [{ type: "approval", params: {} }, "awaiting approval"],
    [
      { type: "switch", params: { cases: [{ name: "big", when: "{% true %}", next: [] }, { name: "small", when: "{% true %}", next: [] }], default: [] } },
      "switch: big | small | default",
    ],
    [
      { type: "map", params: { items: [1, 2, 3, 4], concurrency: 4, workflow: { name: "child-process-item" } } },
      "for each in [1,2,3,4] → child-process-item",
    ],
    [
      { type: "map", params: { items: "{% $input.files %}", task: { type: "worker", params: { taskType: "resize" } } } },
      "for each in $input.files → worker: resize",
    ],
    [{ type: "subworkflow", params: { workflow: "billing", version: 3 } }, "run billing v3"],
    [{ type: "terminate", params: { status: "FAILED", reason: "quota exceeded" } }, "end FAILED: quota exceeded"],
    [{ type: "shell", params: { command: "make", args: ["test", "-j4"] } }, "$ make test -j4"],
  ];
  it.each(cases)("%j → %s", (task, summary) => {
    expect(summarizeTask({ key: "k", ...task } as TaskDefinition)).toBe(summary);
  });

  it("clips long summaries to one line", () => {
    const summary = summarizeTask({
      key: "k",
      type: "http",
      params: { url: `https://example.com/${"a".repeat(200)}` },
    });
    expect(summary.length).toBeLessThanOrEqual(80);
    expect(summary.endsWith("…")).toBe(true);
  });
});
