// What the designer's server actions (app/workflows/actions.ts) do, as plain functions of the
// actor: save a definition and start a run, with the results the designer reads. Kept out of the
// "use server" module so that nothing here is callable from a browser with a made-up actor.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { ValidationIssue } from "@/lib/workflow";
import { restoreWorkflowVersion, saveWorkflow } from "@/lib/services/workflows";
import { savePreconditionSchema, type SavePrecondition } from "@/lib/services/save-precondition";
import { startExecution, startExecutionSchema } from "@/lib/services/executions";

/** `warnings`: problems that did not stop the save (e.g. a sub-workflow that does not exist yet). */
export type SavedWorkflow = { created: boolean; name: string; version: number; warnings: ValidationIssue[] };

/**
 * Saves a definition as a new version, or finds the same content already stored (`created: false`).
 * An invalid definition comes back as VALIDATION_FAILED with one detail per problem and its path.
 * `basedOn` is what the designer opened: `{ create: true }` for a new workflow (refused if the
 * name exists), `{ baseVersion }` for a stored one (refused if another version was saved since);
 * a refusal is a SaveConflictError carrying both versions.
 */
export async function saveFromDesigner(db: Db, definition: unknown, actor: string, basedOn: SavePrecondition = {}): Promise<SavedWorkflow> {
  const { created, workflow, warnings } = await saveWorkflow(db, definition, actor, savePreconditionSchema.parse(basedOn));
  return { created, name: workflow.name, version: workflow.version, warnings };
}

/** "Restore as new version": saves version `version` of `name` as the next version, recorded with `actor`. */
export async function restoreFromDesigner(db: Db, name: unknown, version: unknown, actor: string): Promise<SavedWorkflow> {
  const target = restoreTargetSchema.parse({ name, version });
  const { created, workflow, warnings } = await restoreWorkflowVersion(db, target.name, target.version, actor);
  return { created, name: workflow.name, version: workflow.version, warnings };
}

const restoreTargetSchema = z.object({ name: z.string().min(1).max(200), version: z.number().int().positive() });

/** Starts an execution of a stored workflow version; answers with the new execution's id. */
export async function runFromDesigner(db: Db, request: unknown, actor: string): Promise<{ executionId: string }> {
  const execution = await startExecution(db, startExecutionSchema.parse(request), actor);
  return { executionId: execution.id };
}
