import { describe, expect, it } from "vitest";
import { EXECUTION_STATUSES, TASK_STATUSES, type ExecutionStatus, type TaskStatus } from "./statuses";
import {
  EXECUTION_EVENTS,
  TASK_EVENTS,
  transitionExecution,
  transitionTask,
  type ExecutionEventType,
  type TaskEventType,
} from "./transitions";

const now = new Date("2030-01-01T00:00:00.000Z");
const later = new Date("2030-01-01T00:00:05.000Z");

/**
 * The whole task matrix, written out by hand: a row per status, a column per event, the cell the
 * status the task lands in ("·" = illegal). `retry` is shown with a due time later than now.
 */
const TASK_MATRIX = `
              schedule   start      wait       heartbeat  complete   fail       timeout    retry      cancel     skip       upstreamFailed  reset
PENDING       SCHEDULED  ·          ·          ·          ·          ·          ·          ·          CANCELLED  SKIPPED    UPSTREAM_FAILED ·
SCHEDULED     ·          RUNNING    ·          ·          ·          FAILED     TIMED_OUT  ·          CANCELLED  SKIPPED    ·               ·
RUNNING       ·          ·          WAITING    RUNNING    COMPLETED  FAILED     TIMED_OUT  ·          CANCELLED  ·          ·               ·
WAITING       ·          ·          ·          ·          COMPLETED  FAILED     TIMED_OUT  ·          CANCELLED  ·          ·               ·
RETRYING      SCHEDULED  RUNNING    ·          ·          ·          FAILED     TIMED_OUT  ·          CANCELLED  SKIPPED    ·               ·
COMPLETED     ·          ·          ·          ·          ·          ·          ·          ·          ·          ·          ·               PENDING
FAILED        ·          ·          ·          ·          ·          ·          ·          RETRYING   ·          ·          ·               PENDING
TIMED_OUT     ·          ·          ·          ·          ·          ·          ·          RETRYING   ·          ·          ·               PENDING
CANCELLED     ·          ·          ·          ·          ·          ·          ·          ·          ·          ·          ·               PENDING
SKIPPED       ·          ·          ·          ·          ·          ·          ·          ·          ·          ·          ·               PENDING
UPSTREAM_FAILED ·        ·          ·          ·          ·          ·          ·          ·          ·          ·          ·               PENDING
`;

const EXECUTION_MATRIX = `
            start      pause      resume     complete   fail       timeout    terminate   reset
QUEUED      RUNNING    ·          ·          ·          FAILED     TIMED_OUT  TERMINATED  ·
RUNNING     ·          PAUSED     ·          COMPLETED  FAILED     TIMED_OUT  TERMINATED  ·
PAUSED      ·          ·          RUNNING    ·          ·          TIMED_OUT  TERMINATED  ·
COMPLETED   ·          ·          ·          ·          ·          ·          ·           RUNNING
FAILED      ·          ·          ·          ·          ·          ·          ·           RUNNING
TERMINATED  ·          ·          ·          ·          ·          ·          ·           RUNNING
TIMED_OUT   ·          ·          ·          ·          ·          ·          ·           RUNNING
`;

function parseMatrix(text: string): Map<string, Map<string, string | null>> {
  const [header, ...rows] = text.trim().split("\n").map((line) => line.trim().split(/\s+/));
  const matrix = new Map<string, Map<string, string | null>>();
  for (const [status, ...cells] of rows) {
    matrix.set(status!, new Map(header!.map((event, index) => [event, cells[index] === "·" ? null : cells[index]!])));
  }
  return matrix;
}

const VERBS: Record<string, string> = { wait: "suspend", timeout: "time out", upstreamFailed: "mark upstream-failed" };

describe("transitionTask: every (status, event) pair", () => {
  const expected = parseMatrix(TASK_MATRIX);
  const pairs = TASK_STATUSES.flatMap((status) => TASK_EVENTS.map((event) => [status, event] as const));

  it("the expected table covers exactly every status and event", () => {
    expect([...expected.keys()]).toEqual([...TASK_STATUSES]);
    for (const row of expected.values()) expect([...row.keys()]).toEqual([...TASK_EVENTS]);
    expect(pairs).toHaveLength(TASK_STATUSES.length * TASK_EVENTS.length);
  });

  it.each(pairs)("%s + %s", (status: TaskStatus, event: TaskEventType) => {
    const to = expected.get(status)!.get(event)!;
    const result = transitionTask(status, event === "retry" ? { type: "retry", runAt: later } : event, now);
    if (to === null) {
      expect(result).toEqual({
        ok: false,
        error: {
          code: "ILLEGAL_TRANSITION",
          message: `cannot ${VERBS[event] ?? event} a task that is ${status}`,
          from: status,
          event,
        },
      });
    } else {
      expect(result).toMatchObject({ ok: true, from: status, event, status: to, newAttempt: event === "retry" });
    }
  });
});

describe("transitionTask: details", () => {
  it("says exactly what the brief's example says", () => {
    expect(transitionTask("COMPLETED", "complete", now)).toEqual({
      ok: false,
      error: {
        code: "ILLEGAL_TRANSITION",
        message: "cannot complete a task that is COMPLETED",
        from: "COMPLETED",
        event: "complete",
      },
    });
  });

  it.each([
    ["due later → RETRYING until due", later, "RETRYING"],
    ["due now → SCHEDULED", now, "SCHEDULED"],
    ["due in the past → SCHEDULED", new Date(now.getTime() - 1), "SCHEDULED"],
    ["no due time → SCHEDULED", undefined, "SCHEDULED"],
  ] as const)("retry %s", (_name, runAt, status) => {
    const result = transitionTask("FAILED", { type: "retry", runAt }, now);
    expect(result).toEqual({
      ok: true,
      from: "FAILED",
      event: "retry",
      status,
      newAttempt: true,
      set: { scheduledAt: now, nextRunAt: runAt ?? now },
    });
  });

  it.each([
    ["PENDING", "schedule", { scheduledAt: now, nextRunAt: now }],
    ["SCHEDULED", "start", { startedAt: now, nextRunAt: null }],
    ["RUNNING", "heartbeat", { heartbeatAt: now }],
    ["RUNNING", "wait", {}],
    ["RUNNING", "complete", { endedAt: now, nextRunAt: null }],
    // A failure stays due (nextRunAt) until the decider answers it with retry or failTask.
    ["RUNNING", "fail", { endedAt: now, nextRunAt: now }],
    ["WAITING", "timeout", { endedAt: now, nextRunAt: now }],
    ["RETRYING", "cancel", { endedAt: now, nextRunAt: null }],
    ["PENDING", "skip", { endedAt: now, nextRunAt: null }],
    ["PENDING", "upstreamFailed", { endedAt: now, nextRunAt: null }],
    ["FAILED", "reset", { endedAt: null, nextRunAt: null }],
  ] as const)("%s + %s stamps %j", (status, event, set) => {
    expect(transitionTask(status, event, now)).toMatchObject({ ok: true, set });
  });

  it("accepts events as objects", () => {
    expect(transitionTask("SCHEDULED", { type: "start" }, now)).toMatchObject({ ok: true, status: "RUNNING" });
  });
});

describe("transitionExecution: every (status, event) pair", () => {
  const expected = parseMatrix(EXECUTION_MATRIX);
  const pairs = EXECUTION_STATUSES.flatMap((status) => EXECUTION_EVENTS.map((event) => [status, event] as const));

  it("the expected table covers exactly every status and event", () => {
    expect([...expected.keys()]).toEqual([...EXECUTION_STATUSES]);
    for (const row of expected.values()) expect([...row.keys()]).toEqual([...EXECUTION_EVENTS]);
  });

  it.each(pairs)("%s + %s", (status: ExecutionStatus, event: ExecutionEventType) => {
    const to = expected.get(status)!.get(event)!;
    const result = transitionExecution(status, event);
    if (to === null) {
      expect(result).toEqual({
        ok: false,
        error: {
          code: "ILLEGAL_TRANSITION",
          message: `cannot ${VERBS[event] ?? event} an execution that is ${status}`,
          from: status,
          event,
        },
      });
    } else {
      expect(result).toEqual({ ok: true, from: status, event, status: to, set: {} });
    }
  });

  it.each([
    ["QUEUED", "start", { startedAt: now }],
    ["RUNNING", "pause", {}],
    ["RUNNING", "complete", { endedAt: now }],
    ["PAUSED", "terminate", { endedAt: now }],
    ["QUEUED", "timeout", { endedAt: now }],
    // The workflow timeout counts from startedAt, so a reopened execution gets a fresh clock.
    ["FAILED", "reset", { startedAt: now, endedAt: null }],
  ] as const)("%s + %s stamps %j when given now", (status, event, set) => {
    expect(transitionExecution(status, event, now)).toMatchObject({ ok: true, set });
  });

  it("refuses to pause twice, as a value", () => {
    expect(transitionExecution("PAUSED", "pause")).toMatchObject({
      ok: false,
      error: { message: "cannot pause an execution that is PAUSED" },
    });
  });
});
