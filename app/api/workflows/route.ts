// GET  /api/workflows – latest version of each workflow
// POST /api/workflows – save a definition as a new version (201), unchanged (200), 400 with every problem,
//                       409 when it would overwrite what it was not based on (?baseVersion, If-Match, If-None-Match)
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { actorOf } from "@/lib/auth/principal";
import { savePreconditionFrom } from "@/lib/http/params";
import { getDb } from "@/lib/db/client";
import { SaveConflictError } from "@/lib/services/save-precondition";
import { listWorkflows, saveWorkflow } from "@/lib/services/workflows";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async () => NextResponse.json({ workflows: await listWorkflows(getDb()) }));

export const POST = route("designer", async (request, _params, principal) => {
  const precondition = savePreconditionFrom(request);
  try {
    const result = await saveWorkflow(getDb(), await readJsonBody(request), actorOf(principal), precondition);
    return NextResponse.json(result, { status: result.created ? 201 : 200, headers: { ETag: `"${result.workflow.checksum}"` } });
  } catch (error) {
    // The error body, plus the versions involved (the existing workflow, or the base and the latest).
    if (!(error instanceof SaveConflictError)) throw error;
    const { code, message, details, conflict } = error;
    return NextResponse.json({ error: { code, message, details, conflict } }, { status: 409 });
  }
});
