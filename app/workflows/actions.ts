"use server";

// The designer's writes, as server actions: save a definition as a new version, start an execution.
// Each is the same zod schema and service call as its API route (POST /api/workflows,
// POST /api/executions), so the designer gets typed results instead of hand-cast fetch responses.
import { getDb } from "@/lib/db/client";
import { runAction, type ActionError, type ActionResult } from "@/lib/http/action";
import type { ValidationIssue } from "@/lib/workflow";
import { SaveConflictError, savePreconditionSchema, type SaveConflict, type SavePrecondition } from "@/lib/services/save-precondition";
import { saveWorkflow } from "@/lib/services/workflows";
import { startExecution, startExecutionSchema, type StartExecutionRequest } from "@/lib/services/executions";

/**
 * Who the designer's saves and runs are recorded as: "api", what they were recorded as while the
 * designer posted to the API routes (which use "api" without an x-flowdeck-actor header).
 */
const DESIGNER_ACTOR = "api";

/** `warnings`: problems that did not stop the save (e.g. a sub-workflow that does not exist yet). */
export type SavedWorkflow = { created: boolean; name: string; version: number; warnings: ValidationIssue[] };

/** A save's answer: saved, refused, or refused as a conflict with the versions involved. */
export type SaveWorkflowResult = ActionResult<SavedWorkflow> | { ok: false; error: ActionError; conflict: SaveConflict };

/**
 * Saves a definition as a new version, or finds the same content already stored (`created: false`).
 * An invalid definition comes back as VALIDATION_FAILED with one detail per problem and its path;
 * the service parses it with the definition's zod schema. `basedOn` is what the designer opened:
 * `{ create: true }` for a new workflow (refused if the name exists), `{ baseVersion }` for a
 * stored one (refused if another version was saved since); a conflict carries both versions.
 */
export async function saveWorkflowAction(definition: unknown, basedOn: SavePrecondition = {}): Promise<SaveWorkflowResult> {
  let conflict: SaveConflict | undefined;
  const result = await runAction("save workflow", async () => {
    try {
      const { created, workflow, warnings } = await saveWorkflow(getDb(), definition, DESIGNER_ACTOR, savePreconditionSchema.parse(basedOn));
      return { created, name: workflow.name, version: workflow.version, warnings };
    } catch (error) {
      if (error instanceof SaveConflictError) conflict = error.conflict;
      throw error;
    }
  });
  return !result.ok && conflict ? { ...result, conflict } : result;
}

/** Starts an execution of a stored workflow version; answers with the new execution's id. */
export async function startExecutionAction(request: StartExecutionRequest): Promise<ActionResult<{ executionId: string }>> {
  return runAction("start execution", async () => {
    const execution = await startExecution(getDb(), startExecutionSchema.parse(request), DESIGNER_ACTOR);
    return { executionId: execution.id };
  });
}
