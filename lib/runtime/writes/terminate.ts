/**
 * Ending an execution early, with everything it still holds: its live attempts are cancelled (a
 * holder's late result is then refused by its fence), the tasks it never reached get a CANCELLED
 * first attempt (never PENDING forever: lib/engine/never-started.ts), and its live child executions terminated,
 * recursively, level by level in bulk. One module for the three ways it happens: an operator's terminate, a terminate
 * task, and a parent attempt that was cancelled or timed out (its children go with it).
 */
import type { Db } from "@/lib/db/client";
import { transitionExecution } from "@/lib/engine/transitions";
import { isExecutionStatus, type TaskStatus } from "@/lib/engine/statuses";
import { movePatch } from "@/lib/engine/patches";
import { neverStartedTasks } from "@/lib/engine/never-started";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import type { EventLabels, NewEvent } from "@/lib/runtime/events";
import { toJsonText } from "@/lib/runtime/json";
import { rowColumns } from "./columns";
import { newAttemptRow } from "./create-attempts";
import { lockParent } from "./execution-row";
import { claimedBy, stillIn } from "./fence";
import { settleParentOfFinishedExecution } from "./settle-parent";
import { fullTransaction, StaleExecutionError } from "./transaction";
import type { LiveRun, RunPatch, WriteTx } from "./types";

/**
 * About how many rows (executions and their live attempts) one transaction of an operator's
 * terminate ends (FLOWDECK_TERMINATE_BATCH_SIZE, default 300; an execution's attempts are never
 * split, so one with more live attempts is a batch of its own): a tree of 10,000 is ended in short
 * transactions, so other requests (health, other executions) get the database between them.
 */
export function terminateBatchSize(): number {
  const value = Number(process.env.FLOWDECK_TERMINATE_BATCH_SIZE ?? 300);
  return Number.isInteger(value) && value > 0 ? value : 300;
}

/** Ids per IN list and rows per bulk insert (under SQLite's bound parameters). */
const CHUNK = 500;

function chunked<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Cancels the attempts (each from the status it has), their holders losing them. */
async function cancelRuns(tx: WriteTx, runs: readonly LiveRun[], now: Date): Promise<void> {
  const byStatus = new Map<string, string[]>();
  for (const run of runs) byStatus.set(run.status, [...(byStatus.get(run.status) ?? []), run.id]);
  for (const [status, ids] of byStatus) {
    const moved = movePatch(status as TaskStatus, "cancel", now);
    if (!moved.ok) throw new Error(moved.error.message);
    const patch: RunPatch = { ...rowColumns(moved.patch), lockedBy: null, leaseExpiresAt: null };
    for (const part of chunked(ids)) await tx.updateRuns(part, stillIn(status as TaskStatus), patch);
  }
}

/**
 * The tasks these ended executions never reached get a first attempt, CANCELLED (never-started.ts:
 * the same move decide's terminal sweep makes), so no task of an ended execution stays PENDING.
 * Returns the rows created, for their events, and each execution's labels for the metrics (read
 * with the definitions, so ending them costs no read of its own).
 */
async function cancelNeverStarted(
  tx: WriteTx,
  executionIds: readonly string[],
  now: Date,
): Promise<{ rows: { id: string; executionId: string; taskKey: string }[]; labels: Map<string, EventLabels> }> {
  const labels = new Map<string, EventLabels>();
  if (executionIds.length === 0) return { rows: [], labels };
  const moved = movePatch("PENDING", "cancel", now);
  if (!moved.ok) throw new Error(moved.error.message);
  const columns = { ...rowColumns(moved.patch), lockedBy: null, leaseExpiresAt: null };
  const started = new Map<string, Set<string>>();
  for (const { executionId, taskKey } of await tx.startedTasksOf(executionIds)) {
    const keys = started.get(executionId) ?? new Set<string>();
    keys.add(taskKey);
    started.set(executionId, keys);
  }
  // A tree's executions mostly share a few definitions: each is parsed once.
  const parsed = new Map<string, WorkflowDefinition>();
  const rows = [];
  for (const { executionId, definitionId, definition, workflowName, startedAt, createdAt } of await tx.definitionsOf(executionIds)) {
    labels.set(executionId, { workflow: workflowName, startedAt: startedAt ?? createdAt });
    let pinned = parsed.get(definitionId);
    if (!pinned) parsed.set(definitionId, (pinned = JSON.parse(definition) as WorkflowDefinition));
    for (const taskKey of neverStartedTasks(pinned, started.get(executionId) ?? new Set())) {
      rows.push(newAttemptRow(executionId, pinned, { taskKey, mapIndex: -1, attempt: 1 }, columns, now));
    }
  }
  for (const part of chunked(rows, 200)) await tx.insertRuns(part);
  return { rows, labels };
}

async function insertEventsChunked(tx: WriteTx, events: readonly NewEvent[]): Promise<void> {
  for (const part of chunked(events)) await tx.insertEvents(part);
}

/**
 * Terminates the executions of `queue` in its order (an execution before its children: lock
 * order) until about `budget` rows are written: each live one TERMINATED (its row first), its live
 * attempts CANCELLED, their events (by `actorOf` the execution), in bulk by chunks sized on the
 * attempts per execution seen so far. Returns what is left: the executions not reached, then the
 * live children of those terminated. A child started concurrently cannot escape: its
 * start locks its parent's row and is fenced by the parent's attempt (start-attempt.ts), so it
 * either committed before the parent was terminated here (and is found as a live child) or fails.
 */
async function terminateQueue(tx: WriteTx, queue: readonly string[], now: Date, reason: string, actorOf: (executionId: string) => string, budget: number): Promise<string[]> {
  const pending = [...queue];
  const error = toJsonText({ code: "TERMINATED", message: reason });
  let rows = 0;
  // Rows per execution (itself and its live attempts), as seen in the last chunk: sizes the next
  // one (the first chunk is one execution).
  let rowsPerExecution = Number.isFinite(budget) ? budget : 1;
  while (pending.length > 0 && rows < budget) {
    const size = Math.max(1, Math.min(CHUNK, Math.floor((budget - rows) / rowsPerExecution)));
    const batch = pending.splice(0, size);
    const terminated: string[] = [];
    for (const id of batch) if (await tx.endLiveExecution(id, { status: "TERMINATED", endedAt: now, nextDecisionAt: null, error })) terminated.push(id);
    rows += batch.length;
    if (terminated.length === 0) continue;
    const runs = await tx.liveRunsOf(terminated);
    rows += runs.length;
    rowsPerExecution = Math.max(1, (terminated.length + runs.length) / terminated.length);
    await cancelRuns(tx, runs, now);
    const { rows: unreached, labels } = await cancelNeverStarted(tx, terminated, now);
    rows += unreached.length;
    await insertEventsChunked(tx, [
      ...runs.map((run) => ({ executionId: run.executionId, type: "TASK_CANCELLED", taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: run.id, actor: actorOf(run.executionId), reason, createdAt: now })),
      ...unreached.map((run) => ({ executionId: run.executionId, type: "TASK_CANCELLED", taskKey: run.taskKey, mapIndex: -1, taskRunId: run.id, actor: actorOf(run.executionId), reason, createdAt: now, payload: { neverStarted: true } })),
      ...terminated.map((executionId) => ({ executionId, type: "EXECUTION_TERMINATED", actor: actorOf(executionId), reason, createdAt: now, labels: labels.get(executionId) })),
    ]);
    pending.push(...(await tx.liveChildrenOf(terminated)));
  }
  return pending;
}

/** A task that ran a child workflow was cancelled or timed out: terminate its live children, and theirs (all in this transaction). */
export async function cancelChildExecutions(tx: WriteTx, taskRunId: string, now: Date, reason: string): Promise<void> {
  await terminateQueue(tx, await tx.liveChildren(taskRunId), now, reason, () => "engine", Infinity);
}

/**
 * Terminates an execution: TERMINATED, live attempts CANCELLED, children terminated too, at most
 * `budget` executions in this transaction (the execution row first). Returns the live executions
 * left to terminate (see terminateRest).
 */
export async function terminateExecutionTree(tx: WriteTx, executionId: string, now: Date, reason: string, actor: string, budget = Infinity): Promise<string[]> {
  // The actor ends the execution; its descendants go with it, ended by the engine.
  return terminateQueue(tx, [executionId], now, reason, (id) => (id === executionId ? actor : "engine"), budget);
}

/**
 * Goes on terminating what a first transaction left (terminateByOperator's result), one short
 * transaction of terminateBatchSize() executions at a time. For a root, it then sweeps its tree
 * by rootExecutionId until no execution of it is live (a safety net: the queue finds them all).
 * Descendants are ended by the engine (their events' actor), as in one transaction.
 */
export async function terminateRest(db: Db, rest: readonly string[], root: string | null, now: Date, reason: string): Promise<void> {
  let pending = [...rest];
  for (;;) {
    while (pending.length > 0) {
      const queue = pending;
      // A turn of the event loop between batches: on SQLite every query runs synchronously, so
      // without it back-to-back batches would starve timers and requests (health) until the end.
      await new Promise((resolve) => setImmediate(resolve));
      pending = await fullTransaction(db, (tx) => terminateQueue(tx, queue, now, reason, () => "engine", terminateBatchSize()));
    }
    if (!root) return;
    const rootId = root;
    pending = await fullTransaction(db, (tx) => tx.liveInTree(rootId, terminateBatchSize()));
    if (pending.length === 0) return;
  }
}

/** What a terminate task ends its execution with. */
export type TaskTermination = {
  executionId: string;
  /** The terminate task's attempt, claimed by `holder`. */
  run: { id: string; taskKey: string; attempt: number };
  holder: string;
  status: "COMPLETED" | "FAILED" | "TERMINATED";
  reason: string;
  output: unknown;
};

/**
 * A terminate task ends its execution with the given status and reason: the task completes, every
 * other live attempt is cancelled, the execution ends, and a parent is settled — in the caller's
 * transaction. False (nothing to do) when the execution cannot end that way or the attempt is no
 * longer the holder's; the caller then rolls back.
 */
export async function terminateFromTask(tx: WriteTx, t: TaskTermination, now: Date): Promise<boolean> {
  // A child locks its parent first (execution-row.ts lockParent); parentExecutionId never
  // changes, so reading it unlocked is safe.
  await lockParent(tx, (await tx.readExecution(t.executionId))?.parentExecutionId);
  // Lock the execution first (and move its version): a concurrent pause or decision step either
  // committed before (and is seen here) or waits and then finds the version moved.
  await tx.bumpExecution(t.executionId, {});
  const execution = await tx.readExecution(t.executionId);
  if (!execution || !isExecutionStatus(execution.status)) return false;
  const moved = transitionExecution(execution.status, t.status === "COMPLETED" ? "complete" : t.status === "FAILED" ? "fail" : "terminate", now);
  if (!moved.ok) return false;
  const done = movePatch("RUNNING", "complete", now);
  if (!done.ok) return false;
  const ended = await tx.updateRun(t.run.id, claimedBy(t.holder), {
    ...rowColumns(done.patch),
    startedAt: now,
    lockedBy: null,
    leaseExpiresAt: null,
    output: toJsonText({ status: t.status, reason: t.reason }),
  });
  if (!ended) return false;
  const runs = await tx.liveRuns(t.executionId);
  await cancelRuns(tx, runs, now);
  const { rows: unreached } = await cancelNeverStarted(tx, [t.executionId], now);
  // Every live child belongs to one of the attempts just cancelled: the whole subtree goes too.
  await terminateQueue(tx, await tx.liveChildrenOf([t.executionId]), now, `terminated by task ${t.run.taskKey}`, () => "engine", Infinity);
  const output = toJsonText(t.output ?? null);
  const error = t.status === "COMPLETED" ? null : toJsonText({ code: "TERMINATED_BY_TASK", message: t.reason, taskKey: t.run.taskKey });
  await tx.bumpExecution(t.executionId, { status: moved.status, endedAt: now, nextDecisionAt: null, output, error });
  const events: NewEvent[] = [
    { executionId: t.executionId, type: "TASK_COMPLETED", taskKey: t.run.taskKey, taskRunId: t.run.id, createdAt: now, payload: { attempt: t.run.attempt } },
    ...runs.map((run) => ({ executionId: t.executionId, type: "TASK_CANCELLED", taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: run.id, reason: `terminated by task ${t.run.taskKey}`, createdAt: now })),
    ...unreached.map((run) => ({ executionId: t.executionId, type: "TASK_CANCELLED", taskKey: run.taskKey, mapIndex: -1, taskRunId: run.id, reason: `terminated by task ${t.run.taskKey}`, createdAt: now, payload: { neverStarted: true } })),
    {
      executionId: t.executionId,
      type: `EXECUTION_${moved.status}`,
      reason: t.reason,
      createdAt: now,
      payload: { by: t.run.taskKey },
      labels: { workflow: execution.workflowName, startedAt: execution.startedAt ?? execution.createdAt },
    },
  ];
  await tx.insertEvents(events);
  await settleParentOfFinishedExecution(tx, { ...execution, status: moved.status, output, error }, now);
  return true;
}

/**
 * An operator terminates an execution (QUEUED / RUNNING / PAUSED → TERMINATED): under the version
 * the operator's checks were made on, the tree is terminated and, when the execution is a child,
 * its parent's attempt fails with CHILD_TERMINATED. At most terminateBatchSize() executions of
 * the tree end in this transaction; returns the live ones left, for terminateRest after commit.
 */
export async function terminateByOperator(
  tx: WriteTx,
  execution: Parameters<typeof settleParentOfFinishedExecution>[1] & { version: number },
  operator: { actor: string; reason: string },
  now: Date,
): Promise<string[]> {
  // A child's parent first (parent before children, as terminating the parent's tree locks them).
  await lockParent(tx, execution.parentExecutionId);
  if (!(await tx.guardExecution(execution.id, execution.version, {}))) throw new StaleExecutionError(execution.id);
  const rest = await terminateExecutionTree(tx, execution.id, now, operator.reason, operator.actor, terminateBatchSize());
  const error = toJsonText({ code: "TERMINATED", message: operator.reason });
  await settleParentOfFinishedExecution(tx, { ...execution, status: "TERMINATED", output: null, error }, now);
  return rest;
}
