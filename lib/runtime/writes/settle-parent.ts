/**
 * A child execution ended: the parent's attempt that runs it (a subworkflow task or a map item)
 * completes with the child's output, or fails with the child's error — unless that attempt has
 * already ended (cancelled, timed out), in which case the child's result is history only. Runs in
 * the child's ending transaction, so a parent never misses its child's end.
 */
import { movePatch } from "@/lib/engine/patches";
import { isFinalErrorCode } from "@/lib/engine/retry";
import { fromJsonText } from "@/lib/runtime/json";
import { rowColumns } from "./columns";
import { markForDecision } from "./execution-row";
import { running } from "./fence";
import type { WriteTx } from "./types";

type FinishedChild = { id: string; status: string; parentExecutionId: string | null; parentTaskRunId: string | null; output: string | null; error: string | null };

export async function settleParentOfFinishedExecution(tx: WriteTx, child: FinishedChild, now: Date): Promise<void> {
  if (!child.parentTaskRunId || !child.parentExecutionId) return;
  const [parentRun] = await tx.findRuns([child.parentTaskRunId]);
  if (!parentRun || parentRun.status !== "RUNNING") return;
  const completed = child.status === "COMPLETED";
  const childError = fromJsonText<{ code?: string; message?: string; cause?: string }>(child.error);
  const error = completed
    ? null
    : {
        // A child that failed on a tree limit fails its parent's attempt with that code: final too.
        code: isFinalErrorCode(childError?.cause) ? childError.cause : `CHILD_${child.status}`,
        message: `child execution ${child.id} ended ${child.status}${childError?.message ? `: ${childError.message}` : ""}`,
        details: { childExecutionId: child.id, error: childError ?? null },
      };
  const moved = movePatch("RUNNING", completed ? "complete" : "fail", now, completed ? {} : { error });
  if (!moved.ok) throw new Error(moved.error.message);
  // The parent's execution row before its attempt (lock order Execution → TaskRun).
  await markForDecision(tx, child.parentExecutionId, now);
  await tx.updateRun(parentRun.id, running, { ...rowColumns(moved.patch), ...(completed ? { output: child.output } : {}) });
  await tx.insertEvents([
    {
      executionId: child.parentExecutionId,
      type: completed ? "TASK_COMPLETED" : "TASK_FAILED",
      taskKey: parentRun.taskKey,
      mapIndex: parentRun.mapIndex,
      taskRunId: parentRun.id,
      payload: completed ? { childExecutionId: child.id } : error,
      createdAt: now,
    },
  ]);
}
