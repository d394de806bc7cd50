/**
 * An operator pauses or resumes an execution: transitionExecution's move, under the version the
 * operator's checks were made on, with an event that records who and why.
 */
import { transitionExecution } from "@/lib/engine/transitions";
import type { ExecutionStatus } from "@/lib/engine/statuses";
import { guardVersion } from "./execution-row";
import type { HotTx } from "./types";

export type OperatorMove = {
  execution: { id: string; version: number; status: ExecutionStatus };
  actor: string;
  reason: string | null;
  now: Date;
};

/**
 * RUNNING → PAUSED: attempts already running finish and are recorded; nothing new starts (decide
 * schedules nothing while PAUSED, claims take only RUNNING executions' attempts).
 */
export async function pause(tx: HotTx, move: OperatorMove): Promise<void> {
  const moved = transitionExecution(move.execution.status, "pause", move.now);
  if (!moved.ok) throw new Error(moved.error.message);
  await guardVersion(tx, move.execution.id, move.execution.version, { status: moved.status });
  await tx.insertEvents([{ executionId: move.execution.id, type: "EXECUTION_PAUSED", actor: move.actor, reason: move.reason, createdAt: move.now }]);
}

/** PAUSED → RUNNING, decided at once: due work starts, deferred retries are scheduled. */
export async function resume(tx: HotTx, move: OperatorMove): Promise<void> {
  const moved = transitionExecution(move.execution.status, "resume", move.now);
  if (!moved.ok) throw new Error(moved.error.message);
  await guardVersion(tx, move.execution.id, move.execution.version, { status: moved.status, nextDecisionAt: move.now });
  await tx.insertEvents([{ executionId: move.execution.id, type: "EXECUTION_RESUMED", actor: move.actor, reason: move.reason, createdAt: move.now }]);
}
