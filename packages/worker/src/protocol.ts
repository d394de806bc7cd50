/**
 * The worker API's wire types (POST /api/workers/…), as the server's zod schemas define them
 * (lib/services/workers.ts, lib/http/openapi/responses.ts). They are written out here so the SDK
 * has no dependency; tests/unit/worker-sdk-types.test.ts checks at compile time that each equals
 * what the schemas infer, so the two cannot drift apart.
 */


/** A claimed attempt. */
export type WorkerTask<Input = unknown> = {
  /** The attempt's id: what heartbeat, complete and fail are about. */
  taskId: string;
  executionId: string;
  workflowName: string;
  workflowVersion: number;
  taskKey: string;
  /** -1 for a task of its own; the item index for an item of a map. */
  mapIndex: number;
  /** 1 for the first attempt. */
  attempt: number;
  input: Input;
  /** Heartbeat or report a result before then, or the attempt times out (LEASE_EXPIRED). */
  leaseExpiresAt: string;
  /** Length of the lease; each heartbeat renews it for this long. */
  leaseMs: number;
  /** The task's heartbeat timeout, when it has one. */
  heartbeatTimeoutMs?: number;
  /** What the previous attempt last sent with a heartbeat (its progress), to resume from. */
  lastHeartbeatDetails?: unknown;
};

export type WorkerLogLine = { time?: string; level?: "debug" | "info" | "warn" | "error"; message: string };
export type WorkerTaskError = { code?: string; message: string; details?: unknown };
export type ApiErrorDetail = { path: string; message: string };

/** A worker's request for tasks of one type. */
export type PollRequest = {
  taskType: string;
  workerId: string;
  /** Most tasks to claim. @default 1 */
  max?: number;
  /** Long poll: wait up to this long (≤ 30000 ms) for a task. @default 0 */
  waitMs?: number;
  /** Lease to ask for; never longer than the task's own heartbeat / start-to-close timeout. */
  leaseMs?: number;
};

/** The API answered with an error status (`code`/`message` from its body), or could not be reached (status 0). */

export type HeartbeatResult = { taskId: string; leaseExpiresAt: string };
export type TaskResult<Status extends "COMPLETED" | "FAILED" = "COMPLETED" | "FAILED"> = { taskId: string; status: Status };
/** What an append of log lines kept: lines past the attempt's log limit are dropped (`truncated`), never an error. */
export type AppendLogsResult = { taskId: string; kept: number; dropped: number; truncated: boolean };
