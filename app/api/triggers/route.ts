// GET /api/triggers[?workflow=name] – every trigger of the latest versions with its state, next and
// last fire and last execution (lib/triggers/service.ts).
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { listTriggers } from "@/lib/triggers/service";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async (request) => {
  const workflow = new URL(request.url).searchParams.get("workflow") ?? undefined;
  return NextResponse.json({ triggers: await listTriggers(getDb(), { workflow }) });
});
