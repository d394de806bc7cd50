/**
 * Attempts an engine may run inside the transaction that created them (writes/decision-step.ts
 * persistPlanRunningAhead): in-process work with no side effect and no wait, whose expressions are all
 * bounded (lib/workflow/expression-analysis.ts), so it is over within microseconds. Today that is
 * the `transform` task. Its outcome is exactly what run-task.ts's transform runner records: the
 * same evaluation (bounded templates run on the caller's thread there too), the same input, the
 * same error for a broken expression. Whatever cannot be decided here (a slow evaluation, any
 * other type, a `when`, a map item) returns null and runs on a runner slot as usual.
 */
import { evaluateTemplate, templateCost, type ExpressionContext } from "@/lib/workflow/expressions";
import { INLINE_SLICE_MS } from "@/lib/pool/evaluate";
import { expressionError } from "@/lib/runtime/runners/error-of";
import { expressionContext, type TaskRunRow } from "@/lib/runtime/snapshots";
import type { ExecutionState, OutcomeItem } from "@/lib/runtime/state";
import { taskOf } from "@/lib/runtime/task-types";
import type { TaskDefinition } from "@/lib/workflow/schema";

/** Per task of a definition (they are immutable): whether its attempts may run inline. */
const inlineTasks = new WeakMap<TaskDefinition, boolean>();

/** Whether the attempt is of a kind that can run inline (before anything is evaluated). */
export function mayRunInline(state: ExecutionState, run: TaskRunRow): boolean {
  if (run.taskType !== "transform" || run.mapIndex !== -1 || run.startedAt !== null) return false;
  const task = taskOf(state.definition, run.taskKey);
  let verdict = inlineTasks.get(task);
  if (verdict === undefined) {
    verdict = task.type === "transform" && task.when === undefined && templateCost(task.params.output).bounded && (task.input === undefined || templateCost(task.input).bounded);
    inlineTasks.set(task, verdict);
  }
  return verdict;
}

/**
 * The outcome of running `run` (claimed by `engineId`) now, on `state`; null when it did not finish
 * within its slice (it then runs on a runner slot, where evaluation starts over: it is pure).
 */
export async function runInline(state: ExecutionState, run: TaskRunRow, engineId: string, context?: ExpressionContext): Promise<OutcomeItem | null> {
  const task = taskOf(state.definition, run.taskKey);
  if (task.type !== "transform") return null;
  const scope = context ?? expressionContext(state.execution, state.definition, state.runs);
  const holder = { taskRunId: run.id, lockedBy: engineId };
  const known = { executionId: run.executionId, taskKey: run.taskKey, mapIndex: run.mapIndex, attempt: run.attempt, startedAt: run.startedAt, taskType: run.taskType, workflow: state.execution.workflowName };
  let input: unknown = undefined;
  if (task.input !== undefined) {
    const evaluated = await evaluateTemplate(task.input, scope, { basePath: `tasks.${task.key}.input`, sliceMs: INLINE_SLICE_MS });
    if (!evaluated.ok && evaluated.error.code === "expression_deferred") return null;
    if (!evaluated.ok) return { holder, run: known, outcome: { status: "FAILED", error: expressionError(evaluated.error) } };
    input = evaluated.value;
  }
  const output = await evaluateTemplate(task.params.output, scope, { basePath: `tasks.${task.key}.params.output`, sliceMs: INLINE_SLICE_MS });
  if (!output.ok && output.error.code === "expression_deferred") return null;
  const outcome = output.ok ? { status: "COMPLETED" as const, output: output.value ?? null } : { status: "FAILED" as const, error: expressionError(output.error) };
  return { holder, run: known, outcome, extra: { input } };
}
