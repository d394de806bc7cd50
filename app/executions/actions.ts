"use server";

import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { runAction, type ActionResult } from "@/lib/http/action";
import { actorOf } from "@/lib/auth/principal";
import { ServiceError } from "@/lib/services/errors";
import { executionSearchSchema, matchingExecutionIds } from "@/lib/services/execution-search";
import { performOperation } from "@/lib/services/operations";
import { getWorkflow } from "@/lib/services/workflows";

export type BulkOperationResult = { executionId: string; ok: boolean; message: string }[];
/** The tasks a bulk rerun can start from: each workflow version among the targets, with its tasks. */
export type BulkTaskChoices = { workflow: string; version: number; executions: number; tasks: { key: string; name: string | null; type: string }[] }[];

/** The most executions one bulk action takes, whether picked one by one or as "all N matching". */
const MAX_BULK = 1000;

/** Which executions a bulk action is for: picked ones, or every one a search of the list matches. */
const targetSchema = z.union([
  z.strictObject({ executionIds: z.array(z.string().min(1).max(100)).min(1).max(MAX_BULK) }),
  z.strictObject({ search: executionSearchSchema }),
]);
export type BulkTarget = z.input<typeof targetSchema>;

const bulkSchema = z.object({
  target: targetSchema,
  operation: z.enum(["terminate", "retry", "rerun"]),
  body: z.record(z.string(), z.unknown()),
});

async function resolveTarget(target: z.infer<typeof targetSchema>): Promise<string[]> {
  return "executionIds" in target ? target.executionIds : matchingExecutionIds(getDb(), target.search, MAX_BULK);
}

/**
 * The same operation on a selection of executions, one after the other, each with its own result:
 * one that does not fit its state is refused (and said so) without stopping the others.
 */
export async function bulkOperationAction(target: BulkTarget, operation: string, body: Record<string, unknown>): Promise<ActionResult<BulkOperationResult>> {
  return runAction("bulk operation", "operator", async (principal) => {
    const args = bulkSchema.parse({ target, operation, body });
    return performEach(await resolveTarget(args.target), args.operation, args.body, actorOf(principal));
  });
}

/** The workflow versions of a bulk selection and their tasks, so a bulk rerun picks a task instead of typing a key. */
export async function bulkTaskChoicesAction(target: BulkTarget): Promise<ActionResult<BulkTaskChoices>> {
  return runAction("bulk task choices", "operator", async () => {
    const ids = await resolveTarget(targetSchema.parse(target));
    const rows = await getDb().execution.groupBy({ by: ["workflowName", "workflowVersion"], where: { id: { in: ids } }, _count: { _all: true } });
    const choices: BulkTaskChoices = [];
    for (const row of rows.sort((a, b) => a.workflowName.localeCompare(b.workflowName) || b.workflowVersion - a.workflowVersion)) {
      const workflow = await getWorkflow(getDb(), row.workflowName, row.workflowVersion);
      const tasks = workflow.definition.tasks.map((task) => ({ key: task.key, name: task.name ?? null, type: task.type }));
      choices.push({ workflow: row.workflowName, version: row.workflowVersion, executions: row._count._all, tasks });
    }
    return choices;
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
