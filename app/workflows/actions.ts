"use server";

// The designer's writes, as server actions: save a definition as a new version and restore an
// older one as a new version (designer role), start an execution (operator role). Each is the same zod schema and service call as its API
// route (POST /api/workflows, POST /api/executions), as the signed-in user, who is recorded.
import { getDb } from "@/lib/db/client";
import { runAction, type ActionError, type ActionResult } from "@/lib/http/action";
import { actorOf } from "@/lib/auth/principal";
import { SaveConflictError, type SaveConflict, type SavePrecondition } from "@/lib/services/save-precondition";
import { restoreFromDesigner, runFromDesigner, saveFromDesigner, type SavedWorkflow } from "@/lib/services/designer";
import type { StartExecutionRequest } from "@/lib/services/executions";

/** A save's answer: saved, refused, or refused as a conflict with the versions involved. */
export type SaveWorkflowResult = ActionResult<SavedWorkflow> | { ok: false; error: ActionError; conflict: SaveConflict };

/** Saves as the signed-in designer; `basedOn` as in lib/services/designer.ts `saveFromDesigner`. */
export async function saveWorkflowAction(definition: unknown, basedOn: SavePrecondition = {}): Promise<SaveWorkflowResult> {
  let conflict: SaveConflict | undefined;
  const result = await runAction("save workflow", "designer", async (principal) => {
    try {
      return await saveFromDesigner(getDb(), definition, actorOf(principal), basedOn);
    } catch (error) {
      if (error instanceof SaveConflictError) conflict = error.conflict;
      throw error;
    }
  });
  return !result.ok && conflict ? { ...result, conflict } : result;
}

/** "Restore as new version" of an older version, as the signed-in designer (recorded as the new version's author). */
export async function restoreVersionAction(name: string, version: number): Promise<ActionResult<SavedWorkflow>> {
  return runAction("restore version", "designer", (principal) => restoreFromDesigner(getDb(), name, version, actorOf(principal)));
}

export async function startExecutionAction(request: StartExecutionRequest): Promise<ActionResult<{ executionId: string }>> {
  return runAction("start execution", "operator", (principal) => runFromDesigner(getDb(), request, actorOf(principal)));
}
