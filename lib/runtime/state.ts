import type { TaskRunError } from "@/lib/engine/types";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import type { ExecutionRow, TaskRunRow } from "@/lib/runtime/snapshots";

/** A claimed attempt: its id and its execution's (so the runner loads both in one go). */
export type ClaimedAttempt = { id: string; executionId: string; /** Set when claimed by claimDueTasks: the lease it took. */ leaseExpiresAt?: Date };

/** What an attempt's holder reports (a runner or an external worker). */
export type AttemptOutcome =
  | { status: "COMPLETED"; output: unknown }
  | { status: "FAILED"; error: TaskRunError }
  | { status: "SKIPPED"; reason: string }
  | { status: "WAITING"; until: Date | null; output?: unknown };

/** Who holds an attempt: the engine or worker named in its lockedBy. */
export type Holder = { taskRunId: string; lockedBy: string };

/** What the caller already knows of the attempt (saves a read on the hot path). */
export type KnownRun = {
  executionId: string;
  taskKey: string;
  mapIndex: number;
  attempt: number;
  startedAt: Date | null;
  /** For the metrics' labels (lib/metrics): the attempt's task type and its execution's workflow, when known. */
  taskType?: string;
  workflow?: string;
};

/** What an attempt's holder reports besides the outcome. */
export type OutcomeExtra = { input?: unknown; startedAt?: Date; actor?: string };

/** One attempt's outcome, with what is known of the attempt. */
export type OutcomeItem = { holder: Holder; outcome: AttemptOutcome; extra?: OutcomeExtra; run: KnownRun };

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
  /**
   * Most steps run ahead in one transaction (lib/runtime/writes/decision-step.ts): attempts it
   * claimed that are quick in-process work are run before the commit. 0: none.
   */
  readonly inlineSteps: number;
  /** Reserved slots whose attempts ran inside the transaction (they are given back, and counted as run). */
  ranInline(count: number): void;
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

const positions = new WeakMap<readonly TaskRunRow[], Map<string, number>>();

/**
 * The attempt `id` of a state's runs, through an index of positions per runs array: a map of n
 * items looks up each of its n claimed items in the same state, and a scan per lookup made that
 * O(n²). The array a decision step hands over is its RunWriter's, which may still replace rows in
 * place or append: the row is read at its position and checked, and a miss re-indexes.
 */
export function runById(runs: readonly TaskRunRow[], id: string): TaskRunRow | undefined {
  const at = positions.get(runs)?.get(id);
  if (at !== undefined && runs[at]?.id === id) return runs[at];
  const index = new Map(runs.map((run, i) => [run.id, i]));
  positions.set(runs, index);
  const found = index.get(id);
  return found === undefined ? undefined : runs[found];
}
