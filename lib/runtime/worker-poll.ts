/**
 * The worker protocol's runtime half (Conductor's SIMPLE tasks, with graphile-worker's leases): a
 * poll claims due attempts of a taskType for a worker, each RUNNING with a lease sized by its task's
 * timeouts, records their start, and hands them over as WorkerTaskView. A long poll waits on the
 * engine's bus (in-process changes wake it at once) with a short re-check for other processes.
 * The HTTP bodies, limits and refusals are lib/services/workers.ts'.
 */
import type { Db } from "@/lib/db/client";
import type { DatabaseProvider } from "@/lib/db/config";
import type { Timeouts, WorkflowDefinition } from "@/lib/workflow/schema";
import { engineBus } from "@/lib/runtime/bus";
import { loadDefinition } from "@/lib/runtime/definitions";
import { fromJsonText } from "@/lib/runtime/json";
import { taskOf } from "@/lib/runtime/task-types";
import { processShutdownSignal } from "@/lib/runtime/shutdown";
import { claimForWorker, recordWorkerStarts, setClaimedLease, type ClaimedStart } from "@/lib/runtime/writes/worker-claim";

/** Lease of a claimed attempt when its task sets neither `heartbeatMs` nor `startToCloseMs`. @default 60000 */
export const DEFAULT_WORKER_LEASE_MS = 60_000;
/** How often a waiting long poll looks at the database for work made by other processes. @default 150 */
export const POLL_RECHECK_MS = 150;

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

export type WorkerPoll = { taskType: string; workerId: string; max: number; waitMs: number; leaseMs?: number };

/** What a worker task's definition says about its attempts (a map item: the map's item template). */
type WorkerTaskPolicy = { timeouts: Timeouts | undefined; concurrencyLimit: number | undefined };

export function workerTaskPolicy(definition: WorkflowDefinition, taskKey: string, mapIndex: number): WorkerTaskPolicy {
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


/**
 * Claims up to `max` due attempts of `taskType` for `workerId`, each RUNNING with a lease. With
 * `waitMs`, a long poll: when nothing is claimable it waits until something is (in-process engine
 * changes wake it at once; a short re-check every {@link POLL_RECHECK_MS} covers other processes)
 * or the time is up, and answers with an empty list then. `signal` ends the wait early (the client
 * went away), and so does this process's shutdown (lib/runtime/shutdown.ts); an attempt claimed at the very moment the client disconnects is lost to it and
 * comes back when its lease runs out (counted as a timed-out attempt).
 */
export async function pollForWorker(db: Db, provider: DatabaseProvider, request: WorkerPoll, options: { signal?: AbortSignal } = {}): Promise<WorkerTaskView[]> {
  const { taskType, workerId, max, waitMs, leaseMs } = request;
  const deadline = Date.now() + waitMs;
  // The process shutting down ends a wait too: the poll answers (empty) so the server can close.
  // (Listened to directly: AbortSignal.any on the long-lived shutdown signal would keep a
  // reference per poll on some Node versions.)
  const signals = [processShutdownSignal(), ...(options.signal ? [options.signal] : [])];
  const aborted = () => signals.some((signal) => signal.aborted);
  for (;;) {
    // Nothing is claimed for a client that went away (its tasks would wait for the lease to run out).
    if (aborted()) return [];
    // Listen before looking, so a change between the claim and the wait is not missed.
    const change = listenForChange(signals);
    try {
      const tasks = await claimOnce(db, provider, { taskType, workerId, max, leaseMs });
      const remaining = deadline - Date.now();
      if (tasks.length > 0 || remaining <= 0 || aborted()) return tasks;
      await change.wait(Math.min(POLL_RECHECK_MS, remaining));
    } finally {
      change.stop();
    }
  }
}

/** Resolves on the next in-process engine change (or abort), or after `ms`; at once if one came already. */
function listenForChange(signals: readonly AbortSignal[]) {
  let changed = false;
  let wakeUp: (() => void) | null = null;
  const onChange = () => {
    changed = true;
    wakeUp?.();
  };
  engineBus.on("executionChanged", onChange);
  engineBus.on("wake", onChange);
  for (const signal of signals) signal.addEventListener("abort", onChange);
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
      for (const signal of signals) signal.removeEventListener("abort", onChange);
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

  const claimedIds = await claimForWorker(db, provider, claimParams, candidates.map((c) => c.id), concurrencyLimit);
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
      await setClaimedLease(db, row.id, workerId, until);
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
  const starts: ClaimedStart[] = views.map((view) => ({ ...view, deadline: deadlines.get(view.taskId) }));
  const held = await recordWorkerStarts(db, starts, workerId, now).catch((error: unknown) => {
    console.error(`[workers] claimed ${views.length} task(s) for ${workerId} but could not record their start:`, (error as Error).message);
    return null;
  });
  // An attempt cancelled between the claim and here (an operator, a terminate task, a map's
  // fail-fast) is not handed out: its history already ends with TASK_CANCELLED.
  return held ? views.filter((view) => held.has(view.taskId)) : views;
}
