/**
 * An attempt whose holder stopped renewing its lease (a worker or engine process died, a worker
 * missed its heartbeat): TIMED_OUT with code LEASE_EXPIRED, unsettled, so the next decision retries
 * it per its policy. The holder's late result is then refused (it no longer holds it). Fenced by
 * leaseExpired, so a heartbeat that renewed the lease meanwhile wins.
 */
import type { Db } from "@/lib/db/client";
import { movePatch } from "@/lib/engine/patches";
import type { TaskRunRow } from "@/lib/runtime/snapshots";
import { rowColumns } from "./columns";
import { markForDecision } from "./execution-row";
import { leaseExpired, NotOurs } from "./fence";
import { writeTransaction } from "./transaction";

/** `taskType`, `startedAt`, `workflow` (its execution's): for the metrics' labels (lib/metrics), when known. */
export type ExpiredLease = Pick<TaskRunRow, "id" | "executionId" | "taskKey" | "mapIndex" | "attempt"> & { lockedBy: string; taskType?: string; startedAt?: Date | null; workflow?: string };

/** Times out one attempt whose lease ran out; false when its holder renewed or ended it first. */
export async function reapLease(db: Db, run: ExpiredLease, now: Date): Promise<boolean> {
  const error = { code: "LEASE_EXPIRED", message: `${run.lockedBy} stopped reporting (lease expired); the attempt counts as timed out` };
  const moved = movePatch("RUNNING", "timeout", now, { error });
  if (!moved.ok) throw new Error(moved.error.message);
  try {
    await writeTransaction(db, false, async (tx) => {
      await markForDecision(tx, run.executionId, now);
      const patch = { ...rowColumns(moved.patch), lockedBy: null, leaseExpiresAt: null };
      if (!(await tx.updateRun(run.id, leaseExpired(run.lockedBy, now), patch))) throw new NotOurs();
      await tx.insertEvents([
        { executionId: run.executionId, type: "TASK_TIMED_OUT", taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: run.id, reason: "lease_expired", createdAt: now, payload: { attempt: run.attempt, ...error },
          labels: run.workflow === undefined || run.taskType === undefined ? undefined : { workflow: run.workflow, taskType: run.taskType, startedAt: run.startedAt } },
      ]);
    });
    return true;
  } catch (caught) {
    if (caught instanceof NotOurs) return false;
    throw caught;
  }
}
