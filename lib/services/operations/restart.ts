/**
 * Restart: a NEW execution with the same input, on the original version or the latest one. The
 * old execution stays as it ended (its history is the record of what happened; Conductor and
 * Temporal restart the same way), and an event on each links the two.
 */
import type { Db } from "@/lib/db/client";
import { isTerminalExecutionStatus } from "@/lib/engine/statuses";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import { announceExecutionChanged, wakeEngine } from "@/lib/runtime/bus";
import { fromJsonText } from "@/lib/runtime/json";
import { restartAsNew } from "@/lib/runtime/writes/restart";
import { newExecutionRow } from "@/lib/runtime/writes/start-execution";
import { prepareExecutionInput } from "@/lib/services/execution-input";
import { getExecution, type ExecutionView } from "@/lib/services/executions";
import { operationTransaction, refuse, withFreshState, type OperatorContext } from "./execution-state";

export type RestartOptions = OperatorContext & {
  /** Run the latest version of the workflow instead of the one the execution pinned. @default false */
  useLatestVersion?: boolean;
};

/**
 * Starts a new execution of the same workflow with the same input and correlationId, pinned to
 * the original version (or the latest with `useLatestVersion`; the input is then checked against
 * that version's input schema, defaults applied, 400 if it does not fit). Only a finished
 * execution can be restarted (409 otherwise: terminate it first). The old execution gets an
 * EXECUTION_RESTARTED event naming the new one; the new one's EXECUTION_CREATED names the old
 * one (`restartOf`). A restarted child execution runs standalone (no parent link). Returns the
 * new execution.
 */
export async function restartExecution(db: Db, executionId: string, options: RestartOptions): Promise<ExecutionView> {
  const newExecutionId = await withFreshState(db, executionId, async (state) => {
    if (!isTerminalExecutionStatus(state.status)) {
      throw refuse("restart", executionId, `it is ${state.status}; terminate it first, or wait for it to end`);
    }
    const definitionRow = options.useLatestVersion
      ? await db.workflowDefinition.findFirst({ where: { name: state.execution.workflowName }, orderBy: { version: "desc" } })
      : await db.workflowDefinition.findUnique({ where: { id: state.execution.definitionId } });
    if (!definitionRow) throw refuse("restart", executionId, `workflow '${state.execution.workflowName}' no longer exists`);

    let input: unknown = fromJsonText(state.execution.input) ?? {};
    if (definitionRow.id !== state.execution.definitionId) {
      const definition = JSON.parse(definitionRow.definition) as WorkflowDefinition;
      const label = `workflow '${definitionRow.name}' v${definitionRow.version}`;
      input = prepareExecutionInput({ versionId: definitionRow.id, label, schema: definition.input }, input, `cannot restart execution ${executionId} on v${definitionRow.version}: its input does not fit that version`);
    }

    const row = newExecutionRow({ definition: definitionRow, input, correlationId: state.execution.correlationId, createdBy: options.actor, now: new Date() });
    await operationTransaction(db, (tx) => restartAsNew(tx, state.execution, row, { actor: options.actor, reason: options.reason ?? null }));
    return row.id;
  });
  announceExecutionChanged(executionId);
  announceExecutionChanged(newExecutionId);
  wakeEngine();
  return getExecution(db, newExecutionId);
}
