// POST /api/workflows/import – one definition or an array; validated, all or nothing
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { actorOf } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { importWorkflows } from "@/lib/services/workflows";

export const dynamic = "force-dynamic";

export const POST = route("designer", async (request, _params, principal) => {
  const results = await importWorkflows(getDb(), await readJsonBody(request), actorOf(principal));
  const created = results.some((result) => result.created);
  return NextResponse.json({ results }, { status: created ? 201 : 200 });
});
