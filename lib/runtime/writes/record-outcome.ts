/**
 * An attempt's holder reports its outcome: it completed, failed (then the decision retries it or
 * fails the task), was skipped by its `when`, or now waits (a timer, an approval). The attempt's
 * change is resultPatch's (lib/engine/patches.ts); this module adds the lease columns and events,
 * fences the write by the holder, and — with the engine's state — runs the decision step in the
 * same transaction.
 */
import type { Db } from "@/lib/db/client";
import { announceExecutionChanged, announceTimer, wakeEngine } from "@/lib/runtime/bus";
import type { AttemptOutcome, Dispatcher, ExecutionState, Holder, KnownRun, OutcomeExtra, OutcomeItem } from "@/lib/runtime/state";
import { planStep } from "@/lib/runtime/plan";
import { afterPlan } from "@/lib/runtime/step";
import { lockParentFirst, needsFullTx, planExecutionData, type Reservation } from "./apply-decision";
import { persistPlanRunningAhead } from "./decision-step";
import { prepareOutcome, withOutcomes } from "./outcome-patch";
import { markForDecision } from "./execution-row";
import { heldBy, NotOurs } from "./fence";
import { writeTransaction } from "./transaction";

/** The state given was not the stored one and the caller asked not to fall back (it reloads and retries). */
class StaleState extends Error {}

export type RecordedOutcomes = {
  /** Per item: whether its outcome was written (false: a late or duplicate result, nothing changed). */
  written: boolean[];
  /** The given state was stale and `fallback` was false: nothing was written. */
  stale: boolean;
};

/**
 * Writes the outcomes of attempts of ONE execution in one transaction, each fenced by its holder
 * (fence.ts heldBy): only the holder named in `lockedBy` can end an attempt, and only while it is
 * still live. A late or duplicate result (the lease was reaped, an operator cancelled the task,
 * the same worker reported twice) changes nothing and is reported as not written. A FAILED
 * attempt keeps nextRunAt = now ("unsettled"): the next decision retries it or fails the task.
 *
 * With `state` (what the engine knows of the execution, see ExecutionState) the decision step runs
 * in the same transaction: the execution row is updated only if its version is still the state's,
 * and the decider's commands for the state with these outcomes are applied at once — a chain moves
 * on to its next task, and a fan-out's finished branches are taken in together, without a second
 * transaction, a claim or a poll. Otherwise (no state, or a stale one and `fallback`) the execution
 * is marked for a decision step. Either way the execution row is written first.
 */
export async function recordOutcomes(
  db: Db,
  items: readonly OutcomeItem[],
  options: { state?: ExecutionState; dispatcher?: Dispatcher; fallback?: boolean; now?: Date } = {},
): Promise<RecordedOutcomes> {
  const now = options.now ?? new Date();
  const written = items.map(() => false);
  if (items.length === 0) return { written, stale: false };
  const executionId = items[0]!.run.executionId;
  if (items.some((item) => item.run.executionId !== executionId)) throw new Error("recordOutcomes: items of more than one execution");
  let pending = items.map((item, index) => ({ item, index, ...prepareOutcome(item, now) }));
  while (pending.length > 0) {
    // The state with these outcomes, and its decision (planned before the transaction: the output
    // mapping is async); used only if the stored version is still the state's.
    const inline = options.state?.execution.id === executionId ? withOutcomes(options.state, pending, now) : null;
    const plan = inline ? await planStep(inline, now) : null;
    const reservation: Reservation = { count: 0 };
    const events = pending.flatMap((entry) => entry.events);
    try {
      const applied = await writeTransaction(db, inline !== null && plan !== null && needsFullTx(inline, plan), async (tx, fullTx) => {
        if (inline !== null && plan !== null) await lockParentFirst(tx, inline, plan);
        const guarded = inline !== null && plan !== null && (await tx.guardExecution(executionId, inline.execution.version, planExecutionData(plan, inline.execution)));
        if (!guarded && options.fallback === false) throw new StaleState();
        if (!guarded) await markForDecision(tx, executionId, now);
        for (const { item, patch, index } of pending) {
          if (!(await tx.updateRun(item.holder.taskRunId, heldBy(item.holder.lockedBy), patch))) throw new NotOurs(index);
        }
        const result = guarded ? await persistPlanRunningAhead(tx, fullTx, inline!, plan!, now, events, options.dispatcher, reservation) : null;
        await tx.insertEvents(events);
        return result;
      });
      for (const { index, item } of pending) {
        written[index] = true;
        if (item.outcome.status === "WAITING" && item.outcome.until) announceTimer(item.outcome.until);
      }
      if (applied) afterPlan(applied, options.dispatcher);
      else {
        announceExecutionChanged(executionId);
        wakeEngine();
      }
      return { written, stale: false };
    } catch (error) {
      if (reservation.count > 0) options.dispatcher?.release(reservation.count);
      if (error instanceof StaleState) return { written, stale: true };
      // One result was late or a duplicate: it changes nothing; the others are written without it.
      if (error instanceof NotOurs && error.index >= 0) pending = pending.filter((entry) => entry.index !== error.index);
      else throw error;
    }
  }
  return { written, stale: false };
}

/** What is known of an attempt, read when the caller has nothing (a worker's result). */
export async function readKnownRun(db: Db, taskRunId: string): Promise<KnownRun | null> {
  const row = await db.taskRun.findUnique({
    where: { id: taskRunId },
    // The task type and workflow name label the metrics; read in the same statement (a join by key).
    select: { executionId: true, taskKey: true, mapIndex: true, attempt: true, startedAt: true, taskType: true, execution: { select: { workflowName: true } } },
  });
  if (!row) return null;
  const { execution, ...run } = row;
  return { ...run, workflow: execution.workflowName };
}

/** One attempt's outcome (see recordOutcomes); false when it was late or a duplicate. */
export async function recordAttemptOutcome(
  db: Db,
  holder: Holder,
  outcome: AttemptOutcome,
  extra: OutcomeExtra & { now?: Date; run?: KnownRun; state?: ExecutionState; dispatcher?: Dispatcher } = {},
): Promise<boolean> {
  const run = extra.run ?? (await readKnownRun(db, holder.taskRunId));
  if (!run) return false;
  const recorded = await recordOutcomes(db, [{ holder, outcome, extra, run }], { state: extra.state, dispatcher: extra.dispatcher, now: extra.now });
  return recorded.written[0]!;
}
