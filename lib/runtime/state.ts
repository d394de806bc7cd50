import type { WorkflowDefinition } from "@/lib/workflow/schema";
import type { ClaimedAttempt } from "@/lib/runtime/claims";
import type { OutcomeItem } from "@/lib/runtime/results";
import type { ExecutionRow, TaskRunRow } from "@/lib/runtime/snapshots";

/**
 * What an engine knows of one execution: its row and every attempt row exactly as stored at
 * `execution.version`. Rows are never mutated (a change makes a new row object), so caches keyed
 * by row (the decider's snapshots) stay valid. A state is only ever acted on under the version
 * guard: if the stored version moved, the state is stale and the caller falls back to the database.
 */
export type ExecutionState = {
  readonly execution: ExecutionRow;
  readonly runs: readonly TaskRunRow[];
  readonly definition: WorkflowDefinition;
};

/**
 * The engine side of "create attempts already claimed, run them at once": a decision step asks for
 * free runner slots, creates that many due attempts locked by this engine, and after its commit
 * hands them over with the state they were created in — no claim query, no poll, no re-read.
 */
export interface Dispatcher {
  readonly engineId: string;
  readonly leaseMs: number;
  readonly shellEnabled: boolean;
  /** Takes up to `wanted` runner slots; returns how many it got. */
  reserve(wanted: number): number;
  /** Gives back reserved slots that were not used (the transaction failed). */
  release(count: number): void;
  /** Runs a reserved, committed attempt (consumes one reserved slot). */
  run(attempt: ClaimedAttempt, state: ExecutionState): void;
  /**
   * Records an attempt's outcome through this engine's queue for its execution: outcomes of one
   * execution are written one transaction at a time (together when several are waiting), each
   * deciding on the newest state this engine stored, so siblings of a fan-out do not race for the
   * version. False when the result was late or a duplicate.
   */
  record(item: OutcomeItem, state?: ExecutionState): Promise<boolean>;
  /** A state this engine just stored (the newest is used for the next outcome of its execution). */
  remember(state: ExecutionState): void;
}

/** The state with one attempt row replaced (same id). */
export function withRun(state: ExecutionState, row: TaskRunRow): ExecutionState {
  return { ...state, runs: state.runs.map((run) => (run.id === row.id ? row : run)) };
}
