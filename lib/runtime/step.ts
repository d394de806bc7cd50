import type { Db } from "@/lib/db/client";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import { announceExecutionChanged, announceExecutionEnded, wakeEngine } from "@/lib/runtime/bus";
import { loadDefinition } from "@/lib/runtime/definitions";
import { planStep } from "@/lib/runtime/plan";
import { engineStore } from "@/lib/runtime/store";
import type { ExecutionRow } from "@/lib/runtime/snapshots";
import type { Dispatcher, ExecutionState } from "@/lib/runtime/state";
import { needsFullTx, type AppliedPlan, type Reservation, type StepPlan } from "@/lib/runtime/writes/apply-decision";
import { persistDecisionStep } from "@/lib/runtime/writes/decision-step";
import { deferDecision } from "@/lib/runtime/writes/execution-row";
import { insertNewExecution } from "@/lib/runtime/writes/start-execution";
import { StaleExecutionError, writeTransaction } from "@/lib/runtime/writes/transaction";

export { StaleExecutionError, planStep };
export type { StepPlan };

export type StepResult = { commands: number; status: ExecutionStatus | null; scheduled: number };

/** An execution with its attempts and definition, read on the fast path. */
export async function loadState(db: Db, executionId: string): Promise<ExecutionState | null> {
  const loaded = await (await engineStore(db)).loadExecution(executionId);
  if (!loaded) return null;
  return { execution: loaded.execution, runs: loaded.runs, definition: await loadDefinition(db, loaded.execution.definitionId) };
}

/** After the commit of an applied plan (its last step, see writes/inline-steps.ts): tell waiters, wake runners, hand claimed attempts over. */
export function afterPlan(applied: AppliedPlan, dispatcher?: Dispatcher): void {
  const { plan } = applied;
  const { execution } = applied.state;
  if (plan.finished) announceExecutionEnded(execution.id);
  else announceExecutionChanged(execution.id);
  if (plan.finished && execution.parentExecutionId) announceExecutionChanged(execution.parentExecutionId);
  if (applied.scheduled > 0 || plan.finished) wakeEngine();
  for (const attempt of applied.claimed) dispatcher!.run(attempt, applied.state);
  dispatcher?.remember(applied.state);
}

/**
 * One decision step: load the execution and all its attempts, ask the pure decider what to do, and
 * persist every command in ONE transaction guarded by the execution's optimistic version. Anything
 * that changed the execution meanwhile (a task result bumps the version) makes the guard fail; the
 * caller then runs the step again on fresh state, so no change is ever decided on stale data.
 */
export async function runDecisionStep(db: Db, executionId: string, now: Date = new Date(), dispatcher?: Dispatcher): Promise<StepResult> {
  const state = await loadState(db, executionId);
  if (!state) return { commands: 0, status: null, scheduled: 0 };
  const { execution } = state;
  if (isTerminalExecutionStatus(execution.status as ExecutionStatus)) {
    await writeTransaction(db, false, (tx) => deferDecision(tx, executionId, execution.version, null));
    return { commands: 0, status: execution.status as ExecutionStatus, scheduled: 0 };
  }
  const plan = await planStep(state, now);

  if (plan.commands.length === 0) {
    // Nothing to do until wakeAt. If the execution changed since it was read, decide again on the
    // fresh state (the claim pushed nextDecisionAt a lease ahead; leaving it there would delay a
    // deadline that wakeAt carries).
    if (!(await writeTransaction(db, false, (tx) => deferDecision(tx, executionId, execution.version, plan.wakeAt)))) throw new StaleExecutionError(executionId);
    return { commands: 0, status: plan.status, scheduled: 0 };
  }

  const reservation: Reservation = { count: 0 };
  let applied: AppliedPlan;
  try {
    applied = await writeTransaction(db, needsFullTx(state, plan), (tx, fullTx) => persistDecisionStep(tx, fullTx, state, plan, now, dispatcher, reservation));
  } catch (error) {
    if (reservation.count > 0) dispatcher?.release(reservation.count);
    throw error;
  }
  afterPlan(applied, dispatcher);
  return { commands: plan.commands.length, status: applied.plan.status, scheduled: applied.scheduled + applied.claimed.length };
}

/**
 * A start and its first decision step in ONE transaction, on the engine of this process: the new
 * row (lib/runtime/writes/start-execution.ts), then the step decided on it in memory (it has no
 * attempts yet), whose due attempts this engine claims and runs at once. Saves what a start costs
 * otherwise: a transaction of its own, the engine's claim of the due decision, and a read of what
 * was just written. Nothing is left to a crash that the usual path does not leave: the attempts are
 * claimed under the engine's lease, as a decision step claims them, and are taken again when it
 * runs out. `payload` is EXECUTION_CREATED's.
 */
export async function startWithFirstStep(db: Db, row: ExecutionRow, definition: WorkflowDefinition, payload: Record<string, unknown>, dispatcher: Dispatcher): Promise<AppliedPlan> {
  const state: ExecutionState = { execution: row, runs: [], definition };
  const now = row.createdAt;
  const plan = await planStep(state, now);
  const reservation: Reservation = { count: 0 };
  let applied: AppliedPlan;
  try {
    applied = await writeTransaction(db, needsFullTx(state, plan), async (tx, fullTx) => {
      await insertNewExecution(tx, row, payload);
      return persistDecisionStep(tx, fullTx, state, plan, now, dispatcher, reservation);
    });
  } catch (error) {
    if (reservation.count > 0) dispatcher.release(reservation.count);
    throw error;
  }
  afterPlan(applied, dispatcher);
  return applied;
}
