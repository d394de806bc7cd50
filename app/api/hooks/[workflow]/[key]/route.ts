// POST /api/hooks/{workflow}/{key} – a webhook trigger's call (lib/triggers/webhook.ts).
// Public to the session/token layer: the caller proves the trigger's own secret instead
// (X-Flowdeck-Signature-256: sha256=<HMAC of the raw body>, or X-Flowdeck-Token: <secret>).
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { handleWebhook } from "@/lib/triggers/webhook";

export const dynamic = "force-dynamic";

export const POST = route<{ workflow: string; key: string }>("public", async (request, params) => {
  const answer = await handleWebhook(getDb(), params.workflow, params.key, request);
  return NextResponse.json(answer.body, { status: answer.status, headers: answer.headers });
});
