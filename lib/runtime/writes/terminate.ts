/**
 * Ending an execution early, with everything it still holds: its live attempts are cancelled (a
 * holder's late result is then refused by its fence) and its live child executions terminated,
 * recursively. One module for the three ways it happens: an operator's terminate, a terminate
 * task, and a parent attempt that was cancelled or timed out (its children go with it).
 */
import { transitionExecution } from "@/lib/engine/transitions";
import { isExecutionStatus, type TaskStatus } from "@/lib/engine/statuses";
import { movePatch } from "@/lib/engine/patches";
import type { NewEvent } from "@/lib/runtime/events";
import { toJsonText } from "@/lib/runtime/json";
import { rowColumns } from "./columns";
import { claimedBy, stillIn } from "./fence";
import { settleParentOfFinishedExecution } from "./settle-parent";
import { StaleExecutionError } from "./transaction";
import type { LiveRun, RunPatch, WriteTx } from "./types";

/** Cancels the attempts (each from the status it has), their holders losing them. */
async function cancelRuns(tx: WriteTx, runs: readonly LiveRun[], now: Date): Promise<void> {
  const byStatus = new Map<string, string[]>();
  for (const run of runs) byStatus.set(run.status, [...(byStatus.get(run.status) ?? []), run.id]);
  for (const [status, ids] of byStatus) {
    const moved = movePatch(status as TaskStatus, "cancel", now);
    if (!moved.ok) throw new Error(moved.error.message);
    const patch: RunPatch = { ...rowColumns(moved.patch), lockedBy: null, leaseExpiresAt: null };
    await tx.updateRuns(ids, stillIn(status as TaskStatus), patch);
  }
}

/** A task that ran a child workflow was cancelled or timed out: terminate its live children, and theirs. */
export async function cancelChildExecutions(tx: WriteTx, taskRunId: string, now: Date, reason: string): Promise<void> {
  for (const childId of await tx.liveChildren(taskRunId)) await terminateExecutionTree(tx, childId, now, reason, "engine");
}

/** Terminates an execution: TERMINATED, live attempts CANCELLED, children terminated too. The execution row first. */
export async function terminateExecutionTree(tx: WriteTx, executionId: string, now: Date, reason: string, actor: string): Promise<void> {
  await tx.bumpExecution(executionId, { status: "TERMINATED", endedAt: now, nextDecisionAt: null, error: toJsonText({ code: "TERMINATED", message: reason }) });
  const runs = await tx.liveRuns(executionId);
  await cancelRuns(tx, runs, now);
  await tx.insertEvents([
    ...runs.map((run) => ({ executionId, type: "TASK_CANCELLED", taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: run.id, actor, reason, createdAt: now })),
    { executionId, type: "EXECUTION_TERMINATED", actor, reason, createdAt: now },
  ]);
  for (const run of runs) await cancelChildExecutions(tx, run.id, now, reason);
}

/** What a terminate task ends its execution with. */
export type TaskTermination = {
  executionId: string;
  /** The terminate task's attempt, claimed by `holder`. */
  run: { id: string; taskKey: string; attempt: number };
  holder: string;
  status: "COMPLETED" | "FAILED" | "TERMINATED";
  reason: string;
  output: unknown;
};

/**
 * A terminate task ends its execution with the given status and reason: the task completes, every
 * other live attempt is cancelled, the execution ends, and a parent is settled — in the caller's
 * transaction. False (nothing to do) when the execution cannot end that way or the attempt is no
 * longer the holder's; the caller then rolls back.
 */
export async function terminateFromTask(tx: WriteTx, t: TaskTermination, now: Date): Promise<boolean> {
  // A child locks its parent first (parent before children, see lockParentFirst in
  // apply-decision.ts); parentExecutionId never changes, so reading it unlocked is safe.
  const parentExecutionId = (await tx.readExecution(t.executionId))?.parentExecutionId;
  if (parentExecutionId) await tx.bumpExecution(parentExecutionId, {});
  // Lock the execution first (and move its version): a concurrent pause or decision step either
  // committed before (and is seen here) or waits and then finds the version moved.
  await tx.bumpExecution(t.executionId, {});
  const execution = await tx.readExecution(t.executionId);
  if (!execution || !isExecutionStatus(execution.status)) return false;
  const moved = transitionExecution(execution.status, t.status === "COMPLETED" ? "complete" : t.status === "FAILED" ? "fail" : "terminate", now);
  if (!moved.ok) return false;
  const done = movePatch("RUNNING", "complete", now);
  if (!done.ok) return false;
  const ended = await tx.updateRun(t.run.id, claimedBy(t.holder), {
    ...rowColumns(done.patch),
    startedAt: now,
    lockedBy: null,
    leaseExpiresAt: null,
    output: toJsonText({ status: t.status, reason: t.reason }),
  });
  if (!ended) return false;
  const runs = await tx.liveRuns(t.executionId);
  await cancelRuns(tx, runs, now);
  for (const run of runs) await cancelChildExecutions(tx, run.id, now, `terminated by task ${t.run.taskKey}`);
  const output = toJsonText(t.output ?? null);
  const error = t.status === "COMPLETED" ? null : toJsonText({ code: "TERMINATED_BY_TASK", message: t.reason, taskKey: t.run.taskKey });
  await tx.bumpExecution(t.executionId, { status: moved.status, endedAt: now, nextDecisionAt: null, output, error });
  const events: NewEvent[] = [
    { executionId: t.executionId, type: "TASK_COMPLETED", taskKey: t.run.taskKey, taskRunId: t.run.id, createdAt: now, payload: { attempt: t.run.attempt } },
    ...runs.map((run) => ({ executionId: t.executionId, type: "TASK_CANCELLED", taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: run.id, reason: `terminated by task ${t.run.taskKey}`, createdAt: now })),
    { executionId: t.executionId, type: `EXECUTION_${moved.status}`, reason: t.reason, createdAt: now, payload: { by: t.run.taskKey } },
  ];
  await tx.insertEvents(events);
  await settleParentOfFinishedExecution(tx, { ...execution, status: moved.status, output, error }, now);
  return true;
}

/**
 * An operator terminates an execution (QUEUED / RUNNING / PAUSED → TERMINATED): under the version
 * the operator's checks were made on, the tree is terminated and, when the execution is a child,
 * its parent's attempt fails with CHILD_TERMINATED.
 */
export async function terminateByOperator(
  tx: WriteTx,
  execution: Parameters<typeof settleParentOfFinishedExecution>[1] & { version: number },
  operator: { actor: string; reason: string },
  now: Date,
): Promise<void> {
  // A child's parent first (parent before children, as terminating the parent's tree locks them).
  if (execution.parentExecutionId) await tx.bumpExecution(execution.parentExecutionId, {});
  if (!(await tx.guardExecution(execution.id, execution.version, {}))) throw new StaleExecutionError(execution.id);
  await terminateExecutionTree(tx, execution.id, now, operator.reason, operator.actor);
  const error = toJsonText({ code: "TERMINATED", message: operator.reason });
  await settleParentOfFinishedExecution(tx, { ...execution, status: "TERMINATED", output: null, error }, now);
}
