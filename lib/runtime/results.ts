import type { Db } from "@/lib/db/client";
import type { TaskRunError } from "@/lib/engine/types";
import { announceExecutionChanged, announceTimer, wakeEngine } from "@/lib/runtime/bus";
import { type NewEvent } from "@/lib/runtime/events";
import { toJsonText } from "@/lib/runtime/json";
import { afterPlan, applyPlan, engineTransaction, needsPrisma, planExecutionData, planStep, type Reservation, type Tx } from "@/lib/runtime/step";
import { withRun, type Dispatcher, type ExecutionState } from "@/lib/runtime/state";
import type { TaskRunRow } from "@/lib/runtime/snapshots";
import type { RunPatch } from "@/lib/runtime/store";

export type AttemptOutcome =
  | { status: "COMPLETED"; output: unknown }
  | { status: "FAILED"; error: TaskRunError }
  | { status: "SKIPPED"; reason: string }
  | { status: "WAITING"; until: Date | null; output?: unknown };

type Holder = { taskRunId: string; lockedBy: string };

/** Statuses in which an attempt can still end (its holder may write a result). */
const LIVE_ATTEMPT = ["SCHEDULED", "RETRYING", "RUNNING"] as const;
/** Statuses in which an attempt can still start. */
const DUE_ATTEMPT = ["SCHEDULED", "RETRYING"] as const;

/** What the caller already knows of the attempt (saves a read on the hot path). */
export type KnownRun = { executionId: string; taskKey: string; mapIndex: number; attempt: number; startedAt: Date | null };

/**
 * Thrown inside a transaction when the attempt it acts on is no longer ours (lease reaped,
 * cancelled, a duplicate result): the transaction rolls back and changes nothing. Transactions
 * write the execution row before the attempt (lock order Execution → TaskRun, as decision steps
 * and operations do, so PostgreSQL never sees the two orders deadlock), which is why the fence is
 * checked second and a miss must undo the first write.
 */
export class NotOurs extends Error {
  /** Which of several results it was (recordOutcomes), or -1. */
  constructor(readonly index = -1) {
    super("the attempt is no longer held by its reporter");
  }
}

/** Runs `work` in a transaction; false (and nothing written) if it threw NotOurs. */
export async function ifStillOurs(db: Db, work: (tx: Tx) => Promise<unknown>): Promise<boolean> {
  try {
    await db.$transaction(async (tx) => {
      await work(tx);
    });
    return true;
  } catch (error) {
    if (error instanceof NotOurs) return false;
    throw error;
  }
}

/** What an attempt's holder reports besides the outcome. */
export type OutcomeExtra = { input?: unknown; startedAt?: Date; actor?: string; logs?: unknown };

/** One attempt's outcome, with what is known of the attempt. */
export type OutcomeItem = { holder: Holder; outcome: AttemptOutcome; extra?: OutcomeExtra; run: KnownRun };

/** The state given was not the stored one and the caller asked not to fall back (it reloads and retries). */
class StaleState extends Error {}

/** The attempt's patch (the same object goes to the database and into the engine's state) and its events. */
function prepareOutcome({ holder, outcome, extra = {}, run }: OutcomeItem, now: Date): { patch: RunPatch; events: NewEvent[] } {
  const ended = outcome.status !== "WAITING";
  const patch: RunPatch = {
    status: outcome.status,
    // An ended attempt keeps lockedBy as the record of who ran it (the monitor shows it); no
    // claim looks at lockedBy of an ended attempt. A waiting one is released for its timer.
    ...(outcome.status === "WAITING" ? { lockedBy: null } : {}),
    leaseExpiresAt: null,
    startedAt: run.startedAt ?? extra.startedAt ?? now,
    ...(ended ? { endedAt: now } : {}),
    nextRunAt: outcome.status === "FAILED" ? now : outcome.status === "WAITING" ? outcome.until : null,
    ...(extra.input !== undefined ? { input: toJsonText(extra.input) } : {}),
    ...(extra.logs !== undefined ? { logs: toJsonText(extra.logs) } : {}),
    ...(outcome.status === "COMPLETED" || (outcome.status === "WAITING" && outcome.output !== undefined) ? { output: toJsonText(outcome.output ?? null) } : {}),
    ...(outcome.status === "FAILED" ? { error: toJsonText(outcome.error) } : {}),
  };
  const base = { executionId: run.executionId, taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: holder.taskRunId, actor: extra.actor ?? "engine", createdAt: now };
  const events: NewEvent[] = [];
  if (!run.startedAt && outcome.status !== "SKIPPED") events.push({ ...base, type: "TASK_STARTED", payload: { attempt: run.attempt } });
  if (outcome.status === "COMPLETED") events.push({ ...base, type: "TASK_COMPLETED", payload: { attempt: run.attempt } });
  if (outcome.status === "FAILED") events.push({ ...base, type: "TASK_FAILED", payload: { attempt: run.attempt, ...outcome.error } });
  if (outcome.status === "SKIPPED") events.push({ ...base, type: "TASK_SKIPPED", reason: outcome.reason });
  if (outcome.status === "WAITING") events.push({ ...base, type: "TASK_WAITING", payload: outcome.until ? { until: outcome.until.toISOString() } : undefined });
  return { patch, events };
}

export type RecordedOutcomes = {
  /** Per item: whether its outcome was written (false: a late or duplicate result, nothing changed). */
  written: boolean[];
  /** The given state was stale and `fallback` was false: nothing was written. */
  stale: boolean;
};

/**
 * Writes the outcomes of attempts of ONE execution in one transaction, each fenced by its lease:
 * only the holder named in `lockedBy` can end an attempt, and only while it is still live. A late
 * or duplicate result (the lease was reaped, an operator cancelled the task, the same worker
 * reported twice) changes nothing and is reported as not written. A FAILED attempt keeps
 * nextRunAt = now ("unsettled"): the next decision retries it or fails the task for good.
 *
 * With `state` (what the engine knows of the execution, see ExecutionState) the decision step runs
 * in the same transaction: the execution row is updated only if its version is still the state's,
 * and the decider's commands for the state with these outcomes are applied at once — a chain moves
 * on to its next task, and a fan-out's finished branches are taken in together, without a second
 * transaction, a claim or a poll. Otherwise (no state, or a stale one and `fallback`) the execution
 * is marked for a decision step, its version bumped so a step in flight re-reads. Either way the
 * execution row is written first (lock order Execution → TaskRun everywhere).
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
      const applied = await engineTransaction(db, inline !== null && plan !== null && needsPrisma(inline, plan), async (tx, prismaTx) => {
        const guarded = inline !== null && plan !== null && (await tx.guardExecution(executionId, inline.execution.version, planExecutionData(plan, inline.execution)));
        if (!guarded && options.fallback === false) throw new StaleState();
        if (!guarded) await tx.bumpExecution(executionId, { nextDecisionAt: now });
        for (const { item, patch, index } of pending) {
          if (!(await tx.updateRun(item.holder.taskRunId, { lockedBy: item.holder.lockedBy, statuses: LIVE_ATTEMPT }, patch))) throw new NotOurs(index);
        }
        const result = guarded ? await applyPlan(tx, prismaTx, inline!, plan!, now, events, options.dispatcher, reservation) : null;
        await tx.insertEvents(events);
        return result;
      });
      for (const { index, item } of pending) {
        written[index] = true;
        if (item.outcome.status === "WAITING" && item.outcome.until) announceTimer(item.outcome.until);
      }
      if (applied && plan) afterPlan(plan, applied, options.dispatcher);
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

/** The state with the outcomes' patches applied, in one pass; null if it lacks one of their attempts. */
function withOutcomes(state: ExecutionState, outcomes: readonly { item: OutcomeItem; patch: RunPatch }[], now: Date): ExecutionState | null {
  const patches = new Map(outcomes.map(({ item, patch }) => [item.holder.taskRunId, patch]));
  let found = 0;
  const runs = state.runs.map((row) => {
    const patch = patches.get(row.id);
    if (!patch) return row;
    found++;
    return { ...row, ...patch, updatedAt: now } as TaskRunRow;
  });
  return found === patches.size ? { ...state, runs } : null;
}

/** One attempt's outcome (see recordOutcomes); false when it was late or a duplicate. */
export async function recordAttemptOutcome(
  db: Db,
  holder: Holder,
  outcome: AttemptOutcome,
  extra: OutcomeExtra & { now?: Date; run?: KnownRun; state?: ExecutionState; dispatcher?: Dispatcher } = {},
): Promise<boolean> {
  const run = extra.run ?? (await db.taskRun.findUnique({ where: { id: holder.taskRunId }, select: { executionId: true, taskKey: true, mapIndex: true, attempt: true, startedAt: true } }));
  if (!run) return false;
  const recorded = await recordOutcomes(db, [{ holder, outcome, extra, run }], { state: extra.state, dispatcher: extra.dispatcher, now: extra.now });
  return recorded.written[0]!;
}

/** The execution needs a decision now; its version moves so a step in flight re-reads the state. */
export async function markForDecision(tx: Tx, executionId: string, now: Date): Promise<void> {
  await tx.execution.update({ where: { id: executionId }, data: { nextDecisionAt: now, version: { increment: 1 } } });
}

/**
 * Takes the execution's row lock (and moves its version) before events are appended. Every
 * transaction that writes events of an execution does this first, so on PostgreSQL their event ids
 * are allocated in commit order per execution and a reader following `id > cursor` (the SSE
 * stream) can never miss one that commits late.
 */
export async function lockExecution(tx: Tx, executionId: string): Promise<void> {
  await tx.execution.update({ where: { id: executionId }, data: { version: { increment: 1 } } });
}

/**
 * The execution must be decided again by `at` (a running attempt's start-to-close or heartbeat
 * deadline): moves nextDecisionAt earlier, never later. Why: decide computes these deadlines only
 * from a RUNNING attempt's startedAt, and an attempt goes RUNNING outside any decision step, so
 * without this the timeout would only be noticed when something else woke the execution (for a
 * hanging call: never). Call after lockExecution, which holds the row on PostgreSQL.
 */
export async function decideNoLaterThan(tx: Tx, executionId: string, at: Date): Promise<void> {
  await tx.execution.updateMany({ where: { id: executionId, OR: [{ nextDecisionAt: null }, { nextDecisionAt: { gt: at } }] }, data: { nextDecisionAt: at } });
}

/**
 * Marks an attempt RUNNING before work with side effects starts (an HTTP call, a command, a child).
 * `deadline`: when its start-to-close (or heartbeat) timeout falls due, so the engine decides then.
 * With `state`, returns the state as stored afterwards, or no state if the stored version had moved.
 */
export async function markAttemptRunning(
  db: Db,
  holder: Holder,
  params: { now: Date; leaseUntil: Date | null; input?: unknown; deadline?: Date | null; run?: KnownRun; state?: ExecutionState },
): Promise<{ started: boolean; state?: ExecutionState }> {
  const { now, leaseUntil, input, deadline } = params;
  const run = params.run ?? (await db.taskRun.findUnique({ where: { id: holder.taskRunId }, select: { executionId: true, taskKey: true, mapIndex: true, attempt: true, startedAt: true } }));
  if (!run) return { started: false };
  const patch = {
    status: "RUNNING",
    startedAt: now,
    nextRunAt: null,
    leaseExpiresAt: leaseUntil,
    ...(leaseUntil === null ? { lockedBy: null } : {}),
    ...(input !== undefined ? { input: toJsonText(input) } : {}),
  };
  const state = params.state?.execution.id === run.executionId ? params.state : undefined;
  try {
    const current = await engineTransaction(db, false, async (tx) => {
      const current = state ? await tx.guardExecution(run.executionId, state.execution.version, {}) : false;
      if (!current) await tx.bumpExecution(run.executionId, {});
      if (!(await tx.updateRun(holder.taskRunId, { lockedBy: holder.lockedBy, statuses: DUE_ATTEMPT }, patch))) throw new NotOurs();
      if (deadline) await tx.decideNoLaterThan(run.executionId, deadline);
      await tx.insertEvents([
        { executionId: run.executionId, type: "TASK_STARTED", taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: holder.taskRunId, createdAt: now, payload: { attempt: run.attempt } },
      ]);
      return current;
    });
    if (!current || !state) return { started: true };
    const stored = state.runs.find((row) => row.id === holder.taskRunId);
    if (!stored) return { started: true };
    const { execution } = state;
    const nextDecisionAt = deadline && (execution.nextDecisionAt === null || execution.nextDecisionAt > deadline) ? deadline : execution.nextDecisionAt;
    const next = withRun(state, { ...stored, ...patch, updatedAt: now });
    return { started: true, state: { ...next, execution: { ...execution, version: execution.version + 1, nextDecisionAt, updatedAt: now } } };
  } catch (error) {
    if (error instanceof NotOurs) return { started: false };
    throw error;
  }
}

export function errorOf(code: string, message: string, details?: unknown): TaskRunError {
  return details === undefined ? { code, message } : { code, message, details: details as TaskRunError["details"] };
}
