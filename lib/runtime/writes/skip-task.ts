/**
 * An operator skips a task (see lib/services/operations/skip.ts for when): the latest attempt, if
 * it has not started, becomes SKIPPED; otherwise a SKIPPED attempt is added after the failed ones
 * (which stay as history, their pending retry dropped). Inside the operation's transaction, after
 * reopenExecution.
 */
import { movePatch } from "@/lib/engine/patches";
import type { TaskStatus } from "@/lib/engine/statuses";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import type { TaskRunRow } from "@/lib/runtime/snapshots";
import { rowColumns } from "./columns";
import { newAttemptRow } from "./create-attempts";
import { stillIn } from "./fence";
import { StaleExecutionError } from "./transaction";
import type { WriteTx } from "./types";

/** Writes the SKIPPED attempt and the operator's TASK_SKIPPED event (`payload` adds what the skip reset or reopened). */
export async function skipAttempt(
  tx: WriteTx,
  state: { execution: { id: string }; definition: WorkflowDefinition },
  taskKey: string,
  latest: TaskRunRow | undefined,
  operator: { actor: string; reason: string },
  payload: Record<string, unknown>,
  now: Date,
): Promise<void> {
  const executionId = state.execution.id;
  const from = (latest?.status ?? "PENDING") as TaskStatus;
  const { taskRunId, attempt } = await writeSkipped(tx, executionId, state.definition, taskKey, latest, from, now);
  await tx.insertEvents([
    { executionId, type: "TASK_SKIPPED", taskKey, taskRunId, actor: operator.actor, reason: operator.reason, createdAt: now, payload: { attempt, previousStatus: from, ...payload } },
  ]);
}

async function writeSkipped(
  tx: WriteTx,
  executionId: string,
  definition: WorkflowDefinition,
  taskKey: string,
  latest: TaskRunRow | undefined,
  from: TaskStatus,
  now: Date,
): Promise<{ taskRunId: string; attempt: number }> {
  const skipped = movePatch(from, "skip", now);
  if (skipped.ok && latest) {
    // Not started (SCHEDULED / RETRYING): the row itself; a claimer's late result is refused.
    const done = await tx.updateRun(latest.id, stillIn(from), { ...rowColumns(skipped.patch), lockedBy: null, leaseExpiresAt: null });
    if (!done) throw new StaleExecutionError(executionId);
    return { taskRunId: latest.id, attempt: latest.attempt };
  }
  // Ended badly (or never reached): a new SKIPPED attempt after the others.
  if (latest) await tx.updateRun(latest.id, stillIn(from), { nextRunAt: null });
  const fresh = movePatch("PENDING", "skip", now);
  if (!fresh.ok) throw new Error(fresh.error.message);
  const row = newAttemptRow(executionId, definition, { taskKey, mapIndex: -1, attempt: (latest?.attempt ?? 0) + 1 }, rowColumns(fresh.patch), now);
  await tx.insertRuns([row]);
  return { taskRunId: row.id, attempt: row.attempt };
}
