import { describe, expect, it } from "vitest";
import { formatDurationMs, formatUtc, indexTasks, isEdgeTaken, overlayFor, type TaskRunInput } from "@/lib/canvas/execution-overlay";

const t0 = Date.parse("2026-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(t0 + ms).toISOString();

const tasks: TaskRunInput[] = [
  {
    taskKey: "fetch",
    mapIndex: -1,
    taskType: "http",
    status: "COMPLETED",
    attempts: [
      { attempt: 1, status: "FAILED", startedAt: at(0), endedAt: at(100) },
      { attempt: 2, status: "COMPLETED", startedAt: at(1100), endedAt: at(1500) },
    ],
  },
  { taskKey: "items", mapIndex: -1, taskType: "map", status: "RUNNING", attempts: [{ attempt: 1, status: "RUNNING", startedAt: at(0), endedAt: null }] },
  { taskKey: "items", mapIndex: 0, taskType: "transform", status: "COMPLETED", attempts: [] },
  { taskKey: "items", mapIndex: 1, taskType: "transform", status: "FAILED", attempts: [] },
  { taskKey: "items", mapIndex: 2, taskType: "transform", status: "COMPLETED", attempts: [] },
];

describe("overlayFor", () => {
  it("shows a task that was not reached as PENDING", () => {
    expect(overlayFor("later", indexTasks(tasks), null, t0)).toEqual({ status: "PENDING", attempt: 0, maxAttempts: null, durationMs: null, itemCounts: null, childExecutionId: null });
  });

  it("reports the latest attempt and the time from the first start to the last end", () => {
    expect(overlayFor("fetch", indexTasks(tasks), 3, t0 + 9999)).toMatchObject({ status: "COMPLETED", attempt: 2, maxAttempts: 3, durationMs: 1500 });
  });

  it("counts map items per status and runs the clock while the task runs", () => {
    expect(overlayFor("items", indexTasks(tasks), null, t0 + 700)).toMatchObject({ status: "RUNNING", durationMs: 700, itemCounts: { COMPLETED: 2, FAILED: 1 } });
  });
});

describe("isEdgeTaken", () => {
  it.each([
    ["COMPLETED", "RUNNING", true],
    ["COMPLETED", "COMPLETED", true],
    ["COMPLETED", "PENDING", false],
    ["COMPLETED", "SKIPPED", false],
    ["FAILED", "UPSTREAM_FAILED", false],
  ])("%s → %s: %s", (source, target, taken) => expect(isEdgeTaken(source, target)).toBe(taken));
});

describe("formatDurationMs", () => {
  it.each([
    [null, ""],
    [42, "42 ms"],
    [1500, "1.5 s"],
    [12_400, "12 s"],
    [125_000, "2m 5s"],
    [3_720_000, "1h 2m"],
  ])("%s → %s", (ms, text) => expect(formatDurationMs(ms)).toBe(text));
});

describe("formatUtc", () => {
  it("is the same wherever it renders", () => expect(formatUtc("2026-11-22T16:10:32.123Z")).toBe("2026-11-22 16:10:32 UTC"));
});
