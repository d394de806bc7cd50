"use server";

import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { runAction, type ActionError } from "@/lib/http/action";
import { actorOf } from "@/lib/auth/principal";
import { operationSchema, performOperation } from "@/lib/services/operations";
import type { ExecutionView } from "@/lib/services/executions";
import type { RerunPreview } from "@/lib/services/operations";

export type OperationActionResult =
  | { ok: true; execution: ExecutionView | RerunPreview; createdExecutionId?: string }
  | { ok: false; error: ActionError };

const argsSchema = z.object({ executionId: z.string().min(1).max(100), operation: operationSchema, body: z.unknown() });

/**
 * Every operator action of the monitor: the same service as POST /api/executions/{id}/{operation},
 * as the signed-in user (operator role or higher), who is recorded as the actor.
 */
export async function performOperationAction(executionId: string, operation: string, body: unknown): Promise<OperationActionResult> {
  const result = await runAction("operation", "operator", async (principal) => {
    const args = argsSchema.parse({ executionId, operation, body });
    const done = await performOperation(getDb(), args.executionId, args.operation, args.body ?? {}, actorOf(principal));
    return { execution: done.body, createdExecutionId: done.created };
  });
  return result.ok ? { ok: true, ...result.value } : result;
}
