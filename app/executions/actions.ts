"use server";

import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { runAction, type ActionResult } from "@/lib/http/action";
import { actorOf } from "@/lib/auth/principal";
import { ServiceError } from "@/lib/services/errors";
import { performOperation } from "@/lib/services/operations";

export type BulkOperationResult = { executionId: string; ok: boolean; message: string }[];

const bulkSchema = z.object({
  executionIds: z.array(z.string().min(1).max(100)).min(1).max(200),
  operation: z.enum(["terminate", "retry", "rerun"]),
  body: z.record(z.string(), z.unknown()),
});

/**
 * The same operation on a selection of executions, one after the other, each with its own result:
 * one that does not fit its state is refused (and said so) without stopping the others.
 */
export async function bulkOperationAction(executionIds: string[], operation: string, body: Record<string, unknown>): Promise<ActionResult<BulkOperationResult>> {
  return runAction("bulk operation", "operator", async (principal) => {
    const args = bulkSchema.parse({ executionIds, operation, body });
    return performEach(args.executionIds, args.operation, args.body, actorOf(principal));
  });
}

async function performEach(executionIds: string[], operation: "terminate" | "retry" | "rerun", body: Record<string, unknown>, actor: string): Promise<BulkOperationResult> {
  const results: BulkOperationResult = [];
  for (const executionId of executionIds) {
    try {
      await performOperation(getDb(), executionId, operation, body, actor);
      results.push({ executionId, ok: true, message: "done" });
    } catch (error) {
      if (error instanceof ServiceError || error instanceof z.ZodError) {
        results.push({ executionId, ok: false, message: error instanceof ServiceError ? error.message : error.issues.map((i) => i.message).join("; ") });
      } else {
        console.error("[bulk] operation failed", error);
        results.push({ executionId, ok: false, message: "internal error; see the server log" });
      }
    }
  }
  return results;
}
