import type { Db } from "@/lib/db/client";
import type { TaskRunError } from "@/lib/engine/types";
import { announceExecutionChanged, announceTimer, wakeEngine } from "@/lib/runtime/bus";
import { appendEvents, type NewEvent } from "@/lib/runtime/events";
import { toJsonText } from "@/lib/runtime/json";
import type { Tx } from "@/lib/runtime/step";

export type AttemptOutcome =
  | { status: "COMPLETED"; output: unknown }
  | { status: "FAILED"; error: TaskRunError }
  | { status: "SKIPPED"; reason: string }
  | { status: "WAITING"; until: Date | null; output?: unknown };

type Holder = { taskRunId: string; lockedBy: string };

/** What the caller already knows of the attempt (saves a read on the hot path). */
export type KnownRun = { executionId: string; taskKey: string; mapIndex: number; attempt: number; startedAt: Date | null };

/**
 * Writes the outcome of an attempt, fenced by its lease: only the holder named in `lockedBy` can
 * end it, and only while it is still live. A late or duplicate result (the lease was reaped, an
 * operator cancelled the task, the same worker reported twice) changes nothing and returns false.
 * A FAILED attempt keeps nextRunAt = now ("unsettled"): the next decision step retries it or fails
 * the task for good, per its retry policy. The execution is marked for a decision in the same
 * transaction, with its version bumped so a concurrent step re-reads the new state.
 */
export async function recordAttemptOutcome(
  db: Db,
  holder: Holder,
  outcome: AttemptOutcome,
  extra: { input?: unknown; startedAt?: Date; actor?: string; now?: Date; logs?: unknown; run?: KnownRun } = {},
): Promise<boolean> {
  const now = extra.now ?? new Date();
  const run = extra.run ?? (await db.taskRun.findUnique({ where: { id: holder.taskRunId }, select: { executionId: true, taskKey: true, mapIndex: true, attempt: true, startedAt: true } }));
  if (!run) return false;
  const ended = outcome.status !== "WAITING";
  const written = await db.$transaction(async (tx) => {
    const updated = await tx.taskRun.updateMany({
      where: { id: holder.taskRunId, lockedBy: holder.lockedBy, status: { in: ["SCHEDULED", "RETRYING", "RUNNING"] } },
      data: {
        status: outcome.status,
        // An ended attempt keeps lockedBy as the record of who ran it (the monitor shows it); no
        // claim looks at lockedBy of an ended attempt. A waiting one is released for its timer.
        ...(outcome.status === "WAITING" ? { lockedBy: null } : {}),
        leaseExpiresAt: null,
        startedAt: run.startedAt ?? extra.startedAt ?? now,
        ...(ended ? { endedAt: now } : {}),
        nextRunAt: outcome.status === "FAILED" ? now : outcome.status === "WAITING" ? outcome.until : null,
        ...(extra.input !== undefined ? { input: toJsonText(extra.input) } : {}),
        ...(extra.logs !== undefined ? { logs: toJsonText(extra.logs) } : {}),
        ...(outcome.status === "COMPLETED" || (outcome.status === "WAITING" && outcome.output !== undefined) ? { output: toJsonText(outcome.output ?? null) } : {}),
        ...(outcome.status === "FAILED" ? { error: toJsonText(outcome.error) } : {}),
      },
    });
    if (updated.count === 0) return false;
    await markForDecision(tx, run.executionId, now);
    const base = { executionId: run.executionId, taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: holder.taskRunId, actor: extra.actor ?? "engine", createdAt: now };
    const events: NewEvent[] = [];
    if (!run.startedAt && outcome.status !== "SKIPPED") events.push({ ...base, type: "TASK_STARTED", payload: { attempt: run.attempt } });
    if (outcome.status === "COMPLETED") events.push({ ...base, type: "TASK_COMPLETED", payload: { attempt: run.attempt } });
    if (outcome.status === "FAILED") events.push({ ...base, type: "TASK_FAILED", payload: { attempt: run.attempt, ...outcome.error } });
    if (outcome.status === "SKIPPED") events.push({ ...base, type: "TASK_SKIPPED", reason: outcome.reason });
    if (outcome.status === "WAITING") events.push({ ...base, type: "TASK_WAITING", payload: outcome.until ? { until: outcome.until.toISOString() } : undefined });
    await appendEvents(tx, events);
    return true;
  });
  if (written) {
    announceExecutionChanged(run.executionId);
    if (outcome.status === "WAITING" && outcome.until) announceTimer(outcome.until);
    wakeEngine();
  }
  return written;
}

/** The execution needs a decision now; its version moves so a step in flight re-reads the state. */
export async function markForDecision(tx: Tx, executionId: string, now: Date): Promise<void> {
  await tx.execution.update({ where: { id: executionId }, data: { nextDecisionAt: now, version: { increment: 1 } } });
}

/**
 * Takes the execution's row lock (and moves its version) before events are appended. Every
 * transaction that writes events of an execution does this first, so on PostgreSQL their event ids
 * are allocated in commit order per execution and a reader following `id > cursor` (the SSE
 * stream) can never miss one that commits late.
 */
export async function lockExecution(tx: Tx, executionId: string): Promise<void> {
  await tx.execution.update({ where: { id: executionId }, data: { version: { increment: 1 } } });
}

/**
 * The execution must be decided again by `at` (a running attempt's start-to-close or heartbeat
 * deadline): moves nextDecisionAt earlier, never later. Why: decide computes these deadlines only
 * from a RUNNING attempt's startedAt, and an attempt goes RUNNING outside any decision step, so
 * without this the timeout would only be noticed when something else woke the execution (for a
 * hanging call: never). Call after lockExecution, which holds the row on PostgreSQL.
 */
export async function decideNoLaterThan(tx: Tx, executionId: string, at: Date): Promise<void> {
  await tx.execution.updateMany({ where: { id: executionId, OR: [{ nextDecisionAt: null }, { nextDecisionAt: { gt: at } }] }, data: { nextDecisionAt: at } });
}

/**
 * Marks an attempt RUNNING before work with side effects starts (an HTTP call, a command, a child).
 * `deadline`: when its start-to-close (or heartbeat) timeout falls due, so the engine decides then.
 */
export async function markAttemptRunning(db: Db, holder: Holder, now: Date, leaseUntil: Date | null, input?: unknown, deadline?: Date | null): Promise<boolean> {
  const run = await db.taskRun.findUnique({ where: { id: holder.taskRunId }, select: { executionId: true, taskKey: true, mapIndex: true, attempt: true } });
  if (!run) return false;
  return db.$transaction(async (tx) => {
    const updated = await tx.taskRun.updateMany({
      where: { id: holder.taskRunId, lockedBy: holder.lockedBy, status: { in: ["SCHEDULED", "RETRYING"] } },
      data: {
        status: "RUNNING",
        startedAt: now,
        nextRunAt: null,
        leaseExpiresAt: leaseUntil,
        ...(leaseUntil === null ? { lockedBy: null } : {}),
        ...(input !== undefined ? { input: toJsonText(input) } : {}),
      },
    });
    if (updated.count === 0) return false;
    await lockExecution(tx, run.executionId);
    if (deadline) await decideNoLaterThan(tx, run.executionId, deadline);
    await appendEvents(tx, [
      { executionId: run.executionId, type: "TASK_STARTED", taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: holder.taskRunId, createdAt: now, payload: { attempt: run.attempt } },
    ]);
    return true;
  });
}

export function errorOf(code: string, message: string, details?: unknown): TaskRunError {
  return details === undefined ? { code, message } : { code, message, details: details as TaskRunError["details"] };
}
