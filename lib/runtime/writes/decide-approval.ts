/**
 * A person approves or rejects a WAITING approval attempt: COMPLETED with `{ approved, by, reason,
 * at }`, or FAILED with REJECTED — written already settled (nextRunAt null), so decide never asks
 * the retry policy about it; only an operator's retry asks again.
 */
import { movePatch } from "@/lib/engine/patches";
import type { TaskRunError } from "@/lib/engine/types";
import type { JsonValue } from "@/lib/workflow/schema";
import { rowColumns } from "./columns";
import { guardVersion } from "./execution-row";
import { waiting } from "./fence";
import { StaleExecutionError } from "./transaction";
import type { HotTx } from "./types";

export type ApprovalDecision = {
  execution: { id: string; version: number };
  run: { id: string; taskKey: string; mapIndex: number; attempt: number };
  actor: string;
  reason: string | null;
  now: Date;
} & ({ approved: true; output: JsonValue } | { approved: false; error: TaskRunError });

export async function decideApproval(tx: HotTx, decision: ApprovalDecision): Promise<void> {
  const { execution, run, now } = decision;
  await guardVersion(tx, execution.id, execution.version, { nextDecisionAt: now });
  const moved = decision.approved ? movePatch("WAITING", "complete", now, { output: decision.output }) : movePatch("WAITING", "fail", now, { error: decision.error, nextRunAt: null });
  if (!moved.ok) throw new Error(moved.error.message);
  if (!(await tx.updateRun(run.id, waiting, rowColumns(moved.patch)))) throw new StaleExecutionError(execution.id);
  await tx.insertEvents([
    {
      executionId: execution.id,
      type: decision.approved ? "TASK_APPROVED" : "TASK_REJECTED",
      taskKey: run.taskKey,
      mapIndex: run.mapIndex,
      taskRunId: run.id,
      actor: decision.actor,
      reason: decision.reason,
      createdAt: now,
      payload: decision.approved ? { attempt: run.attempt, output: decision.output } : { attempt: run.attempt, ...decision.error },
    },
  ]);
}
