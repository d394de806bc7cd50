/**
 * Pause, resume and terminate: moves of the execution itself (transitionExecution's table), each
 * one guarded transaction with an event that records who and why.
 */
import type { Db } from "@/lib/db/client";
import { transitionExecution } from "@/lib/engine/transitions";
import { announceExecutionChanged, announceExecutionEnded, wakeEngine } from "@/lib/runtime/bus";
import { pause, resume } from "@/lib/runtime/writes/pause-resume";
import { terminateByOperator, terminateRest } from "@/lib/runtime/writes/terminate";
import { getExecution, type ExecutionView } from "@/lib/services/executions";
import { operationTransaction, refuse, withFreshState, type OperatorContext } from "./execution-state";

/**
 * RUNNING → PAUSED. Attempts already running (or already claimed) finish and their results are
 * recorded; nothing new starts: decide schedules nothing and defers retries while PAUSED, and the
 * claim queries only take attempts of RUNNING executions. Timers keep firing (a wait task that
 * ends while paused is COMPLETED; its dependents start on resume). Child executions are not
 * paused. The workflow timeout keeps counting.
 */
export async function pauseExecution(db: Db, executionId: string, operator: OperatorContext): Promise<ExecutionView> {
  // The execution as this operation left it, read in its transaction (the engine may move it on at once).
  const view = await withFreshState(db, executionId, async (state) => {
    const now = new Date();
    const moved = transitionExecution(state.status, "pause", now);
    if (!moved.ok) throw refuse("pause", executionId, `it is ${state.status}`);
    return operationTransaction(db, async (tx, read) => {
      await pause(tx, { execution: { ...state.execution, status: state.status }, actor: operator.actor, reason: operator.reason ?? null, now });
      return getExecution(read, executionId);
    });
  });
  announceExecutionChanged(executionId);
  return view;
}

/** PAUSED → RUNNING, and the engine decides at once: due work starts, deferred retries are scheduled. */
export async function resumeExecution(db: Db, executionId: string, operator: OperatorContext): Promise<ExecutionView> {
  const view = await withFreshState(db, executionId, async (state) => {
    const now = new Date();
    const moved = transitionExecution(state.status, "resume", now);
    if (!moved.ok) throw refuse("resume", executionId, `it is ${state.status}`);
    return operationTransaction(db, async (tx, read) => {
      await resume(tx, { execution: { ...state.execution, status: state.status }, actor: operator.actor, reason: operator.reason ?? null, now });
      return getExecution(read, executionId);
    });
  });
  announceExecutionChanged(executionId);
  wakeEngine();
  return view;
}

/**
 * QUEUED / RUNNING / PAUSED → TERMINATED with `{ code: "TERMINATED", message: reason }` as its
 * error. Every live attempt (SCHEDULED, RUNNING, WAITING, RETRYING) becomes CANCELLED — a worker
 * holding one loses its lease, so its late result is refused — and live child executions are
 * terminated too, recursively (a large tree in batches of about FLOWDECK_TERMINATE_BATCH_SIZE rows,
 * each batch its own transaction; the call returns when the whole tree is ended). Tasks never reached stay PENDING. When the execution is itself a
 * child (a subworkflow or map item), the parent's attempt fails with CHILD_TERMINATED.
 */
export async function terminateExecution(db: Db, executionId: string, operator: OperatorContext & { reason: string }): Promise<ExecutionView> {
  let parentExecutionId: string | null = null;
  let rest: { ids: string[]; root: string | null; now: Date } = { ids: [], root: null, now: new Date() };
  await withFreshState(db, executionId, async (state) => {
    const now = new Date();
    const moved = transitionExecution(state.status, "terminate", now);
    if (!moved.ok) throw refuse("terminate", executionId, `it is ${state.status}`);
    const ids = await operationTransaction(db, (tx) => terminateByOperator(tx, state.execution, operator, now));
    parentExecutionId = state.execution.parentExecutionId;
    rest = { ids, root: (state.execution.rootExecutionId ?? executionId) === executionId ? executionId : null, now };
  });
  // A large tree: the rest in short transactions of its own (writes/terminate.ts terminateRest).
  await terminateRest(db, rest.ids, rest.root, rest.now, operator.reason);
  announceExecutionEnded(executionId);
  if (parentExecutionId) announceExecutionChanged(parentExecutionId);
  wakeEngine();
  return getExecution(db, executionId);
}
