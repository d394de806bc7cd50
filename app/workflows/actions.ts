"use server";

// The designer's writes, as server actions: save a definition as a new version, start an execution.
// Each is the same zod schema and service call as its API route (POST /api/workflows,
// POST /api/executions), so the designer gets typed results instead of hand-cast fetch responses.
import { getDb } from "@/lib/db/client";
import { actorOf } from "@/lib/auth/principal";
import { runAction, type ActionResult } from "@/lib/http/action";
import type { ValidationIssue } from "@/lib/workflow";
import { saveWorkflow } from "@/lib/services/workflows";
import { startExecution, startExecutionSchema, type StartExecutionRequest } from "@/lib/services/executions";

/** `warnings`: problems that did not stop the save (e.g. a sub-workflow that does not exist yet). */
export type SavedWorkflow = { created: boolean; name: string; version: number; warnings: ValidationIssue[] };

/**
 * Saves a definition as a new version, or finds the same content already stored (`created: false`).
 * An invalid definition comes back as VALIDATION_FAILED with one detail per problem and its path;
 * the service parses it with the definition's zod schema.
 */
export async function saveWorkflowAction(definition: unknown): Promise<ActionResult<SavedWorkflow>> {
  return runAction("save workflow", "designer", async (principal) => {
    const { created, workflow, warnings } = await saveWorkflow(getDb(), definition, actorOf(principal));
    return { created, name: workflow.name, version: workflow.version, warnings };
  });
}

/** Starts an execution of a stored workflow version; answers with the new execution's id. */
export async function startExecutionAction(request: StartExecutionRequest): Promise<ActionResult<{ executionId: string }>> {
  return runAction("start execution", "operator", async (principal) => {
    const execution = await startExecution(getDb(), startExecutionSchema.parse(request), actorOf(principal));
    return { executionId: execution.id };
  });
}
