/**
 * Approve or reject a WAITING approval: the person's decision settles the attempt in one guarded
 * transaction, with who, why and when in the attempt's output (or error) and in the event.
 */
import type { Db } from "@/lib/db/client";
import type { ApprovalParams, TaskDefinition } from "@/lib/workflow/schema";
import { announceExecutionChanged, wakeEngine } from "@/lib/runtime/bus";
import { decideApproval } from "@/lib/runtime/writes/decide-approval";
import { getExecution, type ExecutionView } from "@/lib/services/executions";
import { forbidden, validationFailed } from "@/lib/services/errors";
import { latestAttempt, operationTransaction, refuse, requireTask, withFreshState, type OperatorContext } from "./execution-state";

export type ApprovalDecisionOptions = OperatorContext & {
  taskKey: string;
  /** The item of a map whose items are approvals. @default -1 (the task itself) */
  mapIndex?: number;
};

/** The error code of a rejected approval. */
export const REJECTED_ERROR_CODE = "REJECTED";

function approvalParamsOf(task: TaskDefinition, mapIndex: number): ApprovalParams | null {
  if (mapIndex === -1) return task.type === "approval" ? task.params : null;
  if (task.type === "map" && task.params.task?.type === "approval") return task.params.task.params as ApprovalParams;
  return null;
}

async function decide(db: Db, executionId: string, options: ApprovalDecisionOptions, approved: boolean): Promise<ExecutionView> {
  const verbOnly = approved ? "approve" : "reject";
  const mapIndex = options.mapIndex ?? -1;
  const what = mapIndex === -1 ? `task ${options.taskKey}` : `task ${options.taskKey} item ${mapIndex}`;
  const view = await withFreshState(db, executionId, async (state) => {
    const task = requireTask(state, options.taskKey, "taskKey", `${verbOnly} a task of`);
    const params = approvalParamsOf(task, mapIndex);
    if (!params) {
      const message = mapIndex === -1 ? `task ${task.key} is a ${task.type} task, not an approval` : `task ${task.key} is not a map of approvals`;
      throw validationFailed(`cannot ${verbOnly} ${what} of execution ${executionId}: ${message}`, [{ path: mapIndex === -1 ? "taskKey" : "mapIndex", message }]);
    }
    const latest = latestAttempt(state.runs, task.key, mapIndex);
    if (!latest || latest.status !== "WAITING") {
      throw refuse(`${verbOnly} ${what} of`, executionId, `it is ${latest?.status ?? "PENDING"}, not WAITING for a decision`);
    }
    const approvers = params.approvers ?? [];
    if (approvers.length > 0 && !approvers.includes(options.actor)) {
      throw forbidden(`${options.actor} may not ${verbOnly} ${what} of execution ${executionId}; its approvers are ${approvers.join(", ")}`);
    }

    const now = new Date();
    const reason = options.reason ?? null;
    const decision = { by: options.actor, reason, at: now.toISOString() };
    const output = { approved: true, ...decision };
    const error = { code: REJECTED_ERROR_CODE, message: `rejected by ${options.actor}${reason ? `: ${reason}` : ""}`, details: decision };
    return operationTransaction(db, async (tx, read) => {
      const base = { execution: state.execution, run: { id: latest.id, taskKey: task.key, mapIndex, attempt: latest.attempt }, actor: options.actor, reason, now };
      await decideApproval(tx, approved ? { ...base, approved: true, output } : { ...base, approved: false, error });
      // The execution as this operation left it (the engine may move it on the moment we commit).
      return getExecution(read, executionId);
    });
  });
  announceExecutionChanged(executionId);
  wakeEngine();
  return view;
}

/**
 * A WAITING approval attempt → COMPLETED with output `{ approved: true, by, reason, at }`; its
 * dependents proceed. When the task lists `params.approvers`, the actor must be one of them
 * (403 FORBIDDEN otherwise; without approvers anyone who may operate may decide). 409 unless the
 * attempt is WAITING (not reached, already decided, timed out, cancelled).
 */
export function approveTask(db: Db, executionId: string, options: ApprovalDecisionOptions): Promise<ExecutionView> {
  return decide(db, executionId, options, true);
}

/**
 * A WAITING approval attempt → FAILED with error `{ code: "REJECTED", message, details: { by,
 * reason, at } }`, final: never retried by the task's retry policy (the attempt is written
 * already settled). The failure then takes its usual course (UPSTREAM_FAILED below, the execution
 * fails); an operator's retry asks for approval again. Same approvers rule and 409s as approve.
 */
export function rejectTask(db: Db, executionId: string, options: ApprovalDecisionOptions): Promise<ExecutionView> {
  return decide(db, executionId, options, false);
}
