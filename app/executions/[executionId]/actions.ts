"use server";

import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { ServiceError, type ErrorDetail } from "@/lib/services/errors";
import { operationSchema, performOperation } from "@/lib/services/operations";
import type { ExecutionView } from "@/lib/services/executions";
import type { RerunPreview } from "@/lib/services/operations";

export type OperationActionResult =
  | { ok: true; execution: ExecutionView | RerunPreview; createdExecutionId?: string }
  | { ok: false; error: { code: string; message: string; details: ErrorDetail[] } };

const argsSchema = z.object({ executionId: z.string().min(1).max(100), operation: operationSchema, body: z.unknown() });

/** Every operator action of the monitor: the same service as POST /api/executions/{id}/{operation}. */
export async function performOperationAction(executionId: string, operation: string, body: unknown): Promise<OperationActionResult> {
  const args = argsSchema.parse({ executionId, operation, body });
  try {
    const result = await performOperation(getDb(), args.executionId, args.operation, args.body ?? {}, "operator (ui)");
    return { ok: true, execution: result.body, createdExecutionId: result.created };
  } catch (error) {
    if (error instanceof ServiceError) return { ok: false, error: { code: error.code, message: error.message, details: error.details } };
    if (error instanceof z.ZodError) {
      return { ok: false, error: { code: "VALIDATION_FAILED", message: "the request is invalid", details: error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) } };
    }
    console.error("[actions] operation failed", error);
    return { ok: false, error: { code: "INTERNAL", message: "internal error; see the server log", details: [] } };
  }
}
