import { describe, expect, it } from "vitest";
import * as lucide from "lucide-react";
import {
  ALL_STATUSES,
  EXECUTION_STATUSES,
  EXECUTION_STATUS_INFOS,
  STATUS_TABLE,
  TASK_STATUSES,
  TASK_STATUS_INFOS,
  isExecutionStatus,
  isFailedTaskStatus,
  isLiveTaskStatus,
  isRetriableExecutionStatus,
  isRetriableTaskStatus,
  isSuccessfulExecutionStatus,
  isSuccessfulTaskStatus,
  isTaskStatus,
  isTerminalExecutionStatus,
  isTerminalTaskStatus,
  type Status,
} from "./statuses";

// status → [terminal, successful, failed, retriable, animated, dashed, icon, palette color]
const EXPECTED: Record<Status, [boolean, boolean, boolean, boolean, boolean, boolean, string, string]> = {
  PENDING: [false, false, false, false, false, true, "Circle", "slate-300"],
  QUEUED: [false, false, false, false, false, false, "Clock", "sky-400"],
  SCHEDULED: [false, false, false, false, false, false, "Clock", "sky-400"],
  RUNNING: [false, false, false, false, true, false, "LoaderCircle", "blue-500"],
  WAITING: [false, false, false, false, false, false, "Hourglass", "violet-500"],
  RETRYING: [false, false, false, false, false, false, "RotateCw", "amber-500"],
  PAUSED: [false, false, false, false, false, false, "Pause", "yellow-500"],
  COMPLETED: [true, true, false, false, false, false, "CircleCheck", "emerald-500"],
  FAILED: [true, false, true, true, false, false, "CircleX", "red-600"],
  TIMED_OUT: [true, false, true, true, false, false, "TimerOff", "orange-500"],
  UPSTREAM_FAILED: [true, false, true, false, false, false, "TriangleExclamationPoint", "orange-300"],
  CANCELLED: [true, false, true, true, false, false, "Ban", "zinc-500"],
  TERMINATED: [true, false, true, true, false, false, "Ban", "zinc-500"],
  SKIPPED: [true, false, false, false, false, true, "SkipForward", "slate-400"],
};

describe("status table", () => {
  it("has one row per status name, execution and task statuses together", () => {
    expect(new Set(ALL_STATUSES)).toEqual(new Set([...EXECUTION_STATUSES, ...TASK_STATUSES]));
    expect(ALL_STATUSES).toHaveLength(new Set(ALL_STATUSES).size);
    expect(Object.keys(STATUS_TABLE).sort()).toEqual([...ALL_STATUSES].sort());
  });

  it.each(ALL_STATUSES)("%s has the expected flags, icon and palette color", (status) => {
    const info = STATUS_TABLE[status];
    const [terminal, successful, failed, retriable, animated, dashed, icon, color] = EXPECTED[status];
    expect(info.status).toBe(status);
    expect({
      terminal: info.terminal,
      successful: info.successful,
      failed: info.failed,
      retriable: info.retriable,
      animated: info.animated,
      dashed: info.dashed,
      icon: info.icon,
    }).toEqual({ terminal, successful, failed, retriable, animated, dashed, icon });
    expect(info.colors.ring).toBe(`ring-${color}`);
    expect(info.colors.bg).toBe(`bg-${color}`);
    expect(info.colors.border).toBe(`border-${color}`);
  });

  it.each(ALL_STATUSES)("%s has literal Tailwind classes of one color family, a label and a description", (status) => {
    const { colors, label, description } = STATUS_TABLE[status];
    const family = colors.ring.split("-")[1];
    expect(colors.text).toMatch(new RegExp(`^text-${family}-\\d{3}$`));
    expect(colors.soft).toMatch(new RegExp(`^bg-${family}-(50|100)$`));
    expect(label.length).toBeGreaterThan(0);
    expect(description.length).toBeGreaterThan(0);
  });

  it.each(ALL_STATUSES)("%s names an icon that lucide-react exports", (status) => {
    expect((lucide as Record<string, unknown>)[STATUS_TABLE[status].icon]).toBeDefined();
  });

  it("says which statuses executions and tasks can have", () => {
    for (const status of ALL_STATUSES) {
      const info = STATUS_TABLE[status];
      expect(info.appliesTo.execution).toBe((EXECUTION_STATUSES as readonly string[]).includes(status));
      expect(info.appliesTo.task).toBe((TASK_STATUSES as readonly string[]).includes(status));
    }
    expect(EXECUTION_STATUS_INFOS.map((info) => info.status)).toEqual([...EXECUTION_STATUSES]);
    expect(TASK_STATUS_INFOS.map((info) => info.status)).toEqual([...TASK_STATUSES]);
  });

  it("flags are consistent: successful and failed only when terminal, never both, animated only for RUNNING", () => {
    for (const status of ALL_STATUSES) {
      const info = STATUS_TABLE[status];
      if (info.successful || info.failed || info.retriable) expect(info.terminal).toBe(true);
      expect(info.successful && info.failed).toBe(false);
      expect(info.animated).toBe(status === "RUNNING");
    }
  });

  it("is frozen", () => {
    expect(Object.isFrozen(STATUS_TABLE)).toBe(true);
    expect(Object.isFrozen(STATUS_TABLE.COMPLETED)).toBe(true);
  });
});

describe("status helpers", () => {
  it.each([
    ["PENDING", false, false, false, false, false],
    ["SCHEDULED", false, false, false, false, true],
    ["RUNNING", false, false, false, false, true],
    ["WAITING", false, false, false, false, true],
    ["RETRYING", false, false, false, false, true],
    ["COMPLETED", true, true, false, false, false],
    ["FAILED", true, false, true, true, false],
    ["TIMED_OUT", true, false, true, true, false],
    ["CANCELLED", true, false, true, true, false],
    ["SKIPPED", true, false, false, false, false],
    ["UPSTREAM_FAILED", true, false, true, false, false],
  ] as const)("task %s: terminal %s, successful %s, failed %s, retriable %s, live %s", (status, terminal, successful, failed, retriable, live) => {
    expect(isTerminalTaskStatus(status)).toBe(terminal);
    expect(isSuccessfulTaskStatus(status)).toBe(successful);
    expect(isFailedTaskStatus(status)).toBe(failed);
    expect(isRetriableTaskStatus(status)).toBe(retriable);
    expect(isLiveTaskStatus(status)).toBe(live);
  });

  it.each([
    ["QUEUED", false, false, false],
    ["RUNNING", false, false, false],
    ["PAUSED", false, false, false],
    ["COMPLETED", true, true, false],
    ["FAILED", true, false, true],
    ["TERMINATED", true, false, true],
    ["TIMED_OUT", true, false, true],
  ] as const)("execution %s: terminal %s, successful %s, retriable %s", (status, terminal, successful, retriable) => {
    expect(isTerminalExecutionStatus(status)).toBe(terminal);
    expect(isSuccessfulExecutionStatus(status)).toBe(successful);
    expect(isRetriableExecutionStatus(status)).toBe(retriable);
  });

  it.each([
    ["RUNNING", true, true],
    ["PAUSED", true, false],
    ["SKIPPED", false, true],
    ["running", false, false],
    ["", false, false],
    [undefined, false, false],
    [3, false, false],
  ] as const)("narrows %j: execution %s, task %s", (value, execution, task) => {
    expect(isExecutionStatus(value)).toBe(execution);
    expect(isTaskStatus(value)).toBe(task);
  });
});
