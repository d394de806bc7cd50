/**
 * External workers' side of an attempt's life: a poll claims due attempts of a task type (RUNNING
 * with a lease, claim.ts claimWorkerTasks), the claim's start is recorded, and heartbeats renew the
 * lease. Results go through record-outcome.ts like any holder's.
 */
import type { Db } from "@/lib/db/client";
import type { DatabaseProvider } from "@/lib/db/config";
import { announceExecutionChanged } from "@/lib/runtime/bus";
import type { NewEvent } from "@/lib/runtime/events";
import { toJsonText } from "@/lib/runtime/json";
import { claimWorkerTasks } from "./claim";
import { decideNoLaterThan, lockExecution } from "./execution-row";
import { leasedTo } from "./fence";
import { fullTransaction, writeTransaction } from "./transaction";

export type WorkerClaim = { taskType: string; workerId: string; now: Date; leaseUntil: Date; limit: number };

/**
 * Claims for a worker, only among `candidates` (the ids its poll read), with or without a limit:
 * if another poll took some of them meanwhile, the claim must not reach past them to attempts of
 * a definition whose limit (any, or a lower one) nobody checked. With `concurrencyLimit` (the
 * lowest of the candidates'), in a transaction
 * (and on PostgreSQL under an advisory lock per taskType): the count of running attempts and the
 * claim must not interleave with another poll's, or both would see room for one more and exceed
 * the limit. SQLite transactions are serialised (one process-wide lock, BEGIN IMMEDIATE), so there
 * the limit is exact too.
 */
export async function claimForWorker(db: Db, provider: DatabaseProvider, claim: WorkerClaim, candidates: readonly string[], concurrencyLimit: number | undefined): Promise<string[]> {
  if (concurrencyLimit === undefined) return claimWorkerTasks(db, provider, { ...claim, ids: candidates });
  return db.$transaction(async (tx) => {
    if (provider === "postgresql") await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`flowdeck:worker:${claim.taskType}`}))`;
    const running = await tx.taskRun.count({ where: { workerTaskType: claim.taskType, status: "RUNNING" } });
    const room = concurrencyLimit - running;
    if (room <= 0) return [];
    return claimWorkerTasks(tx, provider, { ...claim, limit: Math.min(claim.limit, room), ids: candidates });
  });
}

/** A claimed attempt's own lease, where its definition grants another length than the claim statement's. */
export async function setClaimedLease(db: Db, taskRunId: string, workerId: string, until: Date): Promise<void> {
  await writeTransaction(db, false, async (tx) => {
    await tx.updateRun(taskRunId, { lockedBy: workerId, statuses: ["RUNNING"] }, { leaseExpiresAt: until });
  });
}

export type ClaimedStart = { taskId: string; executionId: string; taskKey: string; mapIndex: number; attempt: number; leaseExpiresAt: string; /** Its start-to-close deadline. */ deadline?: Date };

/**
 * What the claim statement leaves out: TASK_STARTED events (the claim sets startedAt, so the
 * result write will not add them), and a decision at each attempt's start-to-close deadline
 * (decide computes it from startedAt, which it has not seen; without this, heartbeats could keep
 * an attempt alive past it). The heartbeat timeout needs no decision: the lease is that timeout,
 * and the reaper expires it (LEASE_EXPIRED).
 *
 * Separate transactions from the claim, one per execution, on purpose. Each takes its execution's
 * row lock first, and holds no other execution's: taking it while holding the claimed TaskRun rows
 * (the claim) would lock in the opposite order to a decision step (execution first, then its
 * attempts), and taking several executions' locks in one transaction would, in whatever order, meet
 * a child settling its parent (parent first) in the other order when a poll returns attempts of
 * both — PostgreSQL aborts one of the two (a deadlock). A crash in between loses only these events.
 * Holding the execution lock, it checks which attempts are still this worker's: one cancelled
 * since the claim gets no TASK_STARTED after its TASK_CANCELLED. Returns the ids still held.
 */
export async function recordWorkerStarts(db: Db, starts: readonly ClaimedStart[], workerId: string, now: Date): Promise<Set<string>> {
  const executionIds = [...new Set(starts.map((start) => start.executionId))];
  const held = new Set<string>();
  for (const executionId of executionIds) {
    const mine = starts.filter((start) => start.executionId === executionId);
    const still = await fullTransaction(db, async (tx) => {
      await lockExecution(tx, executionId);
      const rows = await tx.findRuns(mine.map((start) => start.taskId));
      const still = new Set(rows.filter((run) => run.lockedBy === workerId && run.status === "RUNNING").map((run) => run.id));
      const due = mine.filter((start) => still.has(start.taskId) && start.deadline).map((start) => start.deadline!.getTime());
      if (due.length > 0) await decideNoLaterThan(tx, executionId, new Date(Math.min(...due)));
      await tx.insertEvents(startedEvents(mine.filter((start) => still.has(start.taskId)), workerId, now));
      return still;
    });
    for (const id of still) held.add(id);
    announceExecutionChanged(executionId);
  }
  return held;
}

function startedEvents(starts: readonly ClaimedStart[], workerId: string, now: Date): NewEvent[] {
  return starts.map((start) => ({
    executionId: start.executionId,
    type: "TASK_STARTED",
    taskKey: start.taskKey,
    mapIndex: start.mapIndex,
    taskRunId: start.taskId,
    actor: workerId,
    createdAt: now,
    payload: { attempt: start.attempt, workerId, leaseExpiresAt: start.leaseExpiresAt },
  }));
}

/**
 * A heartbeat: the lease is renewed until `until` and the heartbeat recorded (the decider's
 * heartbeat timeout counts from it), with the worker's progress `details` when given. Fenced like
 * a result (leasedTo: the holder, still RUNNING, lease not yet run out); false if that failed.
 */
export async function renewLease(db: Db, taskRunId: string, workerId: string, now: Date, until: Date, details: unknown): Promise<boolean> {
  return writeTransaction(db, false, (tx) =>
    tx.updateRun(taskRunId, leasedTo(workerId, now), { heartbeatAt: now, leaseExpiresAt: until, ...(details !== undefined ? { heartbeatDetails: toJsonText(details) } : {}) }),
  );
}
