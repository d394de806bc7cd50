import type { Db } from "@/lib/db/client";
import { announceExecutionChanged, wakeEngine } from "@/lib/runtime/bus";
import { fireTimer } from "@/lib/runtime/writes/fire-timer";
import { reapLease } from "@/lib/runtime/writes/reap-lease";

/** Durable timers: WAITING attempts whose time has come, each fired by writes/fire-timer.ts. */
export async function fireDueTimers(db: Db, now: Date, limit = 100): Promise<number> {
  const due = await db.taskRun.findMany({
    where: { status: "WAITING", nextRunAt: { lte: now } },
    orderBy: { nextRunAt: "asc" },
    take: limit,
    // The workflow name labels the metrics (lib/metrics); a join by key in the same statement.
    select: { id: true, executionId: true, taskKey: true, mapIndex: true, taskType: true, startedAt: true, attempt: true, execution: { select: { workflowName: true } } },
  });
  let fired = 0;
  for (const { execution, ...run } of due) {
    const changed = await fireTimer(db, { ...run, workflow: execution.workflowName }, now);
    if (changed) {
      fired++;
      announceExecutionChanged(run.executionId);
    }
  }
  if (fired > 0) wakeEngine();
  return fired;
}

/** Attempts whose holder stopped renewing its lease, each reaped by writes/reap-lease.ts. */
export async function reapExpiredLeases(db: Db, now: Date, limit = 100): Promise<number> {
  const expired = await db.taskRun.findMany({
    where: { status: "RUNNING", lockedBy: { not: null }, leaseExpiresAt: { lt: now } },
    take: limit,
    select: { id: true, executionId: true, taskKey: true, mapIndex: true, lockedBy: true, attempt: true, taskType: true, startedAt: true, execution: { select: { workflowName: true } } },
  });
  let reaped = 0;
  for (const { execution, ...run } of expired) {
    const changed = await reapLease(db, { ...run, lockedBy: run.lockedBy!, workflow: execution.workflowName }, now);
    if (changed) {
      reaped++;
      announceExecutionChanged(run.executionId);
    }
  }
  if (reaped > 0) wakeEngine();
  return reaped;
}
