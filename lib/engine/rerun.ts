/**
 * Operator re-runs, planned purely: which tasks are reset (their attempts archived, back to
 * PENDING) and which are kept with their outputs. The monitor shows the plan as a preview; the
 * runtime applies it in one transaction:
 *   1. check `transitionExecution(status, "reset")` (only a finished execution is reopened),
 *   2. archive every attempt of the `reset` tasks, map items included, into the event history
 *      and delete them (decide numbers attempts from 1 again and sees only current attempts),
 *   3. reopen the execution (RUNNING, fresh startedAt, so the workflow timeout starts again),
 *   4. call decide: the reset tasks run again as their trigger rules allow.
 * Refusals are values, with a message fit for the operator.
 */
import { buildTaskGraph } from "@/lib/workflow/graph";
import { DEFAULT_TRIGGER_RULE, type WorkflowDefinition } from "@/lib/workflow/schema";
import { RunBoard } from "./apply";
import { effectiveStatus, evaluateTriggerRule, takenBranch } from "./decide";
import type { TaskRunSnapshot } from "./types";

export type PlanErrorCode = "UNKNOWN_TASK" | "TASKS_ACTIVE" | "INVALID_DEFINITION" | "NOTHING_TO_RETRY" | "NOT_RUNNABLE";

export interface PlanError {
  code: PlanErrorCode;
  message: string;
}

export type RerunPlan =
  | {
      ok: true;
      /** Tasks to reset, in topological order. */
      reset: string[];
      /** Tasks kept as they are (outputs included), in topological order. */
      kept: string[];
    }
  | { ok: false; error: PlanError };

function refuse(code: PlanErrorCode, message: string): RerunPlan {
  return { ok: false, error: { code, message } };
}

interface Context {
  order: string[];
  board: RunBoard;
  graph: ReturnType<typeof buildTaskGraph>;
}

/** The common checks: an acyclic definition, and no attempt still live anywhere. */
function prepare(definition: WorkflowDefinition, runs: readonly TaskRunSnapshot[]): Context | PlanError {
  const graph = buildTaskGraph(definition.tasks);
  const order = graph.topologicalOrder();
  if (order === null) return { code: "INVALID_DEFINITION", message: "the workflow's tasks form a cycle" };
  const board = new RunBoard(runs);
  const active = [...new Set(board.live().map((run) => run.taskKey))];
  if (active.length > 0) {
    return {
      code: "TASKS_ACTIVE",
      message: `tasks are still active (${active.join(", ")}); wait for them or terminate the execution first`,
    };
  }
  return { order, board, graph };
}

function split(order: readonly string[], reset: ReadonlySet<string>): RerunPlan {
  return { ok: true, reset: order.filter((key) => reset.has(key)), kept: order.filter((key) => !reset.has(key)) };
}

/**
 * Rerun from a task: reset it and everything downstream of it, keep everything else (upstream
 * outputs feed the rerun). Refused when the task is unknown, when tasks are still active, or when
 * the task could not run anyway (an upstream task failed or was skipped, its branch was not taken).
 */
export function planRerun(definition: WorkflowDefinition, runs: readonly TaskRunSnapshot[], fromTaskKey: string): RerunPlan {
  const task = definition.tasks.find((entry) => entry.key === fromTaskKey);
  if (!task) return refuse("UNKNOWN_TASK", `there is no task "${fromTaskKey}" in this workflow version`);
  const context = prepare(definition, runs);
  if ("code" in context) return { ok: false, error: context };
  const { order, board, graph } = context;

  const parents = graph.parentsOf(fromTaskKey);
  for (const parentKey of parents) {
    const parent = definition.tasks.find((entry) => entry.key === parentKey)!;
    const parentRun = board.latest(parentKey);
    if (parent.type === "switch" && parentRun?.status === "COMPLETED" && !takenBranch(parent, parentRun.output).includes(fromTaskKey)) {
      return refuse("NOT_RUNNABLE", `cannot rerun from ${fromTaskKey}: switch ${parentKey} did not take its branch; rerun from ${parentKey} instead`);
    }
  }
  const verdict = evaluateTriggerRule(
    task.triggerRule ?? DEFAULT_TRIGGER_RULE,
    parents.map((parentKey) => ({ taskKey: parentKey, status: effectiveStatus(board.latest(parentKey)) })),
  );
  if (verdict.kind === "upstreamFailed" || verdict.kind === "skip") {
    const [first] = verdict.upstream;
    const what = verdict.kind === "skip" ? "was skipped" : `is ${effectiveStatus(board.latest(first!))}`;
    return refuse(
      "NOT_RUNNABLE",
      `cannot rerun from ${fromTaskKey}: its upstream task ${first} ${what}; retry the execution or rerun from ${first} instead`,
    );
  }
  return split(order, new Set([fromTaskKey, ...graph.downstreamOf(fromTaskKey)]));
}

/**
 * Retry: reset the tasks that failed, timed out or were cancelled, and the tasks downstream of
 * them that never ran because of it (UPSTREAM_FAILED, SKIPPED by propagation); keep everything
 * else, completed tasks downstream included (they ran with all_done / one_success).
 */
export function planRetry(definition: WorkflowDefinition, runs: readonly TaskRunSnapshot[]): RerunPlan {
  const context = prepare(definition, runs);
  if ("code" in context) return { ok: false, error: context };
  const { order, board, graph } = context;

  const failed = order.filter((key) => {
    const status = board.latest(key)?.status;
    return status === "FAILED" || status === "TIMED_OUT" || status === "CANCELLED";
  });
  if (failed.length === 0) return refuse("NOTHING_TO_RETRY", "no task failed, timed out or was cancelled");
  const reset = new Set(failed);
  for (const key of failed) {
    for (const downstream of graph.downstreamOf(key)) {
      const status = board.latest(downstream)?.status;
      if (status === "UPSTREAM_FAILED" || status === "SKIPPED") reset.add(downstream);
    }
  }
  return split(order, reset);
}

/** Restart from the beginning: every task is reset. */
export function planRestart(definition: WorkflowDefinition): RerunPlan {
  const order = buildTaskGraph(definition.tasks).topologicalOrder();
  if (order === null) return refuse("INVALID_DEFINITION", "the workflow's tasks form a cycle");
  return { ok: true, reset: order, kept: [] };
}
