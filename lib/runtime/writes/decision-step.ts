/**
 * A decision step's writes, and the steps an engine runs ahead inside the same transaction.
 *
 * Running ahead (persistPlanRunningAhead): when a step creates attempts claimed by this engine that are pure
 * in-process work (lib/runtime/inline-task.ts: transforms with bounded expressions), the engine
 * evaluates them at once, records their outcomes and decides the next step, all before the
 * transaction commits — a chain of transforms is one commit instead of one per task. Each attempt
 * keeps its own row and events (TASK_SCHEDULED, TASK_STARTED, TASK_COMPLETED …) exactly as when a
 * runner records it; nothing counts as done before the commit, and a crash before it loses the
 * whole run-ahead, as it would lose the first step alone. The execution row is written once for
 * the steps run ahead (its version moves by one), and the attempts they created and ran are
 * inserted once, as they ended (one statement for all, not an insert and an update each). Bounded by the dispatcher's `inlineSteps`
 * (FLOWDECK_ENGINE_INLINE_STEPS) per transaction; a step that needs the full transaction (a child
 * execution settling its parent) is left to the usual path, as is anything that is not quick.
 */
import type { NewEvent } from "@/lib/runtime/events";
import { mayRunInline, runInline } from "@/lib/runtime/inline-task";
import { planStep, type StepPlan } from "@/lib/runtime/plan";
import { expressionContext, type TaskRunRow } from "@/lib/runtime/snapshots";
import type { Dispatcher, ExecutionState, OutcomeItem } from "@/lib/runtime/state";
import { lockParentFirst, needsFullTx, persistPlan, planExecutionData, type AppliedPlan, type Reservation, type Unstored } from "./apply-decision";
import { guardVersion } from "./execution-row";
import { heldBy } from "./fence";
import { prepareOutcome, withOutcomes } from "./outcome-patch";
import type { ExecutionPatch, HotTx, WriteTx } from "./types";

/**
 * A decision step on its own (not inside an outcome's transaction): the guard first — on
 * PostgreSQL it also takes the row lock, serialising with task results — then the plan and the
 * steps run ahead, then their events. StaleExecutionError when the execution moved since `state`
 * was read.
 */
export async function persistDecisionStep(
  tx: HotTx,
  fullTx: WriteTx | null,
  state: ExecutionState,
  plan: StepPlan,
  now: Date,
  dispatcher?: Dispatcher,
  reservation: Reservation = { count: 0 },
): Promise<AppliedPlan> {
  await lockParentFirst(tx, state, plan);
  await guardVersion(tx, state.execution.id, state.execution.version, planExecutionData(plan, state.execution));
  const events: NewEvent[] = [];
  const applied = await persistPlanRunningAhead(tx, fullTx, state, plan, now, events, dispatcher, reservation);
  await tx.insertEvents(events);
  return applied;
}

/**
 * persistPlan (apply-decision.ts), then the steps run ahead from it (see the module comment), for
 * a caller that has written and guarded the execution row. Events go to `events` (the caller
 * inserts them). Returns the applied plan of the last step, with the attempts still to hand to the
 * dispatcher.
 */
export async function persistPlanRunningAhead(
  tx: HotTx,
  fullTx: WriteTx | null,
  state: ExecutionState,
  plan: StepPlan,
  now: Date,
  events: NewEvent[],
  dispatcher: Dispatcher | undefined,
  reservation: Reservation,
): Promise<AppliedPlan> {
  const limit = dispatcher?.inlineSteps ?? 0;
  if (!dispatcher || limit <= 0) return persistPlan(tx, fullTx, state, plan, now, events, dispatcher, reservation);
  // Attempts that may run ahead are inserted at the end, as they are then (see the module comment).
  const unstored: Unstored = { ids: new Set(), keep: (row) => row.lockedBy === dispatcher.engineId && mayRunInline(state, row) };
  const first = await persistPlan(tx, fullTx, state, plan, now, events, dispatcher, reservation, unstored);
  let applied = first;
  let execution: ExecutionPatch | null = null as ExecutionPatch | null;
  // Attempts that did not finish within their slice: left to a runner, never tried again here.
  const declined = new Set<string>();
  for (let step = 0; step < limit && !applied.plan.finished && applied.claimed.length > 0; step++) {
    const current = applied.state;
    const byId = new Map(current.runs.map((run) => [run.id, run]));
    const candidates = applied.claimed.map((claimed) => byId.get(claimed.id)).filter((run): run is TaskRunRow => run !== undefined && !declined.has(run.id) && mayRunInline(current, run));
    if (candidates.length === 0) break;
    const context = expressionContext(current.execution, current.definition, current.runs);
    const items: OutcomeItem[] = [];
    for (const run of candidates) {
      const item = await runInline(current, run, dispatcher.engineId, context);
      if (item) items.push(item);
      else declined.add(run.id);
    }
    if (items.length === 0) break;
    const at = new Date();
    const outcomes = items.map((item) => ({ item, ...prepareOutcome(item, at) }));
    const next = withOutcomes(current, outcomes, at);
    if (!next) break;
    const nextPlan = await planStep(next, at);
    if (needsFullTx(next, nextPlan)) break;
    for (const { item, patch, events: outcomeEvents } of outcomes) {
      // One not inserted yet is inserted as it is at the end (its patch is in `next`).
      if (!unstored.ids.has(item.holder.taskRunId) && !(await tx.updateRun(item.holder.taskRunId, heldBy(item.holder.lockedBy), patch))) {
        throw new Error(`attempt ${item.holder.taskRunId} changed inside the transaction that claimed it`);
      }
      events.push(...outcomeEvents);
    }
    const ran = new Set(items.map((item) => item.holder.taskRunId));
    reservation.count -= ran.size;
    dispatcher.ranInline(ran.size);
    execution = { ...execution, ...planExecutionData(nextPlan, next.execution) };
    const persisted = await persistPlan(tx, null, next, nextPlan, at, events, dispatcher, reservation, unstored);
    applied = { ...persisted, scheduled: applied.scheduled + persisted.scheduled, claimed: [...applied.claimed.filter((claimed) => !ran.has(claimed.id)), ...persisted.claimed] };
  }
  // Before the events (they name the attempts) and the commit: the rows held back, as they are now.
  if (unstored.ids.size > 0) await tx.insertRuns(applied.state.runs.filter((run) => unstored.ids.has(run.id)));
  if (execution === null) return applied;
  // One write of the execution row for every step run ahead, under the version the caller wrote.
  await guardVersion(tx, first.state.execution.id, first.state.execution.version, execution);
  return { ...applied, state: { ...applied.state, execution: { ...applied.state.execution, version: first.state.execution.version + 1 } } };
}
