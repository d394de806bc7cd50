/**
 * An operator restarts a finished execution: a NEW execution (start-execution.ts) of the same
 * input, and an event on each linking the two. The old one is left as it ended; the guard on its
 * version makes sure it still ended the way the operator's checks saw.
 */
import type { ExecutionRow } from "@/lib/runtime/snapshots";
import { guardVersion } from "./execution-row";
import { insertNewExecution } from "./start-execution";
import type { HotTx } from "./types";

export async function restartAsNew(tx: HotTx, old: { id: string; version: number }, row: ExecutionRow, operator: { actor: string; reason: string | null }): Promise<void> {
  await guardVersion(tx, old.id, old.version);
  await tx.insertEvents([
    {
      executionId: old.id,
      type: "EXECUTION_RESTARTED",
      actor: operator.actor,
      reason: operator.reason,
      createdAt: row.createdAt,
      payload: { newExecutionId: row.id, workflowVersion: row.workflowVersion },
    },
  ]);
  await insertNewExecution(tx, row, { workflow: row.workflowName, version: row.workflowVersion, restartOf: old.id }, operator.reason);
}
