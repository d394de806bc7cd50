/**
 * The engine's status table: every execution and task status with the flags the engine decides by
 * (terminal / successful / failed / retriable).
 *
 * Statuses that executions and tasks share (RUNNING, COMPLETED, FAILED, TIMED_OUT) mean the same
 * thing for both, so each status name has exactly one row; `appliesTo` (from the two lists above)
 * says who can have it.
 *
 * How a status looks (label, description, Tailwind classes, lucide icon, motion, dashed outline)
 * is the UI's: `components/monitor/status-palette.ts`, typed to have a row for every status here.
 */

export const EXECUTION_STATUSES = [
  "QUEUED",
  "RUNNING",
  "PAUSED",
  "COMPLETED",
  "FAILED",
  "TERMINATED",
  "TIMED_OUT",
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const TASK_STATUSES = [
  "PENDING",
  "SCHEDULED",
  "RUNNING",
  "WAITING",
  "RETRYING",
  "COMPLETED",
  "FAILED",
  "TIMED_OUT",
  "CANCELLED",
  "SKIPPED",
  "UPSTREAM_FAILED",
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export type Status = ExecutionStatus | TaskStatus;

/** Every status name once: life cycle first, then outcomes (the legend shows them in this order). */
export const ALL_STATUSES = [
  "PENDING",
  "QUEUED",
  "SCHEDULED",
  "RUNNING",
  "WAITING",
  "RETRYING",
  "PAUSED",
  "COMPLETED",
  "FAILED",
  "TIMED_OUT",
  "UPSTREAM_FAILED",
  "CANCELLED",
  "TERMINATED",
  "SKIPPED",
] as const satisfies readonly Status[];

const executionStatusSet: ReadonlySet<string> = new Set(EXECUTION_STATUSES);
const taskStatusSet: ReadonlySet<string> = new Set(TASK_STATUSES);

/** Narrows a string read from the database or an API body. */
export function isExecutionStatus(value: unknown): value is ExecutionStatus {
  return typeof value === "string" && executionStatusSet.has(value);
}

/** Narrows a string read from the database or an API body. */
export function isTaskStatus(value: unknown): value is TaskStatus {
  return typeof value === "string" && taskStatusSet.has(value);
}

export interface StatusInfo {
  status: Status;
  appliesTo: { execution: boolean; task: boolean };
  /** Nothing more happens without an operator (retry, rerun, restart). */
  terminal: boolean;
  /** Ended as hoped: only COMPLETED. */
  successful: boolean;
  /**
   * Ended badly: counts as a failure for trigger rules (`all_success`, `none_failed`). SKIPPED is
   * terminal but neither successful nor failed.
   */
  failed: boolean;
  /** The operator's "retry" re-runs it (it failed, timed out, or was cancelled / terminated). */
  retriable: boolean;
}

type Row = Omit<StatusInfo, "status" | "appliesTo">;

const ROWS = {
  PENDING: { terminal: false, successful: false, failed: false, retriable: false },
  QUEUED: { terminal: false, successful: false, failed: false, retriable: false },
  SCHEDULED: { terminal: false, successful: false, failed: false, retriable: false },
  RUNNING: { terminal: false, successful: false, failed: false, retriable: false },
  WAITING: { terminal: false, successful: false, failed: false, retriable: false },
  RETRYING: { terminal: false, successful: false, failed: false, retriable: false },
  PAUSED: { terminal: false, successful: false, failed: false, retriable: false },
  COMPLETED: { terminal: true, successful: true, failed: false, retriable: false },
  FAILED: { terminal: true, successful: false, failed: true, retriable: true },
  TIMED_OUT: { terminal: true, successful: false, failed: true, retriable: true },
  UPSTREAM_FAILED: { terminal: true, successful: false, failed: true, retriable: false },
  CANCELLED: { terminal: true, successful: false, failed: true, retriable: true },
  TERMINATED: { terminal: true, successful: false, failed: true, retriable: true },
  SKIPPED: { terminal: true, successful: false, failed: false, retriable: false },
} as const satisfies Record<Status, Row>;

function expand(status: Status): StatusInfo {
  return {
    status,
    ...ROWS[status],
    appliesTo: { execution: isExecutionStatus(status), task: isTaskStatus(status) },
  };
}

/** The status table, by status name. */
export const STATUS_TABLE: Readonly<Record<Status, Readonly<StatusInfo>>> = Object.freeze(
  Object.fromEntries(ALL_STATUSES.map((status) => [status, Object.freeze(expand(status))])) as Record<
    Status,
    StatusInfo
  >,
);

/** The table row of a status. */
export function statusInfo(status: Status): StatusInfo {
  return STATUS_TABLE[status];
}

export function isTerminalTaskStatus(status: TaskStatus): boolean {
  return STATUS_TABLE[status].terminal;
}
export function isSuccessfulTaskStatus(status: TaskStatus): boolean {
  return STATUS_TABLE[status].successful;
}
export function isFailedTaskStatus(status: TaskStatus): boolean {
  return STATUS_TABLE[status].failed;
}
export function isRetriableTaskStatus(status: TaskStatus): boolean {
  return STATUS_TABLE[status].retriable;
}
/** SCHEDULED, RUNNING, WAITING, RETRYING: an attempt exists and has not ended. */
export function isLiveTaskStatus(status: TaskStatus): boolean {
  return status !== "PENDING" && !STATUS_TABLE[status].terminal;
}

export function isTerminalExecutionStatus(status: ExecutionStatus): boolean {
  return STATUS_TABLE[status].terminal;
}
export function isSuccessfulExecutionStatus(status: ExecutionStatus): boolean {
  return STATUS_TABLE[status].successful;
}
export function isRetriableExecutionStatus(status: ExecutionStatus): boolean {
  return STATUS_TABLE[status].retriable;
}
