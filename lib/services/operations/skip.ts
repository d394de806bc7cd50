/**
 * Skip a task: an operator marks a task SKIPPED so that its downstream proceeds per the trigger
 * rules (all_success propagates the skip; all_done and none_failed run; one_success waits for
 * another upstream).
 */
import type { Db } from "@/lib/db/client";
import { isTerminalExecutionStatus } from "@/lib/engine/statuses";
import { buildTaskGraph } from "@/lib/workflow/graph";
import { announceExecutionChanged, wakeEngine } from "@/lib/runtime/bus";
import { reopenExecution, resetTaskAttempts } from "@/lib/runtime/writes/reset-tasks";
import { skipAttempt } from "@/lib/runtime/writes/skip-task";
import { getExecution, type ExecutionView } from "@/lib/services/executions";
import { latestAttempt, operationTransaction, refuse, requireTask, withFreshState, type OperatorContext } from "./execution-state";

export type SkipTaskOptions = OperatorContext & {
  /** The task to skip (a whole task; map items are not skipped one by one). */
  taskKey: string;
  reason: string;
};

/** Not started yet: the attempt row itself becomes SKIPPED (a claimed one's late result is refused). */
const NOT_STARTED = ["SCHEDULED", "RETRYING"];
/** Ended badly: a new SKIPPED attempt is added after them; the failed attempts stay as history. */
const ENDED_BADLY = ["FAILED", "TIMED_OUT", "CANCELLED"];
/** Downstream tasks that only ended because of a failure above them: decided again after the skip. */
const NEVER_RAN = ["UPSTREAM_FAILED", "SKIPPED"];

/**
 * Marks a task SKIPPED. Precisely:
 * - Execution QUEUED / RUNNING / PAUSED, and the task is
 *   - not reached yet (PENDING, no attempt): a SKIPPED attempt 1 is recorded; decide never
 *     schedules it;
 *   - SCHEDULED or RETRYING (due but not started): that attempt becomes SKIPPED;
 *   - FAILED, TIMED_OUT or CANCELLED (a pending retry is dropped): a SKIPPED attempt is added
 *     after the failed ones, which stay as history.
 * - Execution FAILED / TIMED_OUT / TERMINATED, and the task FAILED, TIMED_OUT or CANCELLED: the
 *   same SKIPPED attempt, and the execution is reopened (RUNNING) — retry's semantics for that one
 *   task, except that the task counts as skipped instead of running again.
 * In the failed cases, the tasks downstream that never ran because of the failure (UPSTREAM_FAILED
 * or SKIPPED by propagation) are reset (attempts archived in TASK_RESET events) so their trigger
 * rules are evaluated again, now seeing SKIPPED. Refused (409): a RUNNING or WAITING task (it is
 * already doing its work: terminate or, for approvals, reject), a COMPLETED / SKIPPED /
 * UPSTREAM_FAILED task, any task of a COMPLETED execution, a not-failed task of a finished one.
 */
export async function skipTask(db: Db, executionId: string, options: SkipTaskOptions): Promise<ExecutionView> {
  const view = await withFreshState(db, executionId, async (state) => {
    const { taskKey } = options;
    requireTask(state, taskKey, "taskKey", `skip a task of`);
    const verb = `skip task ${taskKey} of`;
    const latest = latestAttempt(state.runs, taskKey);
    const taskStatus = latest?.status ?? "PENDING";
    const finished = isTerminalExecutionStatus(state.status);
    const endedBadly = ENDED_BADLY.includes(taskStatus);
    if (state.status === "COMPLETED") throw refuse(verb, executionId, "the execution is COMPLETED");
    if (finished && !endedBadly) {
      throw refuse(verb, executionId, `the execution is ${state.status} and the task is ${taskStatus}; only a failed, timed-out or cancelled task of a finished execution can be skipped`);
    }
    if (!endedBadly && taskStatus !== "PENDING" && !NOT_STARTED.includes(taskStatus)) {
      const hint = taskStatus === "RUNNING" || taskStatus === "WAITING" ? "; it has started: terminate the execution, or reject an approval" : "";
      throw refuse(verb, executionId, `it is ${taskStatus}${hint}`);
    }

    const graph = buildTaskGraph(state.definition.tasks);
    const downstream = endedBadly
      ? [...graph.downstreamOf(taskKey)].filter((key) => NEVER_RAN.includes(latestAttempt(state.runs, key)?.status ?? ""))
      : [];
    const now = new Date();
    const operator = { actor: options.actor, reason: options.reason };
    return operationTransaction(db, async (tx, read) => {
      await reopenExecution(tx, state, now);
      await skipAttempt(tx, state, taskKey, latest, operator, { reset: downstream, ...(finished ? { reopened: state.status } : {}) }, now);
      await resetTaskAttempts(tx, state, downstream, operator, now);
      // The execution as this operation left it (the engine may move it on the moment we commit).
      return getExecution(read, executionId);
    });
  });
  announceExecutionChanged(executionId);
  wakeEngine();
  return view;
}
