import type { Db } from "@/lib/db/client";
import { applyCommands } from "@/lib/engine/apply";
import { decide } from "@/lib/engine/decide";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import { transitionExecution } from "@/lib/engine/transitions";
import type { Command, ExecutionError } from "@/lib/engine/types";
import { evaluateTemplate } from "@/lib/pool/evaluate";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import { announceExecutionChanged, announceExecutionEnded, wakeEngine } from "@/lib/runtime/bus";
import { loadDefinition } from "@/lib/runtime/definitions";
import { engineStore } from "@/lib/runtime/store";
import { toJsonText } from "@/lib/runtime/json";
import { executionSnapshot, expressionContext, taskRunSnapshot, tasksViewOf, type ExecutionRow, type TaskRunRow } from "@/lib/runtime/snapshots";
import type { Dispatcher, ExecutionState } from "@/lib/runtime/state";
import { needsFullTx, persistDecisionStep, type AppliedPlan, type Reservation, type StepPlan } from "@/lib/runtime/writes/apply-decision";
import { deferDecision } from "@/lib/runtime/writes/execution-row";
import { insertNewExecution } from "@/lib/runtime/writes/start-execution";
import { StaleExecutionError, writeTransaction } from "@/lib/runtime/writes/transaction";

export { StaleExecutionError };
export type { StepPlan };

export type StepResult = { commands: number; status: ExecutionStatus | null; scheduled: number };

const EXECUTION_END: Partial<Record<Command["kind"], "complete" | "fail" | "timeout">> = {
  completeExecution: "complete",
  failExecution: "fail",
  timeoutExecution: "timeout",
};

/** Asks the pure decider what to do with this state, and works out the execution's resulting fields. */
export async function planStep(state: ExecutionState, now: Date): Promise<StepPlan> {
  const { execution, runs, definition } = state;
  const decision = decide({ definition, execution: executionSnapshot(execution), runs: runs.map(taskRunSnapshot), now });
  const commands = await resolveExecutionOutput(decision.commands, execution, definition, runs, now);
  let status = execution.status as ExecutionStatus;
  let startedAt = execution.startedAt;
  let endedAt: Date | null = null;
  let output: string | null | undefined;
  let error: string | null | undefined;
  for (const command of commands) {
    const event = command.kind === "startExecution" ? "start" : EXECUTION_END[command.kind];
    if (!event) continue;
    const moved = transitionExecution(status, event, now);
    if (!moved.ok) throw new Error(`decide asked for an illegal execution move: ${moved.error.message}`);
    status = moved.status;
    if (event === "start") startedAt = now;
    else endedAt = now;
    if (command.kind === "completeExecution") output = toJsonText((command as ResolvedComplete).output);
    if (command.kind === "failExecution" || command.kind === "timeoutExecution") error = toJsonText(command.error);
  }
  return { commands, wakeAt: decision.wakeAt, status, startedAt, endedAt, output, error, finished: isTerminalExecutionStatus(status) };
}

/** An execution with its attempts and definition, read on the fast path. */
export async function loadState(db: Db, executionId: string): Promise<ExecutionState | null> {
  const loaded = await (await engineStore(db)).loadExecution(executionId);
  if (!loaded) return null;
  return { execution: loaded.execution, runs: loaded.runs, definition: await loadDefinition(db, loaded.execution.definitionId) };
}

/** After the commit of an applied plan: tell waiters, wake runners, hand claimed attempts over. */
export function afterPlan(plan: StepPlan, applied: AppliedPlan, dispatcher?: Dispatcher): void {
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
  afterPlan(plan, applied, dispatcher);
  return { commands: plan.commands.length, status: plan.status, scheduled: applied.scheduled + applied.claimed.length };
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
export async function startWithFirstStep(db: Db, row: ExecutionRow, definition: WorkflowDefinition, payload: Record<string, unknown>, dispatcher: Dispatcher): Promise<void> {
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
  afterPlan(plan, applied, dispatcher);
}

type ResolvedComplete = { kind: "completeExecution"; output: unknown };

/**
 * Evaluates the workflow's output mapping for completeExecution (async, so before the transaction).
 * It reads the tasks as decide saw them when it ended the execution: the stored rows with this
 * step's earlier commands applied (the reference semantics of lib/engine/apply.ts). A map that is
 * the last task completes in the same step as the execution, so on the stored rows alone it was
 * still RUNNING without output.
 */
async function resolveExecutionOutput(
  commands: Command[],
  execution: ExecutionRow,
  definition: WorkflowDefinition,
  runs: readonly TaskRunRow[],
  now: Date,
): Promise<Command[]> {
  const index = commands.findIndex((command) => command.kind === "completeExecution");
  if (index === -1) return commands;
  const before = { execution: executionSnapshot(execution), runs: runs.map(taskRunSnapshot) };
  const tasks = tasksViewOf(index === 0 ? before.runs : applyCommands(before, commands.slice(0, index), now).runs);
  let resolved: Command | ResolvedComplete = { kind: "completeExecution", output: null };
  if (definition.output !== undefined) {
    const result = await evaluateTemplate(definition.output, { ...expressionContext(execution, definition, runs), tasks }, { basePath: "output" });
    if (result.ok) resolved = { kind: "completeExecution", output: result.value ?? null };
    else {
      const failure: ExecutionError = { code: "OUTPUT_MAPPING_FAILED", message: `the workflow's output mapping failed at ${result.error.path}: ${result.error.message}` };
      resolved = { kind: "failExecution", error: failure };
    }
  } else {
    // Without an output mapping the execution's output is every task's output, by key.
    const outputs: Record<string, unknown> = {};
    for (const [taskKey, view] of Object.entries(tasks)) if (view.status === "COMPLETED") outputs[taskKey] = view.output;
    resolved = { kind: "completeExecution", output: outputs };
  }
  return commands.map((command, i) => (i === index ? (resolved as Command) : command));
}
