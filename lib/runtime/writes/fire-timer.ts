/**
 * Durable timers: a WAITING attempt whose time has come. A wait task completes; an approval nobody
 * decided on in time times out (unsettled, so its retry policy applies). Fenced by timerDue, so two
 * engines firing the same timer settle it once.
 */
import type { Db } from "@/lib/db/client";
import { movePatch } from "@/lib/engine/patches";
import type { TaskRunRow } from "@/lib/runtime/snapshots";
import { rowColumns } from "./columns";
import { markForDecision } from "./execution-row";
import { NotOurs, timerDue } from "./fence";
import { writeTransaction } from "./transaction";

/** `workflow`: its execution's, for the metrics' labels (lib/metrics). */
export type DueTimer = Pick<TaskRunRow, "id" | "executionId" | "taskKey" | "mapIndex" | "taskType" | "startedAt" | "attempt"> & { workflow?: string };

/** Fires one due timer; false when another engine (or a person's decision) settled it first. */
export async function fireTimer(db: Db, run: DueTimer, now: Date): Promise<boolean> {
  const isWait = run.taskType === "wait";
  const moved = isWait
    ? movePatch("WAITING", "complete", now, { output: { waitedMs: now.getTime() - (run.startedAt?.getTime() ?? now.getTime()) } })
    : movePatch("WAITING", "timeout", now, { error: { code: "APPROVAL_TIMEOUT", message: "nobody approved or rejected in time" } });
  if (!moved.ok) throw new Error(moved.error.message);
  try {
    await writeTransaction(db, false, async (tx) => {
      await markForDecision(tx, run.executionId, now);
      if (!(await tx.updateRun(run.id, timerDue(now), rowColumns(moved.patch)))) throw new NotOurs();
      await tx.insertEvents([
        { executionId: run.executionId, type: isWait ? "TASK_COMPLETED" : "TASK_TIMED_OUT", taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: run.id, createdAt: now, payload: { attempt: run.attempt },
          labels: run.workflow === undefined ? undefined : { workflow: run.workflow, taskType: run.taskType, startedAt: run.startedAt } },
      ]);
    });
    return true;
  } catch (caught) {
    if (caught instanceof NotOurs) return false;
    throw caught;
  }
}
