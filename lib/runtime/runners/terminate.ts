import type { ExpressionContext } from "@/lib/workflow/expressions";
import { evaluateTemplate } from "@/lib/pool/evaluate";
import type { AttemptOutcome } from "@/lib/runtime/state";
import { expressionError } from "@/lib/runtime/runners/error-of";

export type TerminateParams = { status: "COMPLETED" | "FAILED" | "TERMINATED"; reason: string; output?: unknown };

/**
 * A terminate task's reason and output, evaluated in the task's context; a broken expression is
 * the attempt's failure instead. The ending itself is lib/runtime/writes/terminate.ts
 * terminateFromTask.
 */
export async function evaluateTermination(
  params: TerminateParams,
  context: ExpressionContext,
  taskKey: string,
): Promise<{ ok: true; reason: string; output: unknown } | { ok: false; outcome: AttemptOutcome }> {
  const evaluated = await evaluateTemplate({ reason: params.reason, output: params.output ?? null }, context, { basePath: `tasks.${taskKey}.params` });
  if (!evaluated.ok) return { ok: false, outcome: { status: "FAILED", error: expressionError(evaluated.error) } };
  const { reason, output } = evaluated.value as { reason: unknown; output: unknown };
  return { ok: true, reason: String(reason), output };
}
