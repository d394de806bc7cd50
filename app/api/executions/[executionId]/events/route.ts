// GET /api/executions/{executionId}/events – the event history: JSON, or a live text/event-stream
// (resumable: Last-Event-ID header or ?after=<id>).
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { sseResponse } from "@/lib/services/sse";
import { getDb } from "@/lib/db/client";
import { listExecutionEvents } from "@/lib/services/executions";
import { streamExecutionEvents } from "@/lib/services/event-stream";
import { eventCursorFrom } from "@/lib/http/params";

export const dynamic = "force-dynamic";

export const GET = route<{ executionId: string }>("viewer", async (request, { executionId }) => {
  const after = eventCursorFrom(request);
  const db = getDb();
  if ((request.headers.get("accept") ?? "").includes("text/event-stream")) {
    await listExecutionEvents(db, executionId, after, 1); // 404 before the stream starts
    return sseResponse(streamExecutionEvents(db, executionId, after, request.signal));
  }
  return NextResponse.json({ events: await listExecutionEvents(db, executionId, after) });
});
