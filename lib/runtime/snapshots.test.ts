import { describe, expect, it } from "vitest";
import { evaluateTemplate } from "@/lib/workflow/expressions";
import type { TaskRunSnapshot } from "@/lib/engine/types";
import { tasksView, tasksViewOf, type TaskRunRow } from "./snapshots";

function snapshot(taskKey: string, output: TaskRunSnapshot["output"]): TaskRunSnapshot {
  return { taskKey, mapIndex: -1, attempt: 1, status: "COMPLETED", output, error: null };
}

function row(taskKey: string, output: unknown): TaskRunRow {
  const now = new Date(0);
  return {
    id: `run-${taskKey}`, executionId: "e", taskKey, mapIndex: -1, attempt: 1, taskType: "transform", status: "COMPLETED",
    input: null, output: JSON.stringify(output), error: null, logBytes: 0, workerTaskType: null, scheduledAt: now, startedAt: now,
    endedAt: now, nextRunAt: null, lockedBy: null, leaseExpiresAt: null, heartbeatAt: null, heartbeatDetails: null, createdAt: now, updatedAt: now,
  } as TaskRunRow;
}

describe("$tasks built from task runs", () => {
  it("keeps a task keyed __proto__ as an entry, and Object.prototype out of reach", async () => {
    for (const tasks of [tasksViewOf([snapshot("__proto__", { x: 7 }), snapshot("a", 1)]), tasksView([row("__proto__", { x: 7 }), row("a", 1)])]) {
      expect(Object.keys(tasks).sort()).toEqual(["__proto__", "a"]);
      expect(Object.getPrototypeOf(tasks)).toBeNull();
      expect(await evaluateTemplate("{% $tasks.__proto__.output.x %}", { tasks })).toEqual({ ok: true, value: 7 });
      expect(await evaluateTemplate("{% $tasks.constructor %}", { tasks })).toEqual({ ok: true, value: undefined });
    }
  });

  it("answers nothing for prototype names no task has", async () => {
    const tasks = tasksViewOf([snapshot("a", 1)]);
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
      expect(await evaluateTemplate(`{% $tasks.${name} %}`, { tasks }), name).toEqual({ ok: true, value: undefined });
      expect(await evaluateTemplate(`{% $tasks.${name}.output %}`, { tasks }), name).toEqual({ ok: true, value: undefined });
    }
    expect(await evaluateTemplate("{% $keys($tasks) %}", { tasks })).toEqual({ ok: true, value: "a" });
  });
});
