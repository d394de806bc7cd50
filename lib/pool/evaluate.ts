/**
 * The engine's expression evaluation: the same functions (and results) as lib/workflow's
 * evaluateTemplate / evaluateCondition, but a runaway expression costs a pool thread its budget
 * instead of holding the server's event loop (issue 11: 20 runaway expressions stalled health for
 * seconds).
 *
 * - A template whose expressions are all **bounded** (they cannot loop, lib/workflow/
 *   expression-analysis.ts) is evaluated here, on the caller's thread, within a slice of
 *   {@link INLINE_SLICE_MS} ms; that is every expression of the benchmarks and the examples, so
 *   the hot path pays nothing for the pool. A bounded expression can still be slow on large data
 *   (a path over 100,000 items): past its slice it stops and is evaluated again in the pool, with
 *   the whole budget (evaluation is pure, so running it again is safe).
 * - Every other template goes to the pool (lib/pool/pool.ts), with only the `$tasks` results its
 *   expressions read when they name them all (`$tasks.<key>`). Its budget (1 s) counts from when a
 *   thread starts it, not from when it was queued.
 * - The pool's own failures become expression errors: a job that did not end within its budget +
 *   {@link HARD_GRACE_MS} (something the budget checks cannot interrupt, like a catastrophic
 *   regular expression) is `expression_timeout` and its thread is replaced; a thread out of
 *   memory is `expression_too_large`; a full queue is `expression_busy`.
 */
import {
  EVALUATE_DEFAULTS,
  evaluateExpression as evaluateExpressionHere,
  evaluateTemplate as evaluateTemplateHere,
  jsonataTruthy,
  parseExpression,
  templateCost,
  type EvaluateOptions,
  type EvaluateResult,
  type ExpressionContext,
  type ExpressionError,
  type TaskResultView,
} from "@/lib/workflow/expressions";
import type { TaskReads } from "@/lib/workflow/expression-analysis";
import type { PoolJob } from "./jobs";
import { expressionPool, EXPRESSION_QUEUE, THREAD_HEAP_MB } from "./pool";
import { PoolBusyError, PoolClosedError, PoolThreadError, PoolTimeoutError } from "./thread-pool";

/** How long a bounded template may run on the caller's thread before it is re-run in the pool. */
export const INLINE_SLICE_MS = 10;
/** How far past its budget a pool job may go before its thread is terminated. */
export const HARD_GRACE_MS = 1_000;

/** As lib/workflow's evaluateTemplate (never throws); runs inline or in the pool (see above). */
export async function evaluateTemplate(template: unknown, context: ExpressionContext, options: EvaluateOptions = {}): Promise<EvaluateResult> {
  const cost = templateCost(template);
  if (cost.bounded) {
    const inline = await evaluateTemplateHere(template, context, { ...options, sliceMs: INLINE_SLICE_MS });
    if (inline.ok || inline.error.code !== "expression_deferred") return inline;
  }
  return inPool({ kind: "evaluate-template", template, context: withTasks(context, cost.reads), options }, options);
}

/**
 * As lib/workflow's evaluateCondition: `$boolean()` of the expression's value. A condition is a
 * `{% … %}` string (the schema says so), so it is the template of one expression.
 */
export async function evaluateCondition(source: string, context: ExpressionContext, options: EvaluateOptions = {}): Promise<EvaluateResult<boolean>> {
  const parsed = parseExpression(source);
  const reads: TaskReads = parsed.ok ? parsed.reads : { all: true };
  let result: EvaluateResult | undefined;
  if (!parsed.ok || parsed.bounded) {
    const inline = await evaluateExpressionHere(source, context, { ...options, sliceMs: INLINE_SLICE_MS });
    if (inline.ok || inline.error.code !== "expression_deferred") result = inline;
  }
  result ??= await inPool({ kind: "evaluate-expression", source, context: withTasks(context, reads), options }, options);
  return result.ok ? { ok: true, value: jsonataTruthy(result.value) } : result;
}

/** The context with only the `$tasks` results the expressions read (all of them when they read `$tasks` as a whole). */
function withTasks(context: ExpressionContext, reads: TaskReads): ExpressionContext {
  if (reads.all || !context.tasks) return context;
  const tasks: Record<string, TaskResultView> = {};
  for (const key of reads.keys) {
    if (Object.prototype.hasOwnProperty.call(context.tasks, key)) tasks[key] = context.tasks[key]!;
  }
  return { ...context, tasks };
}

async function inPool(job: Extract<PoolJob, { kind: "evaluate-template" | "evaluate-expression" }>, options: EvaluateOptions): Promise<EvaluateResult> {
  const budgetMs = options.timeoutMs ?? EVALUATE_DEFAULTS.timeoutMs;
  try {
    // The budget (own running time) stops an expression that takes steps; the hard deadline, one
    // stuck in a single step (no step for HARD_GRACE_MS): a thread waiting for a core is let run on.
    return await expressionPool().run<EvaluateResult>(job, { lane: "background", hardTimeoutMs: budgetMs + HARD_GRACE_MS, stallMs: HARD_GRACE_MS });
  } catch (error) {
    return { ok: false, error: poolError(error, options.basePath ?? "", budgetMs) };
  }
}

function poolError(error: unknown, path: string, budgetMs: number): ExpressionError {
  if (error instanceof PoolTimeoutError) {
    return { path, code: "expression_timeout", message: `expression ran longer than ${budgetMs} ms and could not be interrupted (e.g. a regular expression that backtracks); it was stopped` };
  }
  if (error instanceof PoolThreadError && error.code === "ERR_WORKER_OUT_OF_MEMORY") {
    return { path, code: "expression_too_large", message: `expression used more than ${THREAD_HEAP_MB} MiB of memory` };
  }
  if (error instanceof PoolBusyError) {
    return { path, code: "expression_busy", message: `the expression pool is full (${EXPRESSION_QUEUE} evaluations waiting, FLOWDECK_EXPRESSION_QUEUE); try again later` };
  }
  if (error instanceof PoolClosedError) return { path, code: "expression_failed", message: "the server is shutting down; the expression was not evaluated" };
  return { path, code: "expression_failed", message: `the expression could not be evaluated: ${error instanceof Error ? error.message : String(error)}` };
}
