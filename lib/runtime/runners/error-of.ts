import type { TaskRunError } from "@/lib/engine/types";

/** A task error with a code, a message and optional details (what runners report on failure). */
export function errorOf(code: string, message: string, details?: unknown): TaskRunError {
  return details === undefined ? { code, message } : { code, message, details: details as TaskRunError["details"] };
}
