/**
 * An attempt the engine claimed starts: it goes RUNNING before any work with side effects (an HTTP
 * call, a command, a child execution, a map's items), so a crash mid-work is seen as a started
 * attempt (reaped into a timeout and a counted retry) rather than silently run twice. Or, for a
 * worker task, it is prepared for external workers (input set, claim released). Or, when the
 * database failed the runner, its claim is given back. Each is fenced by the engine's claim
 * (fence.ts claimedBy) and writes the execution row first.
 */
import type { Db } from "@/lib/db/client";
import { movePatch } from "@/lib/engine/patches";
import { announceExecutionChanged, wakeEngine } from "@/lib/runtime/bus";
import { toJsonText } from "@/lib/runtime/json";
import type { MapRunInput } from "@/lib/runtime/snapshots";
import { withRun, type ExecutionState, type Holder, type KnownRun } from "@/lib/runtime/state";
import { rowColumns } from "./columns";
import { decideNoLaterThan, lockExecution, markForDecision } from "./execution-row";
import { claimedBy, NotOurs } from "./fence";
import { insertNewExecution, newExecutionRow } from "./start-execution";
import { writeTransaction } from "./transaction";
import type { HotTx, RunPatch } from "./types";

/** SCHEDULED / RETRYING → RUNNING, as the pure table has it. */
function startColumns(now: Date): RunPatch {
  const moved = movePatch("SCHEDULED", "start", now);
  if (!moved.ok) throw new Error(moved.error.message);
  return rowColumns(moved.patch);
}

/** Runs `work` in a fast-path transaction; false (nothing written) if the claim was no longer ours. */
async function ifStillOurs(db: Db, work: (tx: HotTx) => Promise<void>): Promise<boolean> {
  try {
    await writeTransaction(db, false, work);
    return true;
  } catch (error) {
    if (error instanceof NotOurs) return false;
    throw error;
  }
}

/**
 * Marks an attempt RUNNING before work with side effects starts. `leaseUntil`: how long the
 * engine's claim lasts while it runs (null: nobody holds it, decide drives it). `deadline`: when
 * its start-to-close (or heartbeat) timeout falls due, so the engine decides then. With `state`,
 * returns the state as stored afterwards, or no state if the stored version had moved.
 */
export async function markAttemptRunning(
  db: Db,
  holder: Holder,
  params: { now: Date; leaseUntil: Date | null; input?: unknown; deadline?: Date | null; run: KnownRun; state?: ExecutionState },
): Promise<{ started: boolean; state?: ExecutionState }> {
  const { now, leaseUntil, input, deadline, run } = params;
  const patch: RunPatch = {
    ...startColumns(now),
    leaseExpiresAt: leaseUntil,
    ...(leaseUntil === null ? { lockedBy: null } : {}),
    ...(input !== undefined ? { input: toJsonText(input) } : {}),
  };
  const state = params.state?.execution.id === run.executionId ? params.state : undefined;
  try {
    const current = await writeTransaction(db, false, async (tx) => {
      const current = state ? await tx.guardExecution(run.executionId, state.execution.version, {}) : false;
      if (!current) await lockExecution(tx, run.executionId);
      if (!(await tx.updateRun(holder.taskRunId, claimedBy(holder.lockedBy), patch))) throw new NotOurs();
      if (deadline) await decideNoLaterThan(tx, run.executionId, deadline);
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
    const next = withRun(state, { ...stored, ...patch, updatedAt: now } as typeof stored);
    return { started: true, state: { ...next, execution: { ...execution, version: execution.version + 1, nextDecisionAt, updatedAt: now } } };
  } catch (error) {
    if (error instanceof NotOurs) return { started: false };
    throw error;
  }
}

/** A map starts: RUNNING with its list of items and no lease (decide drives the items). */
export async function startMapAttempt(db: Db, holder: Holder, run: KnownRun, input: MapRunInput): Promise<boolean> {
  const now = new Date();
  const ok = await ifStillOurs(db, async (tx) => {
    await markForDecision(tx, run.executionId, now);
    const patch: RunPatch = { ...startColumns(now), lockedBy: null, leaseExpiresAt: null, input: toJsonText(input) };
    if (!(await tx.updateRun(holder.taskRunId, claimedBy(holder.lockedBy), patch))) throw new NotOurs();
    await tx.insertEvents([
      { executionId: run.executionId, type: "TASK_STARTED", taskKey: run.taskKey, taskRunId: holder.taskRunId, createdAt: now, payload: { attempt: run.attempt, items: input.items.length } },
    ]);
  });
  if (ok) {
    announceExecutionChanged(run.executionId);
    wakeEngine();
  }
  return ok;
}

/** The tree a child joins is full (lib/runtime/tree-limits.ts): nothing was written. */
class TreeFull extends Error {}

/**
 * A subworkflow attempt (or a map item running a workflow) starts: RUNNING, no lease (the child
 * settles it, settle-parent.ts), and its child execution is created in the same transaction, linked
 * both ways, one level deeper than its parent in the parent's tree. `deadline` wakes the parent at
 * the attempt's start-to-close timeout. The tree's root counts the child first (its row lock
 * before the parent's: an ancestor before its descendants, as everywhere); "tree-full" when the
 * tree already has `tree.maxExecutions` executions, and nothing is written.
 */
export async function startChildAttempt(
  db: Db,
  holder: Holder,
  run: KnownRun,
  child: { id: string; definition: { id: string; name: string; version: number }; input: unknown; deadline: Date | null },
  tree: { rootExecutionId: string; parentDepth: number; maxExecutions: number },
): Promise<"started" | "not-ours" | "tree-full"> {
  const now = new Date();
  let ok: boolean;
  try {
    ok = await ifStillOurs(db, async (tx) => {
      if (!(await tx.countInTree(tree.rootExecutionId, tree.maxExecutions))) throw new TreeFull();
      await lockExecution(tx, run.executionId);
      const patch: RunPatch = { ...startColumns(now), lockedBy: null, leaseExpiresAt: null, input: toJsonText(child.input), output: toJsonText({ childExecutionId: child.id }) };
      if (!(await tx.updateRun(holder.taskRunId, claimedBy(holder.lockedBy), patch))) throw new NotOurs();
      if (child.deadline) await decideNoLaterThan(tx, run.executionId, child.deadline);
      await tx.insertEvents([
        { executionId: run.executionId, type: "TASK_STARTED", taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: holder.taskRunId, createdAt: now, payload: { attempt: run.attempt, childExecutionId: child.id } },
      ]);
      const parent = { executionId: run.executionId, taskRunId: holder.taskRunId, depth: tree.parentDepth, rootExecutionId: tree.rootExecutionId };
      const row = newExecutionRow({ id: child.id, definition: child.definition, input: child.input, parent, createdBy: "engine", now });
      await insertNewExecution(tx, row, { parentExecutionId: run.executionId, parentTaskKey: run.taskKey });
    });
  } catch (error) {
    if (error instanceof TreeFull) return "tree-full";
    throw error;
  }
  if (ok) {
    announceExecutionChanged(run.executionId);
    wakeEngine();
  }
  return ok ? "started" : "not-ours";
}

/**
 * A worker task's attempt is ready for external workers: its input (what they receive) is set and
 * the engine's claim released, so a worker's poll (claim.ts claimWorkerTasks) may take it.
 */
export async function prepareForWorkers(db: Db, holder: Holder, executionId: string, input: unknown): Promise<boolean> {
  const prepared = await ifStillOurs(db, async (tx) => {
    if (!(await tx.updateRun(holder.taskRunId, claimedBy(holder.lockedBy), { input: toJsonText(input), lockedBy: null, leaseExpiresAt: null }))) throw new NotOurs();
  });
  if (prepared) announceExecutionChanged(executionId);
  return prepared;
}

/**
 * The database failed a runner (pool exhausted, connection lost), not the task, or the engine is
 * stopping (Engine.stop): the claim is given back so the attempt runs again at once. An attempt already RUNNING (side effects started) is left to its
 * lease: the reaper counts it as timed out, then retries.
 */
export async function releaseClaim(db: Db, holder: Holder): Promise<void> {
  await ifStillOurs(db, async (tx) => {
    if (!(await tx.updateRun(holder.taskRunId, claimedBy(holder.lockedBy), { lockedBy: null, leaseExpiresAt: null }))) throw new NotOurs();
  });
}
