/**
 * A decision step's writes, and the steps an engine runs ahead inside the same transaction.
 *
 * Running ahead (runInlineSteps): when a step creates attempts claimed by this engine that are pure
 * in-process work (lib/runtime/inline-task.ts: transforms with bounded expressions), the engine
 * evaluates them at once, records their outcomes and decides the next step, all before the
 * transaction commits — a chain of transforms is one commit instead of one per task. Each attempt
 * keeps its own row and events (TASK_SCHEDULED, TASK_STARTED, TASK_COMPLETED …) exactly as when a
 * runner records it; nothing counts as done before the commit, and a crash before it loses the
 * whole run-ahead, as it would lose the first step alone. The execution row is written once for
 * the steps run ahead (its version moves by one). Bounded by the dispatcher's `inlineSteps`
 * (FLOWDECK_ENGINE_INLINE_STEPS) per transaction; a step that needs the full transaction (a child
 * execution settling its parent) is left to the usual path, as is anything that is not quick.
 */
import type { NewEvent } from "@/lib/runtime/events";
import { mayRunInline, runInline } from "@/lib/runtime/inline-task";
import { planStep, type StepPlan } from "@/lib/runtime/plan";
import { expressionContext, type TaskRunRow } from "@/lib/runtime/snapshots";
import type { Dispatcher, ExecutionState, OutcomeItem } from "@/lib/runtime/state";
import { lockParentFirst, needsFullTx, persistPlan, planExecutionData, type AppliedPlan, type Reservation } from "./apply-decision";
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
  const applied = await runInlineSteps(tx, await persistPlan(tx, fullTx, state, plan, now, events, dispatcher, reservation), events, dispatcher, reservation);
  await tx.insertEvents(events);
  return applied;
}

/**
 * Runs ahead from a plan just persisted in `tx` (its execution row written and guarded by the
 * caller): see the module comment. Events go to `events` (the caller inserts them). Returns the
 * applied plan of the last step, with the attempts still to hand to the dispatcher.
 */
export async function runInlineSteps(tx: HotTx, first: AppliedPlan, events: NewEvent[], dispatcher: Dispatcher | undefined, reservation: Reservation): Promise<AppliedPlan> {
  const limit = dispatcher?.inlineSteps ?? 0;
  if (!dispatcher || limit <= 0) return first;
  let applied = first;
  let execution: ExecutionPatch | null = null as ExecutionPatch | null;
  for (let step = 0; step < limit && !applied.plan.finished && applied.claimed.length > 0; step++) {
    const { state } = applied;
    const byId = new Map(state.runs.map((run) => [run.id, run]));
    const candidates = applied.claimed.map((claimed) => byId.get(claimed.id)).filter((run): run is TaskRunRow => run !== undefined && mayRunInline(state, run));
    if (candidates.length === 0) break;
    const context = expressionContext(state.execution, state.definition, state.runs);
    const items: OutcomeItem[] = [];
    for (const run of candidates) {
      const item = await runInline(state, run, dispatcher.engineId, context);
      if (item) items.push(item);
    }
    if (items.length === 0) break;
    const now = new Date();
    const outcomes = items.map((item) => ({ item, ...prepareOutcome(item, now) }));
    const next = withOutcomes(state, outcomes, now);
    if (!next) break;
    const plan = await planStep(next, now);
    if (needsFullTx(next, plan)) break;
    for (const { item, patch, events: outcomeEvents } of outcomes) {
      if (!(await tx.updateRun(item.holder.taskRunId, heldBy(item.holder.lockedBy), patch))) {
        throw new Error(`attempt ${item.holder.taskRunId} changed inside the transaction that claimed it`);
      }
      events.push(...outcomeEvents);
    }
    const ran = new Set(items.map((item) => item.holder.taskRunId));
    reservation.count -= ran.size;
    dispatcher.ranInline(ran.size);
    execution = { ...execution, ...planExecutionData(plan, next.execution) };
    const persisted = await persistPlan(tx, null, next, plan, now, events, dispatcher, reservation);
    applied = { ...persisted, scheduled: applied.scheduled + persisted.scheduled, claimed: [...applied.claimed.filter((claimed) => !ran.has(claimed.id)), ...persisted.claimed] };
  }
  if (execution === null) return applied;
  // One write of the execution row for every step run ahead, under the version the caller wrote.
  await guardVersion(tx, first.state.execution.id, first.state.execution.version, execution);
  return { ...applied, state: { ...applied.state, execution: { ...applied.state.execution, version: first.state.execution.version + 1 } } };
}
