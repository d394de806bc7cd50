import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { DatabaseProvider } from "@/lib/db/config";
import type { TaskRunError } from "@/lib/engine/types";
import { WORKER_TASK_TYPE_PATTERN, type Timeouts, type WorkflowDefinition } from "@/lib/workflow/schema";
import { announceExecutionChanged, engineBus } from "@/lib/runtime/bus";
import { claimWorkerTasks } from "@/lib/runtime/claims";
import { loadDefinition } from "@/lib/runtime/definitions";
import { appendEvents, type NewEvent } from "@/lib/runtime/events";
import { fromJsonText, toJsonText } from "@/lib/runtime/json";
import { decideNoLaterThan, lockExecution, recordAttemptOutcome, type AttemptOutcome } from "@/lib/runtime/results";
import { taskOf } from "@/lib/runtime/task-types";
import { conflict, notFound, ServiceError } from "@/lib/services/errors";

/**
 * The worker protocol (Conductor's SIMPLE tasks, with graphile-worker's leases): external workers
 * poll for attempts of a taskType, get each with a lease, renew it by heartbeating, and report a
 * result. Every result and heartbeat is fenced by the lease: only the worker named in `lockedBy`,
 * while the attempt is RUNNING and the lease has not run out, can change it. Anything else (a
 * late result after the reaper expired the lease, a duplicate, an operator's cancel) is refused
 * with a 409 that says why, and changes nothing.
 */

/** Lease of a claimed attempt when its task sets neither `heartbeatMs` nor `startToCloseMs`. @default 60000 */
export const DEFAULT_WORKER_LEASE_MS = 60_000;
/** Longest long poll. @default 30000 */
export const MAX_POLL_WAIT_MS = 30_000;
/** Most attempts one poll may claim. @default 100 */
export const MAX_POLL_TASKS = 100;
/**
 * Largest result a worker may report (output + logs + error, as JSON). Big payloads belong in
 * object storage; the task's output should point to them.
 * @default 1 MiB (FLOWDECK_MAX_TASK_RESULT_BYTES)
 */
export const MAX_TASK_RESULT_BYTES = Number(process.env.FLOWDECK_MAX_TASK_RESULT_BYTES ?? 1024 * 1024);
/** Largest heartbeat `details`. @default 64 KiB */
export const MAX_HEARTBEAT_DETAILS_BYTES = 64 * 1024;
/** How often a waiting long poll looks at the database for work made by other processes. @default 150 */
export const POLL_RECHECK_MS = 150;

const workerIdSchema = z
  .string({ error: "is required: the id of the calling worker" })
  .trim()
  .min(1, { error: "must name the worker" })
  .max(200, { error: "must be at most 200 characters" })
  .describe("Identifies the worker process; it holds the leases of the tasks it claims");

export const pollTasksSchema = z.strictObject({
  taskType: z
    .string({ error: "is required: the task type to poll for" })
    .min(1, { error: "must not be empty" })
    .max(100, { error: "must be at most 100 characters" })
    .regex(WORKER_TASK_TYPE_PATTERN, { error: "must start with a letter or '_' and contain only letters, digits, '_', '.' and '-'" }),
  workerId: workerIdSchema,
  /** Most tasks to claim. @default 1 */
  max: z.number().int({ error: "must be an integer" }).min(1, { error: "must be ≥ 1" }).max(MAX_POLL_TASKS, { error: `must be ≤ ${MAX_POLL_TASKS}` }).default(1),
  /** Long poll: wait up to this long for a task when none is available. @default 0 */
  waitMs: z.number().int({ error: "must be an integer" }).min(0, { error: "must be ≥ 0" }).max(MAX_POLL_WAIT_MS, { error: `must be ≤ ${MAX_POLL_WAIT_MS}` }).default(0),
  /**
   * Lease the worker asks for. Never longer than the task's own `heartbeatMs` / `startToCloseMs`.
   * @default the task's heartbeatMs, else its startToCloseMs, else 60000
   */
  leaseMs: z.number().int({ error: "must be an integer" }).min(100, { error: "must be ≥ 100" }).max(86_400_000, { error: "must be ≤ 86400000 (one day)" }).optional(),
});
export type PollTasksRequest = z.input<typeof pollTasksSchema>;

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export const workerLogsSchema = z
  .array(
    z.union([
      z.string().max(10_000, { error: "must be at most 10000 characters" }),
      z.strictObject({
        time: z.iso.datetime({ offset: true, error: "must be an ISO-8601 date-time" }).optional(),
        level: z.enum(LOG_LEVELS).optional(),
        message: z.string().max(10_000, { error: "must be at most 10000 characters" }),
      }),
    ]),
  )
  .max(1000, { error: "must have at most 1000 lines" })
  .describe("Log lines of the attempt: strings or { time?, level?, message }");
export type WorkerLogLine = { time: string; level: (typeof LOG_LEVELS)[number]; message: string };

export const heartbeatBodySchema = z.strictObject({
  workerId: workerIdSchema,
  /** Progress the worker reports (validated and bounded; not stored, see heartbeat()). */
  details: z.json().optional(),
});

export const completeTaskBodySchema = z.strictObject({
  workerId: workerIdSchema,
  output: z.json().optional(),
  logs: workerLogsSchema.optional(),
});

export const failTaskBodySchema = z.strictObject({
  workerId: workerIdSchema,
  error: z.strictObject({
    /** Compared with the task's `retry.nonRetryableErrors`. @default "WORKER_ERROR" */
    code: z.string().min(1, { error: "must not be empty" }).max(100, { error: "must be at most 100 characters" }).optional(),
    message: z.string().min(1, { error: "must say what went wrong" }).max(10_000, { error: "must be at most 10000 characters" }),
    details: z.json().optional(),
  }),
  logs: workerLogsSchema.optional(),
});

export type HeartbeatRequest = { taskId: string } & z.input<typeof heartbeatBodySchema>;
export type CompleteTaskRequest = { taskId: string } & z.input<typeof completeTaskBodySchema>;
export type FailTaskRequest = { taskId: string } & z.input<typeof failTaskBodySchema>;

/** A claimed attempt, as a worker receives it. */
export type WorkerTaskView = {
  /** The attempt's id: the `{taskId}` of heartbeat, complete and fail. */
  taskId: string;
  executionId: string;
  workflowName: string;
  workflowVersion: number;
  taskKey: string;
  /** -1 for a task of its own; the item index for an item of a map. */
  mapIndex: number;
  /** 1 for the first attempt. */
  attempt: number;
  input: unknown;
  /** Report a result or heartbeat before then, or the attempt times out (LEASE_EXPIRED). */
  leaseExpiresAt: string;
  /** Length of the lease; each heartbeat renews it for this long. */
  leaseMs: number;
  /**
   * The last heartbeat `details` of the previous attempt, when it sent any: a retry can resume
   * from the progress the failed attempt reported (Temporal's heartbeat details).
   */
  lastHeartbeatDetails?: unknown;
  /** The task's heartbeat timeout, when it has one. */
  heartbeatTimeoutMs?: number;
};

export type HeartbeatResult = { taskId: string; leaseExpiresAt: string };
export type TaskResultView = { taskId: string; status: "COMPLETED" | "FAILED" };

/** What a worker task's definition says about its attempts (a map item: the map's item template). */
type WorkerTaskPolicy = { timeouts: Timeouts | undefined; concurrencyLimit: number | undefined };

function workerTaskPolicy(definition: WorkflowDefinition, taskKey: string, mapIndex: number): WorkerTaskPolicy {
  const task = taskOf(definition, taskKey);
  if (mapIndex >= 0 && task.type === "map") {
    const item = task.params.task;
    const params = item?.type === "worker" ? item.params : undefined;
    return { timeouts: item?.timeouts, concurrencyLimit: params?.concurrencyLimit };
  }
  return { timeouts: task.timeouts, concurrencyLimit: task.type === "worker" ? task.params.concurrencyLimit : undefined };
}

/** The lease: heartbeatMs, else startToCloseMs, else 60 s; a worker may ask for less, never more. */
export function workerLeaseMs(timeouts: Timeouts | undefined, requestedLeaseMs?: number): number {
  const limit = timeouts?.heartbeatMs ?? timeouts?.startToCloseMs;
  if (limit === undefined) return requestedLeaseMs ?? DEFAULT_WORKER_LEASE_MS;
  return requestedLeaseMs === undefined ? limit : Math.min(requestedLeaseMs, limit);
}


// ---------------------------------------------------------------------------------------------
// Poll

/**
 * Claims up to `max` due attempts of `taskType` for `workerId`, each RUNNING with a lease. With
 * `waitMs`, a long poll: when nothing is claimable it waits until something is (in-process engine
 * changes wake it at once; a short re-check every {@link POLL_RECHECK_MS} covers other processes)
 * or the time is up, and answers with an empty list then. `signal` ends the wait early (the client
 * went away); an attempt claimed at the very moment the client disconnects is lost to it and
 * comes back when its lease runs out (counted as a timed-out attempt).
 */
export async function pollTasks(
  db: Db,
  provider: DatabaseProvider,
  request: PollTasksRequest,
  options: { signal?: AbortSignal } = {},
): Promise<WorkerTaskView[]> {
  const { taskType, workerId, max, waitMs, leaseMs } = pollTasksSchema.parse(request);
  const deadline = Date.now() + waitMs;
  const { signal } = options;
  for (;;) {
    // Nothing is claimed for a client that went away (its tasks would wait for the lease to run out).
    if (signal?.aborted) return [];
    // Listen before looking, so a change between the claim and the wait is not missed.
    const change = listenForChange(signal);
    try {
      const tasks = await claimOnce(db, provider, { taskType, workerId, max, leaseMs });
      const remaining = deadline - Date.now();
      if (tasks.length > 0 || remaining <= 0 || signal?.aborted) return tasks;
      await change.wait(Math.min(POLL_RECHECK_MS, remaining));
    } finally {
      change.stop();
    }
  }
}

/** Resolves on the next in-process engine change (or abort), or after `ms`; at once if one came already. */
function listenForChange(signal: AbortSignal | undefined) {
  let changed = false;
  let wakeUp: (() => void) | null = null;
  const onChange = () => {
    changed = true;
    wakeUp?.();
  };
  engineBus.on("executionChanged", onChange);
  engineBus.on("wake", onChange);
  signal?.addEventListener("abort", onChange);
  return {
    wait: (ms: number) =>
      new Promise<void>((resolve) => {
        if (changed) return resolve();
        const timer = setTimeout(resolve, ms);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    stop: () => {
      engineBus.off("executionChanged", onChange);
      engineBus.off("wake", onChange);
      signal?.removeEventListener("abort", onChange);
    },
  };
}

type ClaimRequest = { taskType: string; workerId: string; max: number; leaseMs: number | undefined };

async function claimOnce(db: Db, provider: DatabaseProvider, request: ClaimRequest): Promise<WorkerTaskView[]> {
  const { taskType, workerId, max, leaseMs } = request;
  const now = new Date();
  // A plain read first: an idle poll (the common case) never takes SQLite's write lock, and the
  // candidates tell which definitions (leases, concurrency limits) are involved.
  const candidates = await db.taskRun.findMany({
    where: {
      workerTaskType: taskType,
      status: { in: ["SCHEDULED", "RETRYING"] },
      input: { not: null },
      lockedBy: null,
      nextRunAt: { lte: now },
      execution: { status: "RUNNING" },
    },
    orderBy: { nextRunAt: "asc" },
    take: max,
    select: { id: true, taskKey: true, mapIndex: true, execution: { select: { definitionId: true } } },
  });
  if (candidates.length === 0) return [];
  const policies = await Promise.all(
    candidates.map(async (c) => workerTaskPolicy(await loadDefinition(db, c.execution.definitionId), c.taskKey, c.mapIndex)),
  );
  const limits = policies.map((p) => p.concurrencyLimit).filter((limit): limit is number => limit !== undefined);
  const concurrencyLimit = limits.length > 0 ? Math.min(...limits) : undefined;
  // Provisional lease for the claim statement; rows of other definitions are corrected below.
  const provisionalLeaseMs = workerLeaseMs(policies[0]!.timeouts, leaseMs);
  const claimParams = { taskType, workerId, now, leaseUntil: new Date(now.getTime() + provisionalLeaseMs), limit: max };

  let claimedIds: string[];
  if (concurrencyLimit === undefined) {
    // Only among the candidates read: if another poll took some of them meanwhile, the claim must
    // not reach past them to attempts of a definition with a limit nobody checked.
    claimedIds = await claimWorkerTasks(db, provider, { ...claimParams, ids: candidates.map((c) => c.id) });
  } else {
    // Why a transaction (and on PostgreSQL an advisory lock per taskType): the count of running
    // attempts and the claim must not interleave with another poll's, or both would see room for
    // one more and exceed the limit. The advisory lock serialises limited claims of one taskType
    // across processes; SQLite transactions are serialised within a process by the driver
    // adapter, so there the limit is exact per process and approximate across processes.
    claimedIds = await db.$transaction(async (tx) => {
      if (provider === "postgresql") await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`flowdeck:worker:${taskType}`}))`;
      const running = await tx.taskRun.count({ where: { workerTaskType: taskType, status: "RUNNING" } });
      const room = concurrencyLimit - running;
      if (room <= 0) return [];
      return claimWorkerTasks(tx as unknown as Db, provider, { ...claimParams, limit: Math.min(max, room) });
    });
  }
  if (claimedIds.length === 0) return [];

  const rows = await db.taskRun.findMany({
    where: { id: { in: claimedIds } },
    select: {
      id: true,
      executionId: true,
      taskKey: true,
      mapIndex: true,
      attempt: true,
      input: true,
      execution: { select: { workflowName: true, workflowVersion: true, definitionId: true } },
    },
  });
  const order = new Map(claimedIds.map((id, index) => [id, index]));
  rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const retries = rows.filter((row) => row.attempt > 1);
  const previous =
    retries.length === 0
      ? []
      : await db.taskRun.findMany({
          where: { OR: retries.map((row) => ({ executionId: row.executionId, taskKey: row.taskKey, mapIndex: row.mapIndex, attempt: row.attempt - 1 })), heartbeatDetails: { not: null } },
          select: { executionId: true, taskKey: true, mapIndex: true, heartbeatDetails: true },
        });
  const lastDetails = new Map(previous.map((run) => [`${run.executionId}/${run.taskKey}/${run.mapIndex}`, fromJsonText(run.heartbeatDetails)]));

  const views: WorkerTaskView[] = [];
  const deadlines = new Map<string, Date>();
  for (const row of rows) {
    const policy = workerTaskPolicy(await loadDefinition(db, row.execution.definitionId), row.taskKey, row.mapIndex);
    const rowLeaseMs = workerLeaseMs(policy.timeouts, leaseMs);
    const until = new Date(now.getTime() + rowLeaseMs);
    if (until.getTime() !== claimParams.leaseUntil.getTime()) {
      await db.taskRun.updateMany({ where: { id: row.id, lockedBy: workerId, status: "RUNNING" }, data: { leaseExpiresAt: until } });
    }
    views.push({
      taskId: row.id,
      executionId: row.executionId,
      workflowName: row.execution.workflowName,
      workflowVersion: row.execution.workflowVersion,
      taskKey: row.taskKey,
      mapIndex: row.mapIndex,
      attempt: row.attempt,
      input: fromJsonText(row.input) ?? null,
      leaseExpiresAt: until.toISOString(),
      leaseMs: until.getTime() - now.getTime(),
      ...(lastDetails.has(`${row.executionId}/${row.taskKey}/${row.mapIndex}`) ? { lastHeartbeatDetails: lastDetails.get(`${row.executionId}/${row.taskKey}/${row.mapIndex}`) } : {}),
      ...(policy.timeouts?.heartbeatMs !== undefined ? { heartbeatTimeoutMs: policy.timeouts.heartbeatMs } : {}),
    });
    const startToCloseMs = policy.timeouts?.startToCloseMs;
    if (startToCloseMs !== undefined) deadlines.set(row.id, new Date(now.getTime() + startToCloseMs));
  }
  // The claim has committed: the tasks are this worker's now. If recording their start fails (a
  // deadlock, a pool timeout), the worker must still get them — dropping them here would leave
  // them RUNNING until their leases expire and burn an attempt each for work never delivered.
  const held = await recordStarts(db, views, deadlines, workerId, now).catch((error: unknown) => {
    console.error(`[workers] claimed ${views.length} task(s) for ${workerId} but could not record their start:`, (error as Error).message);
    return null;
  });
  // An attempt cancelled between the claim and here (an operator, a terminate task, a map's
  // fail-fast) is not handed out: its history already ends with TASK_CANCELLED.
  return held ? views.filter((view) => held.has(view.taskId)) : views;
}

/**
 * What the claim statement leaves out: TASK_STARTED events (the claim sets startedAt, so the
 * result write will not add them), and a decision at each attempt's start-to-close deadline
 * (decide computes it from startedAt, which it has not seen; without this, heartbeats could keep
 * an attempt alive past it). The heartbeat timeout needs no decision: the lease is that timeout,
 * and the reaper expires it (LEASE_EXPIRED).
 *
 * A separate transaction from the claim on purpose: it takes each execution's row lock
 * (lockExecution, as every event writer does), and taking that while holding the claimed TaskRun
 * rows would lock in the opposite order to a decision step (execution first, then its attempts)
 * and could deadlock on PostgreSQL. A crash between the two loses only these events. Holding the
 * execution locks, it checks which attempts are still this worker's: one cancelled since the
 * claim gets no TASK_STARTED after its TASK_CANCELLED. Returns the ids still held. (Exported for
 * the test of that race.)
 */
export async function recordStarts(db: Db, views: WorkerTaskView[], deadlines: Map<string, Date>, workerId: string, now: Date): Promise<Set<string>> {
  const executionIds = [...new Set(views.map((view) => view.executionId))].sort();
  const events = startedEvents(views, workerId, now);
  let held = new Set<string>();
  await db.$transaction(async (tx) => {
    for (const executionId of executionIds) await lockExecution(tx, executionId);
    const still = await tx.taskRun.findMany({ where: { id: { in: views.map((view) => view.taskId) }, lockedBy: workerId, status: "RUNNING" }, select: { id: true } });
    held = new Set(still.map((row) => row.id));
    for (const executionId of executionIds) {
      const due = views.filter((view) => view.executionId === executionId && held.has(view.taskId) && deadlines.has(view.taskId)).map((view) => deadlines.get(view.taskId)!.getTime());
      if (due.length > 0) await decideNoLaterThan(tx, executionId, new Date(Math.min(...due)));
    }
    await appendEvents(tx, events.filter((event) => held.has(event.taskRunId!)));
  });
  for (const executionId of executionIds) announceExecutionChanged(executionId);
  return held;
}

function startedEvents(views: WorkerTaskView[], workerId: string, now: Date): NewEvent[] {
  return views.map((view) => ({
    executionId: view.executionId,
    type: "TASK_STARTED",
    taskKey: view.taskKey,
    mapIndex: view.mapIndex,
    taskRunId: view.taskId,
    actor: workerId,
    createdAt: now,
    payload: { attempt: view.attempt, workerId, leaseExpiresAt: view.leaseExpiresAt },
  }));
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
  // Fenced like a result: the lease holder, still RUNNING, lease not yet run out.
  const renewed = await db.taskRun.updateMany({
    where: { id: taskId, lockedBy: workerId, status: "RUNNING", leaseExpiresAt: { gte: now } },
    data: { heartbeatAt: now, leaseExpiresAt: until, ...(details !== undefined ? { heartbeatDetails: toJsonText(details) } : {}) },
  });
  if (renewed.count === 0) throw leaseRefusal(await readLeaseRow(db, taskId), taskId, workerId, new Date(), "this heartbeat") ?? raceConflict(taskId);
  return { taskId, leaseExpiresAt: until.toISOString() };
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
  const written = await recordAttemptOutcome(db, { taskRunId: taskId, lockedBy: workerId }, outcome, {
    actor: workerId,
    now,
    ...(logs !== undefined ? { logs: normalizeLogs(logs, now) } : {}),
  });
  // Lost a race between the check and the write (the reaper, an operator, a duplicate request).
  if (!written) throw leaseRefusal(await readLeaseRow(db, taskId), taskId, workerId, new Date(), "this result") ?? raceConflict(taskId);
}

function raceConflict(taskId: string): ServiceError {
  return conflict(`task ${taskId} changed while this request was applied; it was not applied — read the task and retry if it still applies`);
}

function normalizeLogs(logs: z.infer<typeof workerLogsSchema>, now: Date): WorkerLogLine[] {
  return logs.map((line) =>
    typeof line === "string" ? { time: now.toISOString(), level: "info", message: line } : { time: line.time ?? now.toISOString(), level: line.level ?? "info", message: line.message },
  );
}

function checkSize(what: string, value: unknown, limit: number): void {
  const size = Buffer.byteLength(JSON.stringify(value) ?? "");
  if (size > limit) {
    throw new ServiceError("PAYLOAD_TOO_LARGE", `${what} is ${size} bytes as JSON; the limit is ${limit} bytes — store large data elsewhere and return a reference to it`);
  }
}
