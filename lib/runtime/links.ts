import type { Tx } from "@/lib/runtime/step";
import { appendEvents } from "@/lib/runtime/events";
import { fromJsonText, toJsonText } from "@/lib/runtime/json";

/** Attempt statuses that still hold work (a worker, a timer, a child execution). */
export const LIVE_TASK_STATUSES = ["SCHEDULED", "RUNNING", "WAITING", "RETRYING"];
const LIVE_EXECUTION_STATUSES = ["QUEUED", "RUNNING", "PAUSED"];

/**
 * A task that ran a child workflow (subworkflow, or a map item running a workflow) was cancelled
 * or timed out: terminate its live child executions, and theirs, in the same transaction.
 */
export async function cancelChildExecutions(tx: Tx, taskRunId: string, now: Date, reason: string): Promise<void> {
  const children = await tx.execution.findMany({
    where: { parentTaskRunId: taskRunId, status: { in: LIVE_EXECUTION_STATUSES } },
    select: { id: true },
  });
  for (const child of children) await terminateExecutionTree(tx, child.id, now, reason, "engine");
}

/** Terminates an execution: live attempts CANCELLED, children terminated too. */
export async function terminateExecutionTree(tx: Tx, executionId: string, now: Date, reason: string, actor: string): Promise<void> {
  await tx.execution.update({
    where: { id: executionId },
    data: {
      status: "TERMINATED",
      endedAt: now,
      nextDecisionAt: null,
      version: { increment: 1 },
      error: toJsonText({ code: "TERMINATED", message: reason }),
    },
  });
  const live = await tx.taskRun.findMany({ where: { executionId, status: { in: LIVE_TASK_STATUSES } }, select: { id: true, taskKey: true, mapIndex: true } });
  if (live.length > 0) {
    await tx.taskRun.updateMany({
      where: { id: { in: live.map((run) => run.id) } },
      data: { status: "CANCELLED", endedAt: now, nextRunAt: null, lockedBy: null, leaseExpiresAt: null },
    });
  }
  await appendEvents(tx, [
    ...live.map((run) => ({ executionId, type: "TASK_CANCELLED", taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: run.id, actor, reason, createdAt: now })),
    { executionId, type: "EXECUTION_TERMINATED", actor, reason, createdAt: now },
  ]);
  for (const run of live) await cancelChildExecutions(tx, run.id, now, reason);
}

type FinishedChild = { id: string; status: string; parentExecutionId: string | null; parentTaskRunId: string | null; output: string | null; error: string | null };

/**
 * A child execution ended: the parent's attempt that runs it (a subworkflow task or a map item)
 * completes with the child's output, or fails with the child's error — unless that attempt has
 * already ended (cancelled, timed out), in which case the child's result is history only.
 */
export async function settleParentOfFinishedExecution(tx: Tx, child: FinishedChild, now: Date): Promise<void> {
  if (!child.parentTaskRunId || !child.parentExecutionId) return;
  const parentRun = await tx.taskRun.findUnique({ where: { id: child.parentTaskRunId } });
  if (!parentRun || parentRun.status !== "RUNNING") return;
  const completed = child.status === "COMPLETED";
  const childError = fromJsonText<{ code?: string; message?: string }>(child.error);
  const error = completed
    ? null
    : {
        code: `CHILD_${child.status}`,
        message: `child execution ${child.id} ended ${child.status}${childError?.message ? `: ${childError.message}` : ""}`,
        details: { childExecutionId: child.id, error: childError ?? null },
      };
  await tx.taskRun.update({
    where: { id: parentRun.id },
    data: completed
      ? { status: "COMPLETED", output: child.output, endedAt: now, nextRunAt: null }
      : { status: "FAILED", error: toJsonText(error), endedAt: now, nextRunAt: now },
  });
  await tx.execution.update({ where: { id: child.parentExecutionId }, data: { nextDecisionAt: now, version: { increment: 1 } } });
  await appendEvents(tx, [
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
