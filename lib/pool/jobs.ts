/**
 * The jobs the expression pool's threads run, and the function that runs one. The same function
 * runs in a thread (thread.ts) and in tests; nothing here touches the database or the process.
 */
import { evaluateExpression, evaluateTemplate, type EvaluateOptions, type EvaluateResult, type ExpressionContext } from "@/lib/workflow/expressions";
import { prepareDefinition, type PreparedDefinition } from "@/lib/workflow/prepare";

export type PoolJob =
  | { kind: "evaluate-template"; template: unknown; context: ExpressionContext; options: EvaluateOptions }
  | { kind: "evaluate-expression"; source: string; context: ExpressionContext; options: EvaluateOptions }
  | { kind: "prepare-definition"; input: unknown; maxExpressions: number };

export type PoolJobResult<J extends PoolJob> = J extends { kind: "prepare-definition" } ? PreparedDefinition : EvaluateResult;

export async function runPoolJob(job: PoolJob): Promise<EvaluateResult | PreparedDefinition> {
  switch (job.kind) {
    case "evaluate-template":
      return evaluateTemplate(job.template, job.context, job.options);
    case "evaluate-expression":
      return evaluateExpression(job.source, job.context, job.options);
    case "prepare-definition":
      return prepareDefinition(job.input, job.maxExpressions);
  }
}
