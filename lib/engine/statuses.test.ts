import { describe, expect, it } from "vitest";
import {
  ALL_STATUSES,
  EXECUTION_STATUSES,
  STATUS_TABLE,
  TASK_STATUSES,
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

// status → [terminal, successful, failed, retriable] (how a status looks: components/monitor/status-palette.test.ts)
const EXPECTED: Record<Status, [boolean, boolean, boolean, boolean]> = {
  PENDING: [false, false, false, false],
  QUEUED: [false, false, false, false],
  SCHEDULED: [false, false, false, false],
  RUNNING: [false, false, false, false],
  WAITING: [false, false, false, false],
  RETRYING: [false, false, false, false],
  PAUSED: [false, false, false, false],
  COMPLETED: [true, true, false, false],
  FAILED: [true, false, true, true],
  TIMED_OUT: [true, false, true, true],
  UPSTREAM_FAILED: [true, false, true, false],
  CANCELLED: [true, false, true, true],
  TERMINATED: [true, false, true, true],
  SKIPPED: [true, false, false, false],
};

describe("status table", () => {
  it("has one row per status name, execution and task statuses together", () => {
    expect(new Set(ALL_STATUSES)).toEqual(new Set([...EXECUTION_STATUSES, ...TASK_STATUSES]));
    expect(ALL_STATUSES).toHaveLength(new Set(ALL_STATUSES).size);
    expect(Object.keys(STATUS_TABLE).sort()).toEqual([...ALL_STATUSES].sort());
  });

  it.each(ALL_STATUSES)("%s has the expected flags", (status) => {
    const info = STATUS_TABLE[status];
    const [terminal, successful, failed, retriable] = EXPECTED[status];
    expect(info.status).toBe(status);
    expect(info).toEqual({ status, appliesTo: info.appliesTo, terminal, successful, failed, retriable });
  });

  it("says which statuses executions and tasks can have", () => {
    for (const status of ALL_STATUSES) {
      const info = STATUS_TABLE[status];
      expect(info.appliesTo.execution).toBe((EXECUTION_STATUSES as readonly string[]).includes(status));
      expect(info.appliesTo.task).toBe((TASK_STATUSES as readonly string[]).includes(status));
    }
  });

  it("flags are consistent: successful and failed only when terminal, never both", () => {
    for (const status of ALL_STATUSES) {
      const info = STATUS_TABLE[status];
      if (info.successful || info.failed || info.retriable) expect(info.terminal).toBe(true);
      expect(info.successful && info.failed).toBe(false);
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
