/**
 * The one status table: every execution and task status with its label, colors, icon and flags.
 * It feeds the engine (terminal / successful / failed / retriable checks), the live graph, the
 * badges and the legend, so a status looks and behaves the same everywhere.
 *
 * Statuses that executions and tasks share (RUNNING, COMPLETED, FAILED, TIMED_OUT) mean the same
 * thing for both, so each status name has exactly one row; `appliesTo` says who can have it.
 *
 * Colors are full literal Tailwind class strings (never built by concatenation) so that Tailwind's
 * source scanner sees them. Icons are lucide icon names (canonical names, not deprecated aliases);
 * the UI maps a name to its component.
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

/** Every status name once, in legend order (life cycle first, then outcomes). */
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

/** lucide icon names used by statuses (canonical lucide-react export names). */
export type StatusIconName =
  | "Circle"
  | "Clock"
  | "LoaderCircle"
  | "Hourglass"
  | "RotateCw"
  | "Pause"
  | "CircleCheck"
  | "CircleX"
  | "TimerOff"
  | "TriangleExclamationPoint"
  | "Ban"
  | "SkipForward";

export interface StatusColors {
  /** Ring around a graph node, e.g. `ring-emerald-500`. */
  ring: string;
  /** Solid fill: legend dots, progress segments, e.g. `bg-emerald-500`. */
  bg: string;
  /** Text and icon color on a light background, e.g. `text-emerald-700`. */
  text: string;
  /** Soft badge background, e.g. `bg-emerald-50`. */
  soft: string;
  /** Border of outlined badges and nodes, e.g. `border-emerald-500`. */
  border: string;
}

export interface StatusInfo {
  status: Status;
  label: string;
  /** One sentence for tooltips and the legend. */
  description: string;
  appliesTo: { execution: boolean; task: boolean };
  colors: StatusColors;
  icon: StatusIconName;
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
  /** Drawn with motion (spinning icon, animated border): work is happening right now. */
  animated: boolean;
  /** Drawn with a dashed outline: not reached, or passed over. */
  dashed: boolean;
}

type Row = Omit<StatusInfo, "status" | "appliesTo"> & { appliesTo: "execution" | "task" | "both" };

// Tailwind must see each class literally: keep every class string written out in full below.
const ROWS = {
  PENDING: {
    label: "Pending",
    description: "Not reached yet",
    appliesTo: "task",
    colors: { ring: "ring-slate-300", bg: "bg-slate-300", text: "text-slate-500", soft: "bg-slate-50", border: "border-slate-300" },
    icon: "Circle",
    terminal: false,
    successful: false,
    failed: false,
    retriable: false,
    animated: false,
    dashed: true,
  },
  QUEUED: {
    label: "Queued",
    description: "Accepted, waiting for the engine to start it",
    appliesTo: "execution",
    colors: { ring: "ring-sky-400", bg: "bg-sky-400", text: "text-sky-700", soft: "bg-sky-50", border: "border-sky-400" },
    icon: "Clock",
    terminal: false,
    successful: false,
    failed: false,
    retriable: false,
    animated: false,
    dashed: false,
  },
  SCHEDULED: {
    label: "Scheduled",
    description: "Ready, waiting for the engine or a worker to pick it up",
    appliesTo: "task",
    colors: { ring: "ring-sky-400", bg: "bg-sky-400", text: "text-sky-700", soft: "bg-sky-50", border: "border-sky-400" },
    icon: "Clock",
    terminal: false,
    successful: false,
    failed: false,
    retriable: false,
    animated: false,
    dashed: false,
  },
  RUNNING: {
    label: "Running",
    description: "Working right now",
    appliesTo: "both",
    colors: { ring: "ring-blue-500", bg: "bg-blue-500", text: "text-blue-700", soft: "bg-blue-50", border: "border-blue-500" },
    icon: "LoaderCircle",
    terminal: false,
    successful: false,
    failed: false,
    retriable: false,
    animated: true,
    dashed: false,
  },
  WAITING: {
    label: "Waiting",
    description: "Waiting for a timer, an approval or a child workflow",
    appliesTo: "task",
    colors: { ring: "ring-violet-500", bg: "bg-violet-500", text: "text-violet-700", soft: "bg-violet-50", border: "border-violet-500" },
    icon: "Hourglass",
    terminal: false,
    successful: false,
    failed: false,
    retriable: false,
    animated: false,
    dashed: false,
  },
  RETRYING: {
    label: "Retrying",
    description: "An attempt failed; the next attempt waits for its backoff",
    appliesTo: "task",
    colors: { ring: "ring-amber-500", bg: "bg-amber-500", text: "text-amber-700", soft: "bg-amber-50", border: "border-amber-500" },
    icon: "RotateCw",
    terminal: false,
    successful: false,
    failed: false,
    retriable: false,
    animated: false,
    dashed: false,
  },
  PAUSED: {
    label: "Paused",
    description: "Running tasks finish; nothing new is scheduled until it is resumed",
    appliesTo: "execution",
    colors: { ring: "ring-yellow-500", bg: "bg-yellow-500", text: "text-yellow-700", soft: "bg-yellow-50", border: "border-yellow-500" },
    icon: "Pause",
    terminal: false,
    successful: false,
    failed: false,
    retriable: false,
    animated: false,
    dashed: false,
  },
  COMPLETED: {
    label: "Completed",
    description: "Finished successfully",
    appliesTo: "both",
    colors: { ring: "ring-emerald-500", bg: "bg-emerald-500", text: "text-emerald-700", soft: "bg-emerald-50", border: "border-emerald-500" },
    icon: "CircleCheck",
    terminal: true,
    successful: true,
    failed: false,
    retriable: false,
    animated: false,
    dashed: false,
  },
  FAILED: {
    label: "Failed",
    description: "Failed after its last attempt",
    appliesTo: "both",
    colors: { ring: "ring-red-600", bg: "bg-red-600", text: "text-red-700", soft: "bg-red-50", border: "border-red-600" },
    icon: "CircleX",
    terminal: true,
    successful: false,
    failed: true,
    retriable: true,
    animated: false,
    dashed: false,
  },
  TIMED_OUT: {
    label: "Timed out",
    description: "Ran out of time",
    appliesTo: "both",
    colors: { ring: "ring-orange-500", bg: "bg-orange-500", text: "text-orange-700", soft: "bg-orange-50", border: "border-orange-500" },
    icon: "TimerOff",
    terminal: true,
    successful: false,
    failed: true,
    retriable: true,
    animated: false,
    dashed: false,
  },
  UPSTREAM_FAILED: {
    label: "Upstream failed",
    description: "Not run because a task it depends on failed",
    appliesTo: "task",
    colors: { ring: "ring-orange-300", bg: "bg-orange-300", text: "text-orange-600", soft: "bg-orange-50", border: "border-orange-300" },
    icon: "TriangleExclamationPoint",
    terminal: true,
    successful: false,
    failed: true,
    retriable: false,
    animated: false,
    dashed: false,
  },
  CANCELLED: {
    label: "Cancelled",
    description: "Stopped before it finished",
    appliesTo: "task",
    colors: { ring: "ring-zinc-500", bg: "bg-zinc-500", text: "text-zinc-600", soft: "bg-zinc-100", border: "border-zinc-500" },
    icon: "Ban",
    terminal: true,
    successful: false,
    failed: true,
    retriable: true,
    animated: false,
    dashed: false,
  },
  TERMINATED: {
    label: "Terminated",
    description: "Ended by an operator or a terminate task",
    appliesTo: "execution",
    colors: { ring: "ring-zinc-500", bg: "bg-zinc-500", text: "text-zinc-600", soft: "bg-zinc-100", border: "border-zinc-500" },
    icon: "Ban",
    terminal: true,
    successful: false,
    failed: true,
    retriable: true,
    animated: false,
    dashed: false,
  },
  SKIPPED: {
    label: "Skipped",
    description: "Passed over: its condition was false, its branch was not taken, or its upstream was skipped",
    appliesTo: "task",
    colors: { ring: "ring-slate-400", bg: "bg-slate-400", text: "text-slate-500", soft: "bg-slate-50", border: "border-slate-400" },
    icon: "SkipForward",
    terminal: true,
    successful: false,
    failed: false,
    retriable: false,
    animated: false,
    dashed: true,
  },
} as const satisfies Record<Status, Row>;

function expand(status: Status): StatusInfo {
  const { appliesTo, ...row } = ROWS[status];
  return {
    status,
    ...row,
    appliesTo: { execution: appliesTo !== "task", task: appliesTo !== "execution" },
  };
}

/** The status table, by status name. */
export const STATUS_TABLE: Readonly<Record<Status, Readonly<StatusInfo>>> = Object.freeze(
  Object.fromEntries(ALL_STATUSES.map((status) => [status, Object.freeze(expand(status))])) as Record<
    Status,
    StatusInfo
  >,
);

/** Table rows of the execution statuses, in life-cycle order (for the legend). */
export const EXECUTION_STATUS_INFOS: readonly StatusInfo[] = EXECUTION_STATUSES.map((status) => STATUS_TABLE[status]);
/** Table rows of the task statuses, in life-cycle order (for the legend). */
export const TASK_STATUS_INFOS: readonly StatusInfo[] = TASK_STATUSES.map((status) => STATUS_TABLE[status]);

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
