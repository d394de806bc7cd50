/**
 * Replay: the state of an execution at event N of its history, the pure part of the monitor's
 * timeline scrubber (issue 15, point 2). No React, no I/O.
 *
 * **How a moment is computed.** The history is folded with the engine's own state machine
 * (`transitionTask` / `transitionExecution` from lib/engine/transitions.ts): each event names its
 * task (`taskKey`, `mapIndex`), its attempt (`payload.attempt`, else the task's latest) and a move
 * (TASK_STARTED → start, TASK_FAILED → fail, TASK_RETRY_SCHEDULED → retry as a new attempt …), so a
 * replayed attempt gets the status and stamps the engine wrote into its row. TASK_RESET (a retry,
 * rerun or skip by an operator) drops the task's attempts, as reset-tasks.ts deletes the rows. The
 * result has the shape of the live view's tasks (`TaskRunInput`, what `overlayFor` reads), so the
 * graph, the edges taken (`isEdgeTaken`) and the badges at a past moment come from the same code
 * as the live graph. At the last event it equals the persisted rows (tests/integration/replay.test.ts).
 *
 * **Why checkpoints.** `createReplay` folds the history once and keeps a copy of the state every
 * `checkpointEvery` events; `stateAt(n)` starts from the checkpoint at or before n and applies at
 * most `checkpointEvery - 1` events. A scrub costs O(checkpointEvery + tasks), not O(events):
 * with 10,000 events the slider never refolds the whole history (bench/replay.ts measures it).
 * Updates are copy-on-write (a task's attempts array is replaced, never mutated), so a checkpoint is
 * a shallow copy of one Map.
 */
import { transitionExecution, transitionTask, type TaskEvent } from "@/lib/engine/transitions";
import { isExecutionStatus, isTaskStatus, type ExecutionStatus, type TaskStatus } from "@/lib/engine/statuses";
import type { ExecutionEventType } from "@/lib/engine/transitions";

/** What replay reads of one event (the API's ExecutionEvent). */
export type ReplayEvent = {
  id: string;
  type: string;
  taskKey: string | null;
  mapIndex: number | null;
  taskRunId?: string | null;
  reason?: string | null;
  payload: unknown;
  createdAt: string;
};

export type ReplayAttempt = {
  /** The TaskRun id, when the event named it (joins the attempt to its row or its archive). */
  id: string | null;
  attempt: number;
  status: string;
  scheduledAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  childExecutionId: string | null;
  /** The error the failing event carried (TASK_FAILED, TASK_TIMED_OUT, TASK_REJECTED payloads). */
  error: unknown;
};

export type ReplayTask = { taskKey: string; mapIndex: number; taskType: string; status: string; attempts: ReplayAttempt[] };

/** The execution as it was right after `count` events (0: before the first). */
export type ReplayMoment = {
  /** How many events are applied: 0 … events.length. */
  count: number;
  /** The last applied event (null at 0). */
  event: ReplayEvent | null;
  executionStatus: string;
  startedAt: string | null;
  endedAt: string | null;
  /** Sorted like the API's tasks (taskKey, then mapIndex), each attempt in order. */
  tasks: ReplayTask[];
};

export type Replay = {
  readonly length: number;
  stateAt(count: number): ReplayMoment;
  /**
   * The moment a shared `?at=<event id>` names: how many events have an id up to `eventId` (ids
   * increase along the history). Null when `eventId` is not a decimal id.
   */
  countUpTo(eventId: string): number | null;
  /** When each event happened (ms since the epoch), in order: the player's clock. */
  readonly times: readonly number[];
};

export type ReplayOptions = {
  /** Task types by key (events do not carry them). @default {} ("" for an unknown key) */
  taskTypes?: Readonly<Record<string, string>>;
  /** A copy of the state every this many events. @default 256 */
  checkpointEvery?: number;
};

type TaskEntry = { taskKey: string; mapIndex: number; attempts: readonly ReplayAttempt[] };
type State = { status: string; startedAt: string | null; endedAt: string | null; tasks: Map<string, TaskEntry> };

type TaskMove = Exclude<Extract<TaskEvent, string>, "retry" | "reset" | "heartbeat">;

const TASK_MOVE_OF: Readonly<Record<string, TaskMove>> = {
  TASK_SCHEDULED: "schedule",
  TASK_STARTED: "start",
  TASK_WAITING: "wait",
  TASK_COMPLETED: "complete",
  TASK_APPROVED: "complete",
  TASK_FAILED: "fail",
  TASK_REJECTED: "fail",
  TASK_TIMED_OUT: "timeout",
  APPROVAL_TIMEOUT: "timeout",
  TASK_CANCELLED: "cancel",
  TASK_SKIPPED: "skip",
  TASK_UPSTREAM_FAILED: "upstreamFailed",
};

/** The status a move leads to when the fold meets a move its state machine refuses (a history it cannot explain). */
const FORCED_STATUS: Readonly<Record<TaskMove, TaskStatus>> = {
  schedule: "SCHEDULED",
  start: "RUNNING",
  wait: "WAITING",
  complete: "COMPLETED",
  fail: "FAILED",
  timeout: "TIMED_OUT",
  cancel: "CANCELLED",
  skip: "SKIPPED",
  upstreamFailed: "UPSTREAM_FAILED",
};

const EXECUTION_MOVE_OF: Readonly<Record<string, ExecutionEventType>> = {
  EXECUTION_STARTED: "start",
  EXECUTION_PAUSED: "pause",
  EXECUTION_RESUMED: "resume",
  EXECUTION_COMPLETED: "complete",
  EXECUTION_FAILED: "fail",
  EXECUTION_TIMED_OUT: "timeout",
  EXECUTION_TERMINATED: "terminate",
};

const keyOf = (taskKey: string, mapIndex: number) => `${taskKey}#${mapIndex}`;
const iso = (date: Date | null | undefined) => (date ? date.toISOString() : date === null ? null : undefined);

function payloadOf(event: ReplayEvent): Record<string, unknown> {
  return event.payload !== null && typeof event.payload === "object" && !Array.isArray(event.payload) ? (event.payload as Record<string, unknown>) : {};
}

function applyExecution(state: State, event: ReplayEvent): void {
  const now = new Date(event.createdAt);
  let move: ExecutionEventType | undefined = EXECUTION_MOVE_OF[event.type];
  if (event.type === "EXECUTION_CREATED") {
    state.status = "QUEUED";
    return;
  }
  // An operator's retry, rerun or skip reopens a finished execution (reset-tasks.ts reopenedColumns).
  const reopens = event.type === "EXECUTION_RERUN" || event.type === "EXECUTION_RETRIED" || (event.type === "TASK_SKIPPED" && "reopened" in payloadOf(event));
  if (reopens) move = "reset";
  if (!move || !isExecutionStatus(state.status)) return;
  const moved = transitionExecution(state.status as ExecutionStatus, move, now);
  if (!moved.ok) return; // a reopen of an execution that was not finished (a PAUSED one stays PAUSED)
  state.status = moved.status;
  if (moved.set.startedAt !== undefined) state.startedAt = iso(moved.set.startedAt)!;
  if (moved.set.endedAt !== undefined) state.endedAt = iso(moved.set.endedAt) ?? null;
}

function applyTask(state: State, event: ReplayEvent): void {
  if (!event.taskKey) return;
  if (event.type === "TASK_RESET") {
    for (const [key, entry] of state.tasks) if (entry.taskKey === event.taskKey) state.tasks.delete(key);
    return;
  }
  const payload = payloadOf(event);
  const mapIndex = event.mapIndex ?? -1;
  const key = keyOf(event.taskKey, mapIndex);
  const entry = state.tasks.get(key) ?? { taskKey: event.taskKey, mapIndex, attempts: [] };
  const now = new Date(event.createdAt);
  const number = typeof payload.attempt === "number" ? payload.attempt : null;
  const attempts = [...entry.attempts];

  if (event.type === "TASK_RETRY_SCHEDULED") {
    const failed = attempts[attempts.length - 1];
    const runAt = typeof payload.runAt === "string" ? new Date(payload.runAt) : now;
    const from = failed && isTaskStatus(failed.status) ? failed.status : "FAILED";
    const moved = transitionTask(from, { type: "retry", runAt }, now);
    const status = moved.ok ? moved.status : runAt > now ? "RETRYING" : "SCHEDULED";
    attempts.push(newAttempt(number ?? (failed?.attempt ?? 0) + 1, status, event, { scheduledAt: event.createdAt }));
    state.tasks.set(key, { ...entry, attempts });
    return;
  }
  const move = TASK_MOVE_OF[event.type];
  if (!move) return; // TASK_FAILED_FINAL, TASK_INPUT_SET …: no attempt changes
  let index = number === null ? attempts.length - 1 : attempts.findIndex((attempt) => attempt.attempt === number);
  if (index < 0) {
    // The move's first write creates the attempt (a schedule, a skip or cancel of a task never reached).
    const created = newAttempt(number ?? 1, "PENDING", event, {});
    attempts.push(created);
    attempts.sort((a, b) => a.attempt - b.attempt);
    index = attempts.indexOf(created);
  }
  const current = attempts[index]!;
  const from = isTaskStatus(current.status) ? current.status : "PENDING";
  const moved = transitionTask(from, move, now);
  const next: ReplayAttempt = { ...current, id: current.id ?? event.taskRunId ?? null };
  if (moved.ok) {
    next.status = moved.status;
    if (moved.set.scheduledAt !== undefined) next.scheduledAt = iso(moved.set.scheduledAt)!;
    if (moved.set.startedAt !== undefined) next.startedAt = typeof payload.startedAt === "string" ? payload.startedAt : iso(moved.set.startedAt)!;
    if (moved.set.endedAt !== undefined) next.endedAt = iso(moved.set.endedAt) ?? null;
  } else {
    next.status = FORCED_STATUS[move] ?? current.status;
  }
  if (typeof payload.childExecutionId === "string" && event.type === "TASK_STARTED") next.childExecutionId = payload.childExecutionId;
  if (move === "fail" || move === "timeout" || move === "upstreamFailed") next.error = errorOf(payload, event);
  attempts[index] = next;
  state.tasks.set(key, { ...entry, attempts });
}

function newAttempt(attempt: number, status: string, event: ReplayEvent, stamps: Partial<ReplayAttempt>): ReplayAttempt {
  return { id: event.taskRunId ?? null, attempt, status, scheduledAt: null, startedAt: null, endedAt: null, childExecutionId: null, error: null, ...stamps };
}

function errorOf(payload: Record<string, unknown>, event: ReplayEvent): unknown {
  if (event.type !== "TASK_UPSTREAM_FAILED") {
    const rest = Object.fromEntries(Object.entries(payload).filter(([key]) => key !== "attempt"));
    return Object.keys(rest).length > 0 ? rest : null;
  }
  // The error lib/engine/patches.ts writes for an upstreamFailed command.
  const upstream = Array.isArray(payload.upstream) ? payload.upstream.join(", ") : "";
  return { code: "UPSTREAM_FAILED", message: `upstream failed: ${upstream}` };
}

function apply(state: State, event: ReplayEvent): void {
  applyExecution(state, event);
  if (event.type.startsWith("TASK_") || event.type === "APPROVAL_TIMEOUT") applyTask(state, event);
}

const copy = (state: State): State => ({ ...state, tasks: new Map(state.tasks) });

function momentOf(state: State, count: number, event: ReplayEvent | null, taskTypes: Readonly<Record<string, string>>): ReplayMoment {
  const tasks = [...state.tasks.values()]
    .filter((entry) => entry.attempts.length > 0)
    .sort((a, b) => (a.taskKey < b.taskKey ? -1 : a.taskKey > b.taskKey ? 1 : a.mapIndex - b.mapIndex))
    .map((entry) => ({
      taskKey: entry.taskKey,
      mapIndex: entry.mapIndex,
      taskType: taskTypes[entry.taskKey] ?? "",
      status: entry.attempts[entry.attempts.length - 1]!.status,
      attempts: [...entry.attempts],
    }));
  return { count, event, executionStatus: state.status, startedAt: state.startedAt, endedAt: state.endedAt, tasks };
}

/** Folds the history once (O(events)), keeping checkpoints; see the header for the costs. */
export function createReplay(events: readonly ReplayEvent[], options: ReplayOptions = {}): Replay {
  const every = Math.max(1, Math.floor(options.checkpointEvery ?? 256));
  const taskTypes = options.taskTypes ?? {};
  const checkpoints: State[] = [];
  const running: State = { status: "QUEUED", startedAt: null, endedAt: null, tasks: new Map() };
  const ids: bigint[] = [];
  for (let i = 0; i < events.length; i++) {
    if (i % every === 0) checkpoints.push(copy(running));
    apply(running, events[i]!);
    ids.push(BigInt(events[i]!.id));
  }
  if (events.length % every === 0) checkpoints.push(copy(running));
  return {
    length: events.length,
    stateAt(count) {
      const n = Math.max(0, Math.min(events.length, Math.floor(count)));
      const base = Math.floor(n / every);
      const state = copy(checkpoints[base]!);
      for (let i = base * every; i < n; i++) apply(state, events[i]!);
      return momentOf(state, n, n > 0 ? events[n - 1]! : null, taskTypes);
    },
    countUpTo(eventId) {
      if (!/^\d{1,30}$/.test(eventId)) return null;
      const target = BigInt(eventId);
      let low = 0;
      let high = ids.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (ids[mid]! <= target) low = mid + 1;
        else high = mid;
      }
      return low;
    },
    times: events.map((event) => Date.parse(event.createdAt)),
  };
}
