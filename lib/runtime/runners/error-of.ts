import type { TaskRunError } from "@/lib/engine/types";
import type { ExpressionError } from "@/lib/workflow/expressions";

/** A task error with a code, a message and optional details (what runners report on failure). */
export function errorOf(code: string, message: string, details?: unknown): TaskRunError {
  return details === undefined ? { code, message } : { code, message, details: details as TaskRunError["details"] };
}

/**
 * An expression that could not be evaluated, as a task error: code EXPRESSION_ERROR, a message
 * naming the path, and the expression's own code (`expression_timeout`, `expression_failed`, …;
 * lib/workflow/expressions.ts) and path in `details`.
 */
export function expressionError(error: Pick<ExpressionError, "path" | "message" | "code">): TaskRunError {
  return errorOf("EXPRESSION_ERROR", `${error.path}: ${error.message}`, { code: error.code, path: error.path });
}
