/**
 * Persisting a decision step: decide's commands (lib/engine/decide.ts) become rows. The attempts'
 * changes are commandPatches' (lib/engine/patches.ts, the same the reference runtime applies);
 * this module only turns them into columns, adds what the pure core does not model (leases, JSON
 * text, events) and claims due attempts for the engine that decided (see Dispatcher).
 *
 * Runs inside the caller's transaction, after the caller's guarded write of the execution row
 * (planExecutionData under the version the state was read at), so the execution is locked first.
 */
import { commandPatches, type AttemptWrite } from "@/lib/engine/patches";
import type { Command } from "@/lib/engine/types";
import type { StepPlan } from "@/lib/runtime/plan";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import type { NewEvent } from "@/lib/runtime/events";
import { fromJsonText } from "@/lib/runtime/json";
import type { ExecutionRow, TaskRunRow } from "@/lib/runtime/snapshots";
import type { ClaimedAttempt, Dispatcher, ExecutionState } from "@/lib/runtime/state";
import { rowColumns } from "./columns";
import { newAttemptRow, RunWriter } from "./create-attempts";
import { lockParent } from "./execution-row";
import { settleParentOfFinishedExecution } from "./settle-parent";
import { cancelChildExecutions } from "./terminate";
import type { ExecutionPatch, HotTx, RunPatch, WriteTx } from "./types";

/**
 * The execution's columns a plan writes (with the version bump, under the caller's guard): only
 * those that change, since every indexed column in an UPDATE costs index writes.
 */
export function planExecutionData(plan: StepPlan, execution: ExecutionRow): ExecutionPatch {
  const all: ExecutionPatch =
    plan.commands.length === 0
      ? { nextDecisionAt: plan.wakeAt }
      : {
          status: plan.status,
          startedAt: plan.startedAt,
          ...(plan.finished ? { endedAt: plan.endedAt, nextDecisionAt: null } : { nextDecisionAt: plan.wakeAt }),
          ...(plan.output !== undefined ? { output: plan.output } : {}),
          ...(plan.error !== undefined ? { error: plan.error } : {}),
        };
  const changed: ExecutionPatch = {};
  for (const [key, value] of Object.entries(all) as [keyof ExecutionPatch, ExecutionPatch[keyof ExecutionPatch]][]) {
    const current = execution[key];
    const same = value instanceof Date && current instanceof Date ? value.getTime() === current.getTime() : value === current;
    if (!same) (changed as Record<string, unknown>)[key] = value;
  }
  return changed;
}

/** Slots reserved from a dispatcher inside a transaction: given back if it does not commit. */
export type Reservation = { count: number };

/**
 * What a committed plan left behind: the state as now stored, attempts to hand to the dispatcher,
 * and the plan of the last step written (a later one than the caller's when steps ran ahead,
 * decision-step.ts).
 */
export type AppliedPlan = { state: ExecutionState; scheduled: number; claimed: ClaimedAttempt[]; plan: StepPlan };

export type { StepPlan };

/**
 * Whether persisting the plan needs the full WriteTx (Prisma): it cancels or times out an attempt
 * that may have child executions, or finishes a child execution whose parent must be settled.
 * Every other plan (nearly all) runs on the engine store's fast path.
 */
export function needsFullTx(state: ExecutionState, plan: StepPlan): boolean {
  if (plan.finished && state.execution.parentTaskRunId) return true;
  return plan.commands.some((command) => {
    if (command.kind !== "cancelAttempt" && command.kind !== "timeoutAttempt") return false;
    const run = state.runs.find((row) => row.taskKey === command.taskKey && row.mapIndex === command.mapIndex && row.attempt === command.attempt);
    return run?.taskType === "subworkflow";
  });
}

/**
 * Attempts of this transaction not inserted yet (steps run ahead, decision-step.ts): `ids` are held
 * back, and a new attempt `keep` admits is held back too; their holder inserts them before the commit.
 */
export type Unstored = { ids: Set<string>; keep: (row: TaskRunRow) => boolean };

/**
 * Persists a plan's task commands. Due attempts it creates are claimed for the dispatcher's engine
 * while it has free slots (see Dispatcher). Events go to `events`; the caller inserts them.
 */
export async function persistPlan(
  tx: HotTx,
  fullTx: WriteTx | null,
  state: ExecutionState,
  plan: StepPlan,
  now: Date,
  events: NewEvent[],
  dispatcher?: Dispatcher,
  reservation: Reservation = { count: 0 },
  unstored?: Unstored,
): Promise<AppliedPlan> {
  const { execution, definition } = state;
  const writer = new RunWriter(tx, state.runs, now, unstored?.ids);
  const context: ApplyContext = { executionId: execution.id, definition, now, events, fullTx };
  let scheduled = 0;
  for (const command of plan.commands) scheduled += await persistCommand(writer, command, context);
  const claimed: ClaimedAttempt[] = [];
  if (dispatcher && plan.status === "RUNNING") {
    const due = writer.created.filter((row) => row.status === "SCHEDULED" && row.nextRunAt !== null && row.nextRunAt <= now && (row.taskType !== "shell" || dispatcher.shellEnabled));
    const got = due.length > 0 ? dispatcher.reserve(due.length) : 0;
    reservation.count += got;
    const leaseExpiresAt = new Date(now.getTime() + dispatcher.leaseMs);
    for (const row of due.slice(0, got)) {
      writer.claimCreated(row.id, dispatcher.engineId, leaseExpiresAt);
      claimed.push({ id: row.id, executionId: execution.id });
    }
    scheduled -= got;
  }
  await writer.flush(unstored?.keep);
  if (plan.finished) {
    events.push({
      executionId: execution.id,
      type: `EXECUTION_${plan.status}`,
      createdAt: now,
      payload: plan.error ? fromJsonText(plan.error) : undefined,
      labels: { workflow: execution.workflowName, startedAt: execution.startedAt ?? plan.startedAt ?? execution.createdAt },
    });
    if (execution.parentTaskRunId) {
      if (!fullTx) throw new Error("settling a parent execution needs the full transaction (see needsFullTx)");
      await settleParentOfFinishedExecution(fullTx, { ...execution, status: plan.status, output: plan.output ?? null, error: plan.error ?? null }, now);
    }
  }
  const next: ExecutionRow = { ...execution, ...planExecutionData(plan, execution), version: execution.version + 1, updatedAt: now };
  return { state: { execution: next, runs: writer.runs, definition }, scheduled, claimed, plan };
}

/**
 * Lock order between executions: a parent before its children. Terminating a tree (an operator,
 * a parent's timeout or cancel) locks the parent, its attempts, then each child; a child that
 * finishes settles its parent's attempt (settle-parent.ts), so its transaction must lock the
 * parent first too, before its own guard — the other order deadlocks on PostgreSQL. Call first in
 * the transaction of a plan; it moves the parent's version only when the plan finishes a child
 * (settling moves it anyway).
 */
export async function lockParentFirst(tx: HotTx, state: ExecutionState, plan: StepPlan): Promise<void> {
  const { parentExecutionId, parentTaskRunId } = state.execution;
  if (plan.finished && parentTaskRunId) await lockParent(tx, parentExecutionId);
}

type ApplyContext = { executionId: string; definition: WorkflowDefinition; now: Date; events: NewEvent[]; fullTx: WriteTx | null };

/** An attempt write as columns. An attempt a decision ends (timed out, cancelled) loses its holder: a late result is refused by the fence. */
function columnsOf(write: AttemptWrite, command: Command): RunPatch & { status: string } {
  const ends = command.kind === "timeoutAttempt" || command.kind === "cancelAttempt";
  return { ...rowColumns(write.patch), ...(ends ? { lockedBy: null, leaseExpiresAt: null } : {}) };
}

/** Persists one command; returns how many attempts became due now (to wake the task runners). */
async function persistCommand(writer: RunWriter, command: Command, context: ApplyContext): Promise<number> {
  const { executionId, definition, now, events } = context;
  const base = { executionId, createdAt: now };
  if (command.kind === "startExecution") {
    events.push({ ...base, type: "EXECUTION_STARTED" });
    return 0;
  }
  const patches = commandPatches(writer, command, now);
  if (!patches.ok) throw new Error(`decide asked for an illegal move of execution ${executionId}: ${patches.error.message}`);
  const rows: TaskRunRow[] = [];
  for (const write of patches.writes) {
    const columns = columnsOf(write, command);
    rows.push(write.create ? writer.create(newAttemptRow(executionId, definition, write, columns, now)) : await writer.update(executionId, write, columns));
  }
  const run = rows[rows.length - 1];
  // For the metrics (lib/metrics/observe.ts): counted once the transaction has committed.
  const labels = run ? { workflow: definition.name, taskType: run.taskType, startedAt: run.startedAt } : undefined;
  switch (command.kind) {
    case "completeExecution":
    case "failExecution":
    case "timeoutExecution":
      return 0;
    case "schedule":
      events.push({ ...base, type: "TASK_SCHEDULED", taskKey: command.taskKey, mapIndex: command.mapIndex, taskRunId: run!.id, payload: { attempt: command.attempt } });
      return 1;
    case "retry":
      events.push({
        ...base,
        type: "TASK_RETRY_SCHEDULED",
        taskKey: command.taskKey,
        mapIndex: command.mapIndex,
        taskRunId: run!.id,
        payload: { attempt: command.attempt, delayMs: command.delayMs, runAt: command.runAt.toISOString() },
        labels,
      });
      return run!.status === "SCHEDULED" ? 1 : 0;
    case "failTask":
      events.push({ ...base, type: "TASK_FAILED_FINAL", taskKey: command.taskKey, mapIndex: command.mapIndex, taskRunId: run?.id ?? null, reason: command.reason, payload: { attempt: command.attempt } });
      return 0;
    case "skip":
    case "upstreamFailed": {
      const skipped = command.kind === "skip";
      const reason = skipped
        ? command.reason === "branch_not_taken"
          ? `branch not taken at ${command.upstream.join(", ")}`
          : `upstream skipped: ${command.upstream.join(", ")}`
        : `upstream failed: ${command.upstream.join(", ")}`;
      events.push({ ...base, type: skipped ? "TASK_SKIPPED" : "TASK_UPSTREAM_FAILED", taskKey: command.taskKey, mapIndex: command.mapIndex, taskRunId: run?.id ?? null, reason, payload: { upstream: command.upstream } });
      return 0;
    }
    case "timeoutAttempt":
      await cancelChildrenOf(context, run!, `task ${command.taskKey} timed out`);
      events.push({ ...base, type: "TASK_TIMED_OUT", taskKey: command.taskKey, mapIndex: command.mapIndex, taskRunId: run!.id, reason: command.reason, payload: command.error, labels });
      return 0;
    case "cancelAttempt":
      await cancelChildrenOf(context, run!, `task ${command.taskKey} was cancelled (${command.reason})`);
      events.push({ ...base, type: "TASK_CANCELLED", taskKey: command.taskKey, mapIndex: command.mapIndex, taskRunId: run!.id, reason: command.reason, labels });
      return 0;
    case "completeMap":
      events.push({
        ...base,
        type: "TASK_COMPLETED",
        taskKey: command.taskKey,
        taskRunId: run?.id ?? null,
        payload: { succeeded: Object.keys(command.output.success).length, failed: Object.keys(command.output.failure).length },
        labels,
      });
      return 0;
    case "failMap":
      events.push({ ...base, type: "TASK_FAILED", taskKey: command.taskKey, taskRunId: run?.id ?? null, payload: command.error, labels });
      return 0;
  }
}

/** A task that ran a child workflow was cancelled or timed out: terminate its children. */
async function cancelChildrenOf(context: ApplyContext, run: TaskRunRow, reason: string): Promise<void> {
  if (run.taskType !== "subworkflow") return;
  if (!context.fullTx) throw new Error("cancelling child executions needs the full transaction (see needsFullTx)");
  await cancelChildExecutions(context.fullTx, run.id, context.now, reason);
}
