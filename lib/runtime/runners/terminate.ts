import type { Db } from "@/lib/db/client";
import { transitionExecution } from "@/lib/engine/transitions";
import { isExecutionStatus } from "@/lib/engine/statuses";
import { evaluateTemplate } from "@/lib/workflow/expressions";
import { announceExecutionEnded, wakeEngine } from "@/lib/runtime/bus";
import { appendEvents } from "@/lib/runtime/events";
import { toJsonText } from "@/lib/runtime/json";
import { cancelChildExecutions, LIVE_TASK_STATUSES, settleParentOfFinishedExecution } from "@/lib/runtime/links";
import { errorOf, recordAttemptOutcome } from "@/lib/runtime/results";
import type { RunContext } from "@/lib/runtime/run-task";

/**
 * A terminate task ends its execution with the given status and reason: the task completes, every
 * other live attempt is cancelled, and the execution ends — all in one transaction.
 */
export async function terminateFromTask(
  db: Db,
  rc: RunContext,
  params: { status: "COMPLETED" | "FAILED" | "TERMINATED"; reason: string; output?: unknown },
): Promise<void> {
  const evaluated = await evaluateTemplate({ reason: params.reason, output: params.output ?? null }, rc.context, { basePath: `tasks.${rc.task.key}.params` });
  if (!evaluated.ok) {
    await recordAttemptOutcome(db, rc.holder, { status: "FAILED", error: errorOf("EXPRESSION_ERROR", `${evaluated.error.path}: ${evaluated.error.message}`) });
    return;
  }
  const { reason, output } = evaluated.value as { reason: unknown; output: unknown };
  const now = new Date();
  const executionId = rc.run.executionId;
  const done = await db.$transaction(async (tx) => {
    // Lock the execution first (and move its version): a concurrent pause or decision step either
    // committed before (and is seen here) or waits and then finds the version moved.
    const execution = await tx.execution.update({ where: { id: executionId }, data: { version: { increment: 1 } } });
    const event = params.status === "COMPLETED" ? "complete" : params.status === "FAILED" ? "fail" : "terminate";
    if (!isExecutionStatus(execution.status)) return false;
    const moved = transitionExecution(execution.status, event, now);
    if (!moved.ok) return false;
    const ended = await tx.taskRun.updateMany({
      where: { id: rc.run.id, lockedBy: rc.holder.lockedBy, status: { in: ["SCHEDULED", "RETRYING"] } },
      data: { status: "COMPLETED", startedAt: now, endedAt: now, nextRunAt: null, lockedBy: null, leaseExpiresAt: null, output: toJsonText({ status: params.status, reason: String(reason) }) },
    });
    if (ended.count === 0) return false;
    const live = await tx.taskRun.findMany({ where: { executionId, status: { in: LIVE_TASK_STATUSES } }, select: { id: true, taskKey: true, mapIndex: true } });
    await tx.taskRun.updateMany({ where: { id: { in: live.map((r) => r.id) } }, data: { status: "CANCELLED", endedAt: now, nextRunAt: null, lockedBy: null, leaseExpiresAt: null } });
    for (const run of live) await cancelChildExecutions(tx, run.id, now, `terminated by task ${rc.task.key}`);
    const error = params.status === "COMPLETED" ? null : toJsonText({ code: `TERMINATED_BY_TASK`, message: String(reason), taskKey: rc.task.key });
    await tx.execution.update({
      where: { id: executionId },
      data: { status: moved.status, endedAt: now, nextDecisionAt: null, version: { increment: 1 }, output: toJsonText(output ?? null), error },
    });
    await appendEvents(tx, [
      { executionId, type: "TASK_COMPLETED", taskKey: rc.task.key, taskRunId: rc.run.id, createdAt: now, payload: { attempt: rc.run.attempt } },
      ...live.map((run) => ({ executionId, type: "TASK_CANCELLED", taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: run.id, reason: `terminated by task ${rc.task.key}`, createdAt: now })),
      { executionId, type: `EXECUTION_${moved.status}`, reason: String(reason), createdAt: now, payload: { by: rc.task.key } },
    ]);
    await settleParentOfFinishedExecution(tx, { ...execution, status: moved.status, output: toJsonText(output ?? null), error }, now);
    return true;
  });
  if (done) {
    announceExecutionEnded(executionId);
    wakeEngine();
  }
}
