// GET /api/triggers/{workflow}/{key}/secret – the webhook's secret (reading it is recorded) (role: operator; lib/triggers/service.ts says why).
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { actorOf } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { revealWebhookSecret } from "@/lib/triggers/service";

export const dynamic = "force-dynamic";

export const GET = route<{ workflow: string; key: string }>("operator", async (_request, params, principal) => {
  return NextResponse.json(await revealWebhookSecret(getDb(), params.workflow, params.key, actorOf(principal)), { status: 200 });
});
