// What the designer's server actions (app/workflows/actions.ts) do, as plain functions of the
// actor: save a definition and start a run, with the results the designer reads. Kept out of the
// "use server" module so that nothing here is callable from a browser with a made-up actor.
import type { Db } from "@/lib/db/client";
import type { ValidationIssue } from "@/lib/workflow";
import { saveWorkflow } from "@/lib/services/workflows";
import { startExecution, startExecutionSchema } from "@/lib/services/executions";

/** `warnings`: problems that did not stop the save (e.g. a sub-workflow that does not exist yet). */
export type SavedWorkflow = { created: boolean; name: string; version: number; warnings: ValidationIssue[] };

/**
 * Saves a definition as a new version, or finds the same content already stored (`created: false`).
 * An invalid definition comes back as VALIDATION_FAILED with one detail per problem and its path.
 */
export async function saveFromDesigner(db: Db, definition: unknown, actor: string): Promise<SavedWorkflow> {
  const { created, workflow, warnings } = await saveWorkflow(db, definition, actor);
  return { created, name: workflow.name, version: workflow.version, warnings };
}

/** Starts an execution of a stored workflow version; answers with the new execution's id. */
export async function runFromDesigner(db: Db, request: unknown, actor: string): Promise<{ executionId: string }> {
  const execution = await startExecution(db, startExecutionSchema.parse(request), actor);
  return { executionId: execution.id };
}
