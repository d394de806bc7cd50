// POST /api/workflows/import – one definition or an array; validated, all or nothing
import { NextResponse } from "next/server";
import { actorFrom, readJsonBody, route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { importWorkflows } from "@/lib/services/workflows";

export const dynamic = "force-dynamic";

export const POST = route(async (request) => {
  const results = await importWorkflows(getDb(), await readJsonBody(request), actorFrom(request));
  const created = results.some((result) => result.created);
  return NextResponse.json({ results }, { status: created ? 201 : 200 });
});
