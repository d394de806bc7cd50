// GET /api/executions/{executionId} – the execution with its tasks and every attempt; the header
// X-Last-Event-Id names the last event the view reflects (GET …/live?after= continues from it).
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { getExecution } from "@/lib/services/executions";
import { lastEventIdOf } from "@/lib/services/execution-delta";
import { LAST_EVENT_ID_HEADER } from "@/lib/canvas/live-merge";

export const dynamic = "force-dynamic";

export const GET = route<{ executionId: string }>("viewer", async (_request, { executionId }) => {
  const db = getDb();
  // Read before the view: a change committed in between shows in both, never in neither.
  const lastEventId = await lastEventIdOf(db, executionId);
  const view = await getExecution(db, executionId);
  return NextResponse.json(view, { headers: lastEventId ? { [LAST_EVENT_ID_HEADER]: lastEventId } : {} });
});
