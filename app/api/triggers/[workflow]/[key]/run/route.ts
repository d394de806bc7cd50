// POST /api/triggers/{workflow}/{key}/run – fire it once now, as the caller (role: operator; lib/triggers/service.ts says why).
import { NextResponse } from "next/server";
import { readOptionalJsonBody, route } from "@/lib/http/api";
import { actorOf } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { runTriggerNow } from "@/lib/triggers/service";

export const dynamic = "force-dynamic";

export const POST = route<{ workflow: string; key: string }>("operator", async (request, params, principal) => {
  await readOptionalJsonBody(request);
  return NextResponse.json(await runTriggerNow(getDb(), params.workflow, params.key, actorOf(principal)), { status: 201 });
});
