import { describe, expect, it } from "vitest";
import type { ExecutionDelta } from "@/lib/services/execution-delta";
import type { ExecutionView, TaskView } from "@/lib/services/executions";
import { eventIdBefore, mergeExecutionDeltas } from "./live-merge";

const task = (taskKey: string, mapIndex: number, status: string): TaskView => ({ taskKey, mapIndex, taskType: "transform", status, attempts: [] });
const { tasks: _tasks, history: _history, ...header } = {
  id: "e1", workflowName: "w", workflowVersion: 1, status: "RUNNING", input: {}, output: null, error: null, correlationId: null, parentExecutionId: null,
  parentTaskRunId: null, createdBy: "test", trigger: null, createdAt: "2026-12-08T00:00:00.000Z", startedAt: "2026-12-08T00:00:00.000Z", endedAt: null, pausedAt: null,
  tasks: [], history: { superseded: [], inputs: [] },
} satisfies ExecutionView;
const view = (tasks: TaskView[]): ExecutionView => ({ ...header, tasks, history: { superseded: [], inputs: [] } });
const delta = (lastEventId: string, tasks: TaskView[], changes: Partial<ExecutionDelta["execution"]> = {}, reload = false): ExecutionDelta => ({ lastEventId, reload, execution: { ...header, ...changes }, tasks });

describe("mergeExecutionDeltas", () => {
  it("replaces the tasks a delta names, keeps the others (the same objects), and takes the execution's fields of the last delta", () => {
    const a = task("a", -1, "COMPLETED");
    const before = view([a, task("m", -1, "RUNNING"), task("m", 0, "RUNNING")]);
    const merged = mergeExecutionDeltas(before, [delta("5", [task("m", 0, "COMPLETED")]), delta("7", [task("m", -1, "COMPLETED")], { status: "COMPLETED", output: { ok: 1 } })])!;
    expect(merged.tasks.map((t) => [t.taskKey, t.mapIndex, t.status])).toEqual([["a", -1, "COMPLETED"], ["m", -1, "COMPLETED"], ["m", 0, "COMPLETED"]]);
    expect(merged.tasks[0]).toBe(a);
    expect(merged).toMatchObject({ status: "COMPLETED", output: { ok: 1 } });
    expect(merged.history).toBe(before.history);
  });

  it("inserts new tasks in the API's order (task key, then map index), the latest row of a slot winning", () => {
    const merged = mergeExecutionDeltas(view([task("b", -1, "RUNNING")]), [delta("3", [task("m", 10, "RUNNING"), task("a", -1, "SCHEDULED")]), delta("4", [task("m", 2, "RUNNING"), task("a", -1, "RUNNING")])])!;
    expect(merged.tasks.map((t) => `${t.taskKey}#${t.mapIndex}:${t.status}`)).toEqual(["a#-1:RUNNING", "b#-1:RUNNING", "m#2:RUNNING", "m#10:RUNNING"]);
  });

  it("answers null when a delta asks for a reload, and the view itself for no delta", () => {
    const before = view([]);
    expect(mergeExecutionDeltas(before, [delta("1", []), delta("2", [], {}, true)])).toBeNull();
    expect(mergeExecutionDeltas(before, [])).toBe(before);
  });
});

describe("eventIdBefore", () => {
  it("orders decimal ids of any length; null is before every event", () => {
    expect(eventIdBefore("9", "10")).toBe(true);
    expect(eventIdBefore("10", "9")).toBe(false);
    expect(eventIdBefore("12", "12")).toBe(false);
    expect(eventIdBefore(null, "1")).toBe(true);
    expect(eventIdBefore("1", null)).toBe(false);
    expect(eventIdBefore("123456789012345678901", "123456789012345678902")).toBe(true);
  });
});
