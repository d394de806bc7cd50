/**
 * What the pure engine reads (snapshots of the persisted state) and what it returns (commands for
 * the runtime to persist in one transaction). Everything is JSON-serialisable except Dates;
 * durations are milliseconds.
 */
import type { JsonValue, WorkflowDefinition } from "@/lib/workflow/schema";
import type { RetryRefusal } from "./retry";
import type { ExecutionStatus, TaskStatus } from "./statuses";

/** The error of an attempt (TaskRun.error as JSON). */
export type TaskRunError = {
  /** Machine-readable, compared with a retry policy's `nonRetryableErrors`, e.g. "HTTP_503". */
  code: string;
  message: string;
  details?: JsonValue;
};

/** The error of an execution (Execution.error as JSON). */
export interface ExecutionError {
  code: string;
  message: string;
  taskKey?: string;
  /**
   * Set when the failed task's error is final (retry.ts FINAL_ERROR_CODES): its code, so a parent
   * running this execution as a child fails its attempt with that code too, not retried either.
   */
  cause?: string;
}

/**
 * One attempt of one task or of one map item: a TaskRun row as decide needs it.
 *
 * Attempts of a task are numbered from 1. Rows of a task reset by an operator (rerun, retry) are
 * archived by the runtime, so decide only ever sees the current attempts.
 */
export interface TaskRunSnapshot {
  taskKey: string;
  /** -1 for a task; the item index (0-based) for an item of a map task. */
  mapIndex: number;
  attempt: number;
  status: TaskStatus;
  scheduledAt?: Date | null;
  startedAt?: Date | null;
  endedAt?: Date | null;
  heartbeatAt?: Date | null;
  /**
   * When the row is next due for the engine. For a FAILED or TIMED_OUT attempt it means
   * "unsettled": the decider has not yet answered the failure with `retry` or `failTask`
   * (recording a failure sets it; both answers clear it). A failed attempt with `nextRunAt` null
   * is final.
   */
  nextRunAt?: Date | null;
  /** The output of a COMPLETED attempt. A completed switch's output is `{ branch }`. */
  output?: JsonValue;
  error?: TaskRunError | null;
  /**
   * Map tasks only: the number of items, recorded by the runtime when it starts the map (it
   * evaluates `params.items`); until then decide schedules no item.
   */
  mapItemCount?: number | null;
}

export interface ExecutionSnapshot {
  status: ExecutionStatus;
  createdAt: Date;
  /** When it (last) started; the workflow timeout counts from here, else from createdAt. */
  startedAt?: Date | null;
  /** Not read by decide (expressions are the runtime's), carried for the runtime's convenience. */
  input?: JsonValue;
}

export interface DecideInput {
  definition: WorkflowDefinition;
  execution: ExecutionSnapshot;
  /** Every attempt of every task and map item of the execution, in any order. */
  runs: readonly TaskRunSnapshot[];
  now: Date;
}

/** A task attempt: the TaskRun row's unique key within the execution. */
export interface AttemptRef {
  taskKey: string;
  mapIndex: number;
  attempt: number;
}

export type TimeoutKind = "start_to_close" | "heartbeat" | "schedule_to_close";

export type SkipReason = "branch_not_taken" | "upstream_skipped";

export type CancelReason = "execution_ended" | "map_failed" | "map_timed_out";

/** Output of a completed map: item outputs and errors by item index ("0", "1", …). */
export type MapOutput = {
  success: Record<string, JsonValue>;
  failure: Record<string, TaskRunError>;
};

/**
 * The commands of one decision. The runtime applies them in order, in one transaction, each
 * through `transitionTask` / `transitionExecution`; `applyCommand` in `apply.ts` is their
 * reference semantics on snapshots.
 */
export type Command =
  /** QUEUED → RUNNING (stamps startedAt). */
  | { kind: "startExecution" }
  /** Create (or promote a PENDING row to) the attempt as SCHEDULED, due at `runAt` (= now). */
  | (AttemptRef & { kind: "schedule"; runAt: Date; status: "SCHEDULED" })
  /**
   * Settle the failed `failedAttempt` (clear its nextRunAt) and create `attempt` = failedAttempt + 1,
   * RETRYING until `runAt` (or SCHEDULED when already due).
   */
  | (AttemptRef & {
      kind: "retry";
      failedAttempt: number;
      runAt: Date;
      delayMs: number;
      status: "SCHEDULED" | "RETRYING";
    })
  /** Settle the failed attempt as final (clear its nextRunAt): the task (or map item) has failed. */
  | (AttemptRef & { kind: "failTask"; reason: RetryRefusal })
  /** Record the never-run task as SKIPPED (attempt row `attempt`, normally 1). */
  | (AttemptRef & { kind: "skip"; reason: SkipReason; upstream: string[] })
  /** Record the never-run task as UPSTREAM_FAILED because of `upstream`. */
  | (AttemptRef & { kind: "upstreamFailed"; upstream: string[] })
  /** The attempt ran out of time: TIMED_OUT with `error`, unsettled (a retry or failTask follows). */
  | (AttemptRef & { kind: "timeoutAttempt"; reason: TimeoutKind; error: TaskRunError })
  /** Stop a live attempt: CANCELLED (a worker holding it loses its lease). */
  | (AttemptRef & { kind: "cancelAttempt"; reason: CancelReason })
  /** Every item has ended (collect mode): the map's attempt is COMPLETED with `output`. */
  | (AttemptRef & { kind: "completeMap"; output: MapOutput })
  /** An item failed (failFast): the map's attempt is FAILED with `error`, final (maps are not retried). */
  | (AttemptRef & { kind: "failMap"; error: TaskRunError })
  /** Every task ended and none failed; the runtime evaluates the output mapping. */
  | { kind: "completeExecution" }
  | { kind: "failExecution"; error: ExecutionError }
  /** The workflow's `timeoutMs` has passed. */
  | { kind: "timeoutExecution"; error: ExecutionError };

export type CommandKind = Command["kind"];

export interface Decision {
  commands: Command[];
  /**
   * The earliest future moment at which time alone would change the decision (a timeout or the
   * workflow deadline); null when nothing is time-bound. Due retries are not included: the
   * runtime claims RETRYING attempts when their nextRunAt passes.
   */
  wakeAt: Date | null;
}
