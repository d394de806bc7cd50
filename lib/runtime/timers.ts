import type { Db } from "@/lib/db/client";
import { announceExecutionChanged, wakeEngine } from "@/lib/runtime/bus";
import { appendEvents } from "@/lib/runtime/events";
import { toJsonText } from "@/lib/runtime/json";
import { ifStillOurs, markForDecision, NotOurs } from "@/lib/runtime/results";

/**
 * Durable timers: WAITING attempts whose time has come. A wait task completes; an approval nobody
 * decided on in time times out (unsettled, so its retry policy applies). Each row is settled by a
 * conditional update, so two engines firing the same timer settle it once.
 */
export async function fireDueTimers(db: Db, now: Date, limit = 100): Promise<number> {
  const due = await db.taskRun.findMany({
    where: { status: "WAITING", nextRunAt: { lte: now } },
    orderBy: { nextRunAt: "asc" },
    take: limit,
    select: { id: true, executionId: true, taskKey: true, mapIndex: true, taskType: true, startedAt: true, attempt: true },
  });
  let fired = 0;
  for (const run of due) {
    const isWait = run.taskType === "wait";
    const changed = await ifStillOurs(db, async (tx) => {
      await markForDecision(tx, run.executionId, now);
      const updated = await tx.taskRun.updateMany({
        where: { id: run.id, status: "WAITING", nextRunAt: { lte: now } },
        data: isWait
          ? { status: "COMPLETED", endedAt: now, nextRunAt: null, output: toJsonText({ waitedMs: now.getTime() - (run.startedAt?.getTime() ?? now.getTime()) }) }
          : { status: "TIMED_OUT", endedAt: now, nextRunAt: now, error: toJsonText({ code: "APPROVAL_TIMEOUT", message: "nobody approved or rejected in time" }) },
      });
      if (updated.count === 0) throw new NotOurs();
      await appendEvents(tx, [
        { executionId: run.executionId, type: isWait ? "TASK_COMPLETED" : "TASK_TIMED_OUT", taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: run.id, createdAt: now, payload: { attempt: run.attempt } },
      ]);
    });
    if (changed) {
      fired++;
      announceExecutionChanged(run.executionId);
    }
  }
  if (fired > 0) wakeEngine();
  return fired;
}

/**
 * Attempts whose holder stopped renewing its lease (a worker or engine process died, a worker
 * missed its heartbeat): TIMED_OUT with code LEASE_EXPIRED, unsettled, so the next decision
 * retries them per their policy. The holder's late result is then refused (it no longer holds it).
 */
export async function reapExpiredLeases(db: Db, now: Date, limit = 100): Promise<number> {
  const expired = await db.taskRun.findMany({
    where: { status: "RUNNING", lockedBy: { not: null }, leaseExpiresAt: { lt: now } },
    take: limit,
    select: { id: true, executionId: true, taskKey: true, mapIndex: true, lockedBy: true, attempt: true },
  });
  let reaped = 0;
  for (const run of expired) {
    const error = { code: "LEASE_EXPIRED", message: `${run.lockedBy} stopped reporting (lease expired); the attempt counts as timed out` };
    const changed = await ifStillOurs(db, async (tx) => {
      await markForDecision(tx, run.executionId, now);
      const updated = await tx.taskRun.updateMany({
        where: { id: run.id, status: "RUNNING", lockedBy: run.lockedBy, leaseExpiresAt: { lt: now } },
        data: { status: "TIMED_OUT", endedAt: now, nextRunAt: now, lockedBy: null, leaseExpiresAt: null, error: toJsonText(error) },
      });
      if (updated.count === 0) throw new NotOurs();
      await appendEvents(tx, [
        { executionId: run.executionId, type: "TASK_TIMED_OUT", taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: run.id, reason: "lease_expired", createdAt: now, payload: { attempt: run.attempt, ...error } },
      ]);
    });
    if (changed) {
      reaped++;
      announceExecutionChanged(run.executionId);
    }
  }
  if (reaped > 0) wakeEngine();
  return reaped;
}
