/**
 * The state machines of tasks and executions. Every legal move is one row of a table below; any
 * other move is returned as a value (`{ ok: false, error }`), never thrown, so that a late worker
 * report or a double click on "pause" becomes a clear 409 instead of a crash.
 *
 * A task's status is the status of its latest attempt (TaskRun is one row per attempt). Moves that
 * start a new attempt say so with `newAttempt: true`; the others update the latest attempt's row.
 * `set` lists the timestamp columns the runtime writes with the move, so that every caller stamps
 * rows the same way.
 */
import type { ExecutionStatus, TaskStatus } from "./statuses";

export const TASK_EVENTS = [
  "schedule",
  "start",
  "wait",
  "heartbeat",
  "complete",
  "fail",
  "timeout",
  "retry",
  "cancel",
  "skip",
  "upstreamFailed",
  "reset",
] as const;
export type TaskEventType = (typeof TASK_EVENTS)[number];

/**
 * A task event. `retry` may carry the time the next attempt is due: later than `now` gives
 * RETRYING (waiting for its backoff), otherwise SCHEDULED.
 */
export type TaskEvent = TaskEventType | { type: Exclude<TaskEventType, "retry"> } | { type: "retry"; runAt?: Date };

export const EXECUTION_EVENTS = ["start", "pause", "resume", "complete", "fail", "timeout", "terminate", "reset"] as const;
export type ExecutionEventType = (typeof EXECUTION_EVENTS)[number];

export interface TransitionError {
  code: "ILLEGAL_TRANSITION";
  /** e.g. "cannot complete a task that is COMPLETED" */
  message: string;
  from: string;
  event: string;
}

/** Columns of a TaskRun row written with a move; `null` clears the column. */
export interface TaskRunStamps {
  scheduledAt?: Date;
  startedAt?: Date;
  endedAt?: Date | null;
  heartbeatAt?: Date;
  /**
   * When the row is next due for the engine: a scheduled or retrying attempt (when it may start),
   * or a failed attempt that the decider has not answered yet (see `decide.ts`, "unsettled").
   */
  nextRunAt?: Date | null;
}

export type TaskTransition =
  | {
      ok: true;
      from: TaskStatus;
      event: TaskEventType;
      status: TaskStatus;
      /** The move creates the next attempt (a new TaskRun row) instead of updating the latest one. */
      newAttempt: boolean;
      set: TaskRunStamps;
    }
  | { ok: false; error: TransitionError };

export interface ExecutionStamps {
  startedAt?: Date;
  endedAt?: Date | null;
}

export type ExecutionTransition =
  | { ok: true; from: ExecutionStatus; event: ExecutionEventType; status: ExecutionStatus; set: ExecutionStamps }
  | { ok: false; error: TransitionError };

type TaskTarget = TaskStatus | "RETRY";

/**
 * Legal task moves: TASK_MOVES[from][event] = to. A missing entry is an illegal move.
 * - `when` is evaluated by the runtime on a claimed SCHEDULED/RETRYING attempt, before `start`:
 *   false → `skip`.
 * - `timeout` from SCHEDULED/RETRYING is the schedule-to-close limit (nobody picked it up in time).
 * - `fail` from SCHEDULED: the attempt could not even start (e.g. its input mapping failed).
 * - `retry` creates the next attempt after a failed or timed-out one; CANCELLED is not retried
 *   automatically (the operator's retry resets it instead).
 * - `reset` (rerun / retry by an operator) brings a finished task back to PENDING; the runtime
 *   archives its attempts (see `rerun.ts`). Unfinished tasks must be cancelled first.
 */
export const TASK_MOVES: Readonly<Record<TaskStatus, Partial<Record<TaskEventType, TaskTarget>>>> = {
  PENDING: { schedule: "SCHEDULED", cancel: "CANCELLED", skip: "SKIPPED", upstreamFailed: "UPSTREAM_FAILED" },
  SCHEDULED: { start: "RUNNING", fail: "FAILED", timeout: "TIMED_OUT", cancel: "CANCELLED", skip: "SKIPPED" },
  RUNNING: {
    wait: "WAITING",
    heartbeat: "RUNNING",
    complete: "COMPLETED",
    fail: "FAILED",
    timeout: "TIMED_OUT",
    cancel: "CANCELLED",
  },
  WAITING: { complete: "COMPLETED", fail: "FAILED", timeout: "TIMED_OUT", cancel: "CANCELLED" },
  RETRYING: {
    schedule: "SCHEDULED",
    start: "RUNNING",
    fail: "FAILED",
    timeout: "TIMED_OUT",
    cancel: "CANCELLED",
    skip: "SKIPPED",
  },
  COMPLETED: { reset: "PENDING" },
  FAILED: { retry: "RETRY", reset: "PENDING" },
  TIMED_OUT: { retry: "RETRY", reset: "PENDING" },
  CANCELLED: { reset: "PENDING" },
  SKIPPED: { reset: "PENDING" },
  UPSTREAM_FAILED: { reset: "PENDING" },
};

/**
 * Legal execution moves: EXECUTION_MOVES[from][event] = to.
 * - A PAUSED execution lets running tasks finish; it ends only by its timeout or by terminate.
 * - `reset` (retry / rerun / restart by an operator) reopens a finished execution; its clock
 *   (the workflow timeout) starts again.
 */
export const EXECUTION_MOVES: Readonly<Record<ExecutionStatus, Partial<Record<ExecutionEventType, ExecutionStatus>>>> = {
  QUEUED: { start: "RUNNING", fail: "FAILED", timeout: "TIMED_OUT", terminate: "TERMINATED" },
  RUNNING: { pause: "PAUSED", complete: "COMPLETED", fail: "FAILED", timeout: "TIMED_OUT", terminate: "TERMINATED" },
  PAUSED: { resume: "RUNNING", timeout: "TIMED_OUT", terminate: "TERMINATED" },
  COMPLETED: { reset: "RUNNING" },
  FAILED: { reset: "RUNNING" },
  TERMINATED: { reset: "RUNNING" },
  TIMED_OUT: { reset: "RUNNING" },
};

const TASK_VERBS: Record<TaskEventType, string> = {
  schedule: "schedule",
  start: "start",
  wait: "suspend",
  heartbeat: "heartbeat",
  complete: "complete",
  fail: "fail",
  timeout: "time out",
  retry: "retry",
  cancel: "cancel",
  skip: "skip",
  upstreamFailed: "mark upstream-failed",
  reset: "reset",
};

const EXECUTION_VERBS: Record<ExecutionEventType, string> = {
  start: "start",
  pause: "pause",
  resume: "resume",
  complete: "complete",
  fail: "fail",
  timeout: "time out",
  terminate: "terminate",
  reset: "reset",
};

function stampsForTask(event: TaskEventType, now: Date, nextRunAt: Date): TaskRunStamps {
  switch (event) {
    case "schedule":
      return { scheduledAt: now, nextRunAt: now };
    case "retry":
      return { scheduledAt: now, nextRunAt };
    case "start":
      return { startedAt: now, nextRunAt: null };
    case "heartbeat":
      return { heartbeatAt: now };
    case "wait":
      return {};
    // A failed attempt stays due for the decider until it answers with retry or failTask.
    case "fail":
    case "timeout":
      return { endedAt: now, nextRunAt: now };
    case "complete":
    case "cancel":
    case "skip":
    case "upstreamFailed":
      return { endedAt: now, nextRunAt: null };
    case "reset":
      return { endedAt: null, nextRunAt: null };
  }
}

/** Moves a task (its latest attempt) by one event at time `now`. Illegal moves are values. */
export function transitionTask(status: TaskStatus, event: TaskEvent, now: Date): TaskTransition {
  const type = typeof event === "string" ? event : event.type;
  const target = TASK_MOVES[status]?.[type];
  if (target === undefined) {
    return {
      ok: false,
      error: {
        code: "ILLEGAL_TRANSITION",
        message: `cannot ${TASK_VERBS[type] ?? type} a task that is ${status}`,
        from: status,
        event: type,
      },
    };
  }
  if (target === "RETRY") {
    const runAt = typeof event === "object" && event.type === "retry" && event.runAt ? event.runAt : now;
    return {
      ok: true,
      from: status,
      event: type,
      status: runAt.getTime() > now.getTime() ? "RETRYING" : "SCHEDULED",
      newAttempt: true,
      set: stampsForTask("retry", now, runAt),
    };
  }
  return { ok: true, from: status, event: type, status: target, newAttempt: false, set: stampsForTask(type, now, now) };
}

/** Moves an execution by one event at time `now`. Illegal moves are values. */
export function transitionExecution(status: ExecutionStatus, event: ExecutionEventType, now?: Date): ExecutionTransition {
  const target = EXECUTION_MOVES[status]?.[event];
  if (target === undefined) {
    return {
      ok: false,
      error: {
        code: "ILLEGAL_TRANSITION",
        message: `cannot ${EXECUTION_VERBS[event] ?? event} an execution that is ${status}`,
        from: status,
        event,
      },
    };
  }
  const set: ExecutionStamps = {};
  if (now) {
    if (event === "start" || event === "reset") set.startedAt = now;
    if (event === "reset") set.endedAt = null;
    if (target === "COMPLETED" || target === "FAILED" || target === "TERMINATED" || target === "TIMED_OUT") {
      set.endedAt = now;
    }
  }
  return { ok: true, from: status, event, status: target, set };
}
