"use server";

// The designer's writes, as server actions: save a definition as a new version (designer role),
// start an execution (operator role). Each is the same zod schema and service call as its API
// route (POST /api/workflows, POST /api/executions), as the signed-in user, who is recorded.
import { getDb } from "@/lib/db/client";
import { runAction, type ActionResult } from "@/lib/http/action";
import { actorOf } from "@/lib/auth/principal";
import { runFromDesigner, saveFromDesigner, type SavedWorkflow } from "@/lib/services/designer";
import type { StartExecutionRequest } from "@/lib/services/executions";

export async function saveWorkflowAction(definition: unknown): Promise<ActionResult<SavedWorkflow>> {
  return runAction("save workflow", "designer", (principal) => saveFromDesigner(getDb(), definition, actorOf(principal)));
}

export async function startExecutionAction(request: StartExecutionRequest): Promise<ActionResult<{ executionId: string }>> {
  return runAction("start execution", "operator", (principal) => runFromDesigner(getDb(), request, actorOf(principal)));
}
