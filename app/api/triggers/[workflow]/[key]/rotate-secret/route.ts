// POST /api/triggers/{workflow}/{key}/rotate-secret – a new webhook secret; the old one stops working (role: designer; lib/triggers/service.ts says why).
import { NextResponse } from "next/server";
import { readOptionalJsonBody, route } from "@/lib/http/api";
import { actorOf } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { rotateWebhookSecret } from "@/lib/triggers/service";

export const dynamic = "force-dynamic";

export const POST = route<{ workflow: string; key: string }>("designer", async (request, params, principal) => {
  await readOptionalJsonBody(request);
  return NextResponse.json(await rotateWebhookSecret(getDb(), params.workflow, params.key, actorOf(principal)), { status: 200 });
});
