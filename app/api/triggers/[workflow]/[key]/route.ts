// GET /api/triggers/{workflow}/{key} – one trigger and what people did to it (newest first).
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { getTrigger, triggerEvents } from "@/lib/triggers/service";

export const dynamic = "force-dynamic";

export const GET = route<{ workflow: string; key: string }>("viewer", async (_request, params) => {
  const db = getDb();
  return NextResponse.json({ trigger: await getTrigger(db, params.workflow, params.key), events: await triggerEvents(db, params.workflow, params.key) });
});
