// GET  /api/workflows – latest version of each workflow
// POST /api/workflows – save a definition as a new version (201), unchanged (200), or 400 with every problem
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { actorOf } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { listWorkflows, saveWorkflow } from "@/lib/services/workflows";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async () => NextResponse.json({ workflows: await listWorkflows(getDb()) }));

export const POST = route("designer", async (request, _params, principal) => {
  const result = await saveWorkflow(getDb(), await readJsonBody(request), actorOf(principal));
  return NextResponse.json(result, { status: result.created ? 201 : 200 });
});
