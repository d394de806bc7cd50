import type { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { DatabaseProvider } from "@/lib/db/config";
import type { TaskRunError } from "@/lib/engine/types";
import { loadDefinition } from "@/lib/runtime/definitions";
import { fromJsonText } from "@/lib/runtime/json";
import type { AttemptOutcome } from "@/lib/runtime/state";
import { pollForWorker, workerLeaseMs, workerTaskPolicy, type WorkerTaskView } from "@/lib/runtime/worker-poll";
import { recordAttemptOutcome } from "@/lib/runtime/writes/record-outcome";
import { renewLease } from "@/lib/runtime/writes/worker-claim";
import { appendLogs, type AppendResult, type NewLogLine } from "@/lib/runtime/writes/append-logs";
import { leasedTo } from "@/lib/runtime/writes/fence";
import { conflict, notFound, ServiceError } from "@/lib/services/errors";
import { appendLogsBodySchema, completeTaskBodySchema, failTaskBodySchema, heartbeatBodySchema, pollTasksSchema, type PollTasksRequest, type workerLogsSchema } from "@/lib/services/worker-schemas";

/**
 * The worker protocol (Conductor's SIMPLE tasks, with graphile-worker's leases): external workers
 * poll for attempts of a taskType, get each with a lease, renew it by heartbeating, and report a
 * result. Every result and heartbeat is fenced by the lease: only the worker named in `lockedBy`,
 * while the attempt is RUNNING and the lease has not run out, can change it. Anything else (a
 * late result after the reaper expired the lease, a duplicate, an operator's cancel) is refused
 * with a 409 that says why, and changes nothing.
 */

/**
 * Largest result a worker may report (output + logs + error, as JSON). Big payloads belong in
 * object storage; the task's output should point to them.
 * @default 1 MiB (FLOWDECK_MAX_TASK_RESULT_BYTES)
 */
export const MAX_TASK_RESULT_BYTES = Number(process.env.FLOWDECK_MAX_TASK_RESULT_BYTES ?? 1024 * 1024);
/** Largest heartbeat `details`. @default 64 KiB */
export const MAX_HEARTBEAT_DETAILS_BYTES = 64 * 1024;

export type HeartbeatRequest = { taskId: string } & z.input<typeof heartbeatBodySchema>;
export type AppendLogsRequest = { taskId: string } & z.input<typeof appendLogsBodySchema>;
/** What an append kept: lines past the attempt's log limit are dropped (`truncated`), never an error. */
export type AppendLogsResult = { taskId: string; kept: number; dropped: number; truncated: boolean };
export type CompleteTaskRequest = { taskId: string } & z.input<typeof completeTaskBodySchema>;
export type FailTaskRequest = { taskId: string } & z.input<typeof failTaskBodySchema>;

export type HeartbeatResult = { taskId: string; leaseExpiresAt: string };
export type TaskResultView = { taskId: string; status: "COMPLETED" | "FAILED" };



// ---------------------------------------------------------------------------------------------
// Poll

/**
 * Claims up to `max` due attempts of `taskType` for `workerId`, each RUNNING with a lease; with
 * `waitMs`, a long poll (see lib/runtime/worker-poll.ts). `signal` ends the wait early.
 */
export async function pollTasks(db: Db, provider: DatabaseProvider, request: PollTasksRequest, options: { signal?: AbortSignal } = {}): Promise<WorkerTaskView[]> {
  return pollForWorker(db, provider, pollTasksSchema.parse(request), options);
}

// ---------------------------------------------------------------------------------------------
// Heartbeat, complete, fail

type LeaseRow = {
  id: string;
  status: string;
  lockedBy: string | null;
  leaseExpiresAt: Date | null;
  heartbeatAt: Date | null;
  taskKey: string;
  mapIndex: number;
  taskType: string;
  workerTaskType: string | null;
  error: string | null;
  execution: { definitionId: string };
};

async function readLeaseRow(db: Db, taskId: string): Promise<LeaseRow | null> {
  return db.taskRun.findUnique({
    where: { id: taskId },
    select: {
      id: true,
      status: true,
      lockedBy: true,
      leaseExpiresAt: true,
      heartbeatAt: true,
      taskKey: true,
      mapIndex: true,
      taskType: true,
      workerTaskType: true,
      error: true,
      execution: { select: { definitionId: true } },
    },
  });
}

/**
 * Why `workerId` may not act on this attempt now, or null when it holds a live lease. `what`
 * names the refused action ("this result", "this heartbeat") for the message.
 */
function leaseRefusal(row: LeaseRow | null, taskId: string, workerId: string, now: Date, what: string): ServiceError | null {
  if (!row) return notFound(`task '${taskId}' not found`);
  if (row.workerTaskType === null) {
    return conflict(`task ${taskId} (${row.taskKey}) is a ${row.taskType} task, not a worker task; ${what} was not applied`);
  }
  if (row.status !== "RUNNING") {
    if (row.status === "SCHEDULED" || row.status === "RETRYING") {
      return conflict(`task ${taskId} (${row.taskKey}) is ${row.status} and not claimed by any worker; poll for it first; ${what} was not applied`);
    }
    const code = fromJsonText<{ code?: string }>(row.error)?.code;
    const why = code === "LEASE_EXPIRED" ? " (its lease expired before a result came)" : code ? ` (${code})` : "";
    return conflict(`task ${taskId} (${row.taskKey}) is ${row.status}${why}; ${what} was not applied`);
  }
  if (row.lockedBy !== workerId) {
    return conflict(`worker ${workerId} does not hold the lease of task ${taskId} (${row.taskKey}) (held by ${row.lockedBy ?? "nobody"}); ${what} was not applied`);
  }
  if (row.leaseExpiresAt && row.leaseExpiresAt.getTime() < now.getTime()) {
    return conflict(
      `the lease of task ${taskId} (${row.taskKey}) held by ${workerId} expired at ${row.leaseExpiresAt.toISOString()}; ${what} was not applied (the attempt times out and is retried per its retry policy)`,
    );
  }
  return null;
}

/**
 * Renews the caller's lease for another lease length (the one granted at the claim) and records
 * the heartbeat (the decider's heartbeat timeout counts from it). Only the lease holder of a
 * RUNNING attempt with a live lease may. The start-to-close timeout still applies: the decider
 * times the attempt out then, and the next heartbeat gets a 409 saying so. `details` (the
 * worker's progress, bounded) replace the attempt's last ones: the monitor shows them, and the
 * task's next attempt is given them as `lastHeartbeatDetails`.
 */
export async function heartbeat(db: Db, request: HeartbeatRequest): Promise<HeartbeatResult> {
  const { taskId } = request;
  const { workerId, details } = heartbeatBodySchema.parse({ workerId: request.workerId, details: request.details });
  if (details !== undefined) checkSize("heartbeat details", details, MAX_HEARTBEAT_DETAILS_BYTES);
  const now = new Date();
  const row = await readLeaseRow(db, taskId);
  const refusal = leaseRefusal(row, taskId, workerId, now, "this heartbeat");
  if (refusal || !row) throw refusal;
  // The lease length granted at the claim (it may be shorter than the task's, at the worker's request).
  const grantedMs =
    row.leaseExpiresAt && row.heartbeatAt
      ? row.leaseExpiresAt.getTime() - row.heartbeatAt.getTime()
      : workerLeaseMs(workerTaskPolicy(await loadDefinition(db, row.execution.definitionId), row.taskKey, row.mapIndex).timeouts);
  const until = new Date(now.getTime() + Math.max(grantedMs, 1));
  const renewed = await renewLease(db, taskId, workerId, now, until, details);
  if (!renewed) throw leaseRefusal(await readLeaseRow(db, taskId), taskId, workerId, new Date(), "this heartbeat") ?? raceConflict(taskId);
  return { taskId, leaseExpiresAt: until.toISOString() };
}

/**
 * Appends log lines to the caller's attempt while it runs (the task inspector streams them). Only
 * the holder of a live lease may, like a heartbeat; it does not renew the lease. Lines past the
 * attempt's log limit (FLOWDECK_TASK_LOG_MAX_BYTES) are dropped and counted, and the log says where
 * it was cut.
 */
export async function appendTaskLogs(db: Db, request: AppendLogsRequest): Promise<AppendLogsResult> {
  const { taskId } = request;
  const body = appendLogsBodySchema.parse({ workerId: request.workerId, lines: request.lines });
  const now = new Date();
  const refusal = leaseRefusal(await readLeaseRow(db, taskId), taskId, body.workerId, now, "these log lines");
  if (refusal) throw refusal;
  const result = await appendWorkerLines(db, taskId, body.workerId, body.lines, now);
  if (!result) throw leaseRefusal(await readLeaseRow(db, taskId), taskId, body.workerId, new Date(), "these log lines") ?? raceConflict(taskId);
  return { taskId, kept: result.kept, dropped: result.dropped, truncated: result.truncated };
}

/** The worker's lines in the attempt's log (fenced by its live lease); null if the lease is not its. */
async function appendWorkerLines(db: Db, taskId: string, holder: string, lines: z.infer<typeof workerLogsSchema>, now: Date): Promise<AppendResult | null> {
  return appendLogs(db, taskId, leasedTo(holder, now), normalizeLogs(lines, now));
}

/** Completes the caller's attempt with its output; the next decision step moves the workflow on. */
export async function completeTask(db: Db, request: CompleteTaskRequest): Promise<TaskResultView> {
  const { taskId } = request;
  const body = completeTaskBodySchema.parse({ workerId: request.workerId, output: request.output, logs: request.logs });
  checkSize("the result (output and logs)", { output: body.output, logs: body.logs }, MAX_TASK_RESULT_BYTES);
  await reportOutcome(db, taskId, body.workerId, { status: "COMPLETED", output: body.output ?? null }, body.logs);
  return { taskId, status: "COMPLETED" };
}

/**
 * Fails the caller's attempt. The next decision step retries it per the task's retry policy, or
 * fails the task at once when `error.code` is one of its `nonRetryableErrors`.
 */
export async function failTask(db: Db, request: FailTaskRequest): Promise<TaskResultView> {
  const { taskId } = request;
  const body = failTaskBodySchema.parse({ workerId: request.workerId, error: request.error, logs: request.logs });
  checkSize("the result (error and logs)", { error: body.error, logs: body.logs }, MAX_TASK_RESULT_BYTES);
  const error: TaskRunError = { code: body.error.code ?? "WORKER_ERROR", message: body.error.message };
  if (body.error.details !== undefined) error.details = body.error.details;
  await reportOutcome(db, taskId, body.workerId, { status: "FAILED", error }, body.logs);
  return { taskId, status: "FAILED" };
}

async function reportOutcome(db: Db, taskId: string, workerId: string, outcome: AttemptOutcome, logs: z.infer<typeof workerLogsSchema> | undefined): Promise<void> {
  const now = new Date();
  const refusal = leaseRefusal(await readLeaseRow(db, taskId), taskId, workerId, now, "this result");
  if (refusal) throw refusal;
  // The lines sent with the result go to the attempt's log first, while the lease still holds.
  if (logs !== undefined && logs.length > 0 && !(await appendWorkerLines(db, taskId, workerId, logs, now))) {
    throw leaseRefusal(await readLeaseRow(db, taskId), taskId, workerId, new Date(), "this result") ?? raceConflict(taskId);
  }
  const written = await recordAttemptOutcome(db, { taskRunId: taskId, lockedBy: workerId }, outcome, { actor: workerId, now });
  // Lost a race between the check and the write (the reaper, an operator, a duplicate request).
  if (!written) throw leaseRefusal(await readLeaseRow(db, taskId), taskId, workerId, new Date(), "this result") ?? raceConflict(taskId);
}

function raceConflict(taskId: string): ServiceError {
  return conflict(`task ${taskId} changed while this request was applied; it was not applied — read the task and retry if it still applies`);
}

function normalizeLogs(logs: z.infer<typeof workerLogsSchema>, now: Date): NewLogLine[] {
  return logs.map((line) =>
    typeof line === "string"
      ? { stream: "worker", level: "info", message: line, time: now }
      : { stream: "worker", level: line.level ?? "info", message: line.message, time: line.time ? new Date(line.time) : now },
  );
}

function checkSize(what: string, value: unknown, limit: number): void {
  const size = Buffer.byteLength(JSON.stringify(value) ?? "");
  if (size > limit) {
    throw new ServiceError("PAYLOAD_TOO_LARGE", `${what} is ${size} bytes as JSON; the limit is ${limit} bytes — store large data elsewhere and return a reference to it`);
  }
}

export { DEFAULT_WORKER_LEASE_MS, POLL_RECHECK_MS, workerLeaseMs, type WorkerTaskView } from "@/lib/runtime/worker-poll";
