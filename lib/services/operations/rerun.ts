/**
 * Retry (the failed tasks only) and rerun from a task: the plan comes from the pure planners in
 * lib/engine/rerun.ts; this file checks the state, previews, and applies the plan in one guarded
 * transaction (archive + delete the reset tasks' attempts, reopen the execution, decide now).
 */
import type { Db } from "@/lib/db/client";
import { planRerun, planRetry, type PlanError, type RerunPlan } from "@/lib/engine/rerun";
import type { JsonValue } from "@/lib/workflow/schema";
import { announceExecutionChanged, wakeEngine } from "@/lib/runtime/bus";
import type { NewEvent } from "@/lib/runtime/events";
import { fromJsonText, toJsonText } from "@/lib/runtime/json";
import { LIVE_TASK_STATUSES } from "@/lib/runtime/writes/fence";
import { resetAndReopen } from "@/lib/runtime/writes/reset-tasks";
import { taskRunSnapshot, type TaskRunRow } from "@/lib/runtime/snapshots";
import { prepareExecutionInput } from "@/lib/services/execution-input";
import { getExecution, type ExecutionView } from "@/lib/services/executions";
import type { ServiceError } from "@/lib/services/errors";
import { operationTransaction, refuse, requireTask, withFreshState, type OperationState, type OperatorContext } from "./execution-state";

/** What a dry run answers: the tasks that would run again and the tasks kept as they are, in topological order. */
export type RerunPreview = { dryRun: true; reset: string[]; kept: string[] };

export type RetryOptions = OperatorContext & {
  /** Only answer what would be reset; change nothing. @default false */
  dryRun?: boolean;
};

export type RerunOptions = OperatorContext & {
  /** The task to run again; it and everything downstream of it are reset. */
  fromTaskKey: string;
  /**
   * A new execution input: replaces Execution.input (checked against the workflow's input schema,
   * defaults applied), recorded in the EXECUTION_RERUN event with the previous one. Kept tasks
   * keep their outputs, computed from the old input. @default the current input
   */
  input?: JsonValue;
  /**
   * A new input for `fromTaskKey` only: takes the place of its `input` mapping for the attempts
   * of this rerun (what a worker, an approval, a subworkflow receives; recorded as the attempt's
   * input). Stored as a TASK_INPUT_SET event after the TASK_RESET; see the runtime note in the
   * operations README. @default the task's input mapping
   */
  taskInput?: JsonValue;
  /** Only answer what would be reset; change nothing. @default false */
  dryRun?: boolean;
};

/** "task test_2 is still RUNNING", or several with their statuses. */
function describeLiveTasks(runs: readonly TaskRunRow[]): string | null {
  const latest = new Map<string, TaskRunRow>();
  for (const run of runs) {
    const slot = `${run.taskKey}#${run.mapIndex}`;
    const seen = latest.get(slot);
    if (!seen || seen.attempt < run.attempt) latest.set(slot, run);
  }
  const live = [...latest.values()].filter((run) => (LIVE_TASK_STATUSES as readonly string[]).includes(run.status));
  if (live.length === 0) return null;
  const name = (run: TaskRunRow) => (run.mapIndex === -1 ? run.taskKey : `${run.taskKey} item ${run.mapIndex}`);
  if (live.length === 1) return `task ${name(live[0]!)} is still ${live[0]!.status}; wait for it to end or terminate the execution first`;
  const listed = live.slice(0, 5).map((run) => `${name(run)} (${run.status})`);
  const more = live.length > 5 ? ` and ${live.length - 5} more` : "";
  return `tasks ${listed.join(", ")}${more} are still live; wait for them to end or terminate the execution first`;
}

/**
 * The state checks shared by retry, rerun and skip-with-reopen: no live attempt anywhere, and the
 * execution finished (reopened) or PAUSED (stays paused until resumed). A RUNNING or QUEUED
 * execution is refused even without live attempts: its engine is about to decide.
 */
export function assertNothingLive(verb: string, state: OperationState): void {
  const live = describeLiveTasks(state.runs);
  if (live) throw refuse(verb, state.execution.id, live);
  if (state.status === "RUNNING" || state.status === "QUEUED") {
    throw refuse(verb, state.execution.id, `it is ${state.status}; wait for it to end, or pause or terminate it first`);
  }
}

function planRefusal(verb: string, state: OperationState, error: PlanError): ServiceError {
  // UNKNOWN_TASK is answered earlier (requireTask, 400); TASKS_ACTIVE by assertNothingLive.
  return refuse(verb, state.execution.id, error.message);
}

function checkedInput(state: OperationState, input: JsonValue): JsonValue {
  const label = `workflow '${state.execution.workflowName}' v${state.execution.workflowVersion}`;
  return prepareExecutionInput(
    { versionId: state.execution.definitionId, label, schema: state.definition.input },
    input,
    `cannot rerun execution ${state.execution.id}: the input does not fit workflow '${state.execution.workflowName}' v${state.execution.workflowVersion}`,
  ) as JsonValue;
}

type Applied = { plan: Extract<RerunPlan, { ok: true }>; event: NewEvent; extraEvents?: NewEvent[]; input?: JsonValue };

/** Archives and deletes the reset tasks, reopens the execution, records the operator's event. */
async function applyRerunPlan(db: Db, state: OperationState, operator: OperatorContext, applied: Applied, now: Date): Promise<ExecutionView> {
  return operationTransaction(db, async (tx, read) => {
    await resetAndReopen(tx, state, { event: applied.event, reset: applied.plan.reset, extraEvents: applied.extraEvents, operator }, now, applied.input !== undefined ? { input: toJsonText(applied.input) } : {});
    // The execution as this operation left it (the engine may move it on the moment we commit).
    return getExecution(read, state.execution.id);
  });
}

/**
 * Retry: re-runs the tasks that FAILED, TIMED_OUT or were CANCELLED (a rejected approval is
 * FAILED: it asks again), and the tasks below them that never ran because of it (UPSTREAM_FAILED,
 * or SKIPPED by propagation); everything else keeps its attempts and outputs. The reset tasks'
 * attempts are archived in TASK_RESET events and deleted, so they count from 1 again. A finished
 * execution is reopened (RUNNING); a PAUSED one stays paused until resumed. Refused (409) while any
 * attempt is live, while the execution is RUNNING or QUEUED, and when nothing failed.
 */
export async function retryExecution(db: Db, executionId: string, options: RetryOptions): Promise<ExecutionView | RerunPreview> {
  const preview = await withFreshState(db, executionId, async (state) => {
    assertNothingLive("retry", state);
    const plan = planRetry(state.definition, state.runs.map(taskRunSnapshot));
    if (!plan.ok) throw planRefusal("retry", state, plan.error);
    if (options.dryRun) return { dryRun: true as const, reset: plan.reset, kept: plan.kept };
    const now = new Date();
    const event: NewEvent = {
      executionId,
      type: "EXECUTION_RETRIED",
      actor: options.actor,
      reason: options.reason ?? null,
      createdAt: now,
      payload: { previousStatus: state.status, reset: plan.reset, kept: plan.kept },
    };
    return applyRerunPlan(db, state, options, { plan, event }, now);
  });
  if ("dryRun" in preview) return preview;
  announceExecutionChanged(executionId);
  wakeEngine();
  return preview;
}

/**
 * Rerun from a task: resets `fromTaskKey` and everything downstream of it, keeps every other task
 * with its output (upstream outputs feed the rerun), optionally with a new execution input or a
 * new input for `fromTaskKey`. Same reopening and refusals as retry, plus planRerun's: the task
 * could not run anyway (an upstream task failed or was skipped, its switch branch was not taken).
 * An unknown task is a 400 that lists the valid keys. `dryRun` answers the preview only.
 */
export async function rerunExecution(db: Db, executionId: string, options: RerunOptions): Promise<ExecutionView | RerunPreview> {
  const preview = await withFreshState(db, executionId, async (state) => {
    requireTask(state, options.fromTaskKey, "fromTaskKey", "rerun");
    assertNothingLive("rerun", state);
    const plan = planRerun(state.definition, state.runs.map(taskRunSnapshot), options.fromTaskKey);
    if (!plan.ok) throw planRefusal("rerun", state, plan.error);
    const input = options.input === undefined ? undefined : checkedInput(state, options.input);
    if (options.dryRun) return { dryRun: true as const, reset: plan.reset, kept: plan.kept };

    const now = new Date();
    const event: NewEvent = {
      executionId,
      type: "EXECUTION_RERUN",
      taskKey: options.fromTaskKey,
      actor: options.actor,
      reason: options.reason ?? null,
      createdAt: now,
      payload: {
        previousStatus: state.status,
        fromTaskKey: options.fromTaskKey,
        reset: plan.reset,
        kept: plan.kept,
        ...(input !== undefined ? { input, previousInput: fromJsonText(state.execution.input) ?? null } : {}),
        ...(options.taskInput !== undefined ? { taskInput: options.taskInput } : {}),
      },
    };
    const extraEvents: NewEvent[] =
      options.taskInput === undefined
        ? []
        : [{ executionId, type: "TASK_INPUT_SET", taskKey: options.fromTaskKey, actor: options.actor, reason: options.reason ?? null, createdAt: now, payload: { input: options.taskInput } }];
    return applyRerunPlan(db, state, options, { plan, event, extraEvents, input }, now);
  });
  if ("dryRun" in preview) return preview;
  announceExecutionChanged(executionId);
  wakeEngine();
  return preview;
}
