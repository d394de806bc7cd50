/**
 * The execution row's part of every transition, written once: the optimistic guard, and "mark for
 * decision". Every transaction that changes an execution's attempts or history writes the
 * execution row FIRST — lock order Execution → TaskRun everywhere, so PostgreSQL never sees two
 * transactions take the two rows in opposite orders (a deadlock) — and moves its version, so a
 * decision step in flight on an older state fails its guard and decides again on fresh state.
 */
import { StaleExecutionError } from "./transaction";
import type { ExecutionPatch, HotTx } from "./types";

/**
 * Writes `patch` and moves the version only if nobody changed the execution since `version` was
 * read; otherwise throws StaleExecutionError (the caller reloads and runs again).
 */
export async function guardVersion(tx: HotTx, executionId: string, version: number, patch: ExecutionPatch = {}): Promise<void> {
  if (!(await tx.guardExecution(executionId, version, patch))) throw new StaleExecutionError(executionId);
}

/**
 * Nothing to decide until `at` (null: never, a finished execution): writes nextDecisionAt WITHOUT
 * moving the version — nothing changed, so the state the engine holds stays current — if the
 * version is still `version`. False if it moved (the caller decides again on fresh state).
 */
export function deferDecision(tx: HotTx, executionId: string, version: number, at: Date | null): Promise<boolean> {
  return tx.guardExecution(executionId, version, { nextDecisionAt: at }, false);
}

/**
 * A child's transaction that may settle or end its parent takes the parent's row lock before the
 * child's own: parent before children, the order in which terminating a parent's tree locks them,
 * so PostgreSQL never sees the two orders (a deadlock). Nothing to do for a root (null).
 */
export async function lockParent(tx: HotTx, parentExecutionId: string | null | undefined): Promise<void> {
  if (parentExecutionId) await tx.bumpExecution(parentExecutionId, {});
}

/** A decision step failed (not on a stale state: a bug, the database): try again at `at`, not in a hot loop. */
export function postponeDecision(tx: HotTx, executionId: string, at: Date): Promise<void> {
  return tx.bumpExecution(executionId, { nextDecisionAt: at });
}

/** The execution needs a decision now; its version moves so a step in flight re-reads the state. */
export function markForDecision(tx: HotTx, executionId: string, now: Date): Promise<void> {
  return tx.bumpExecution(executionId, { nextDecisionAt: now });
}

/**
 * Takes the execution's row lock (and moves its version) before events are appended without a
 * decision being due. On PostgreSQL the event ids of one execution are then allocated in commit
 * order, so a reader following `id > cursor` (the SSE stream) can never miss one that commits late.
 */
export function lockExecution(tx: HotTx, executionId: string): Promise<void> {
  return tx.bumpExecution(executionId, {});
}

/**
 * The execution must be decided again by `at` (a running attempt's start-to-close or heartbeat
 * deadline): moves nextDecisionAt earlier, never later. Why: decide computes these deadlines only
 * from a RUNNING attempt's startedAt, and an attempt goes RUNNING outside any decision step, so
 * without this the timeout would only be noticed when something else woke the execution (for a
 * hanging call: never). Call after the row is locked (markForDecision / lockExecution / a guard).
 */
export function decideNoLaterThan(tx: HotTx, executionId: string, at: Date): Promise<void> {
  return tx.decideNoLaterThan(executionId, at);
}
