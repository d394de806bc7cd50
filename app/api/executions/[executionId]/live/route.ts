// GET /api/executions/{executionId}/live – the execution's live deltas as a text/event-stream
// (resumable: Last-Event-ID header or ?after=<event id>): what the monitor's live view reads.
import { route } from "@/lib/http/api";
import { sseResponse } from "@/lib/services/sse";
import { getDb } from "@/lib/db/client";
import { listExecutionEvents } from "@/lib/services/executions";
import { streamExecutionDeltas } from "@/lib/services/event-stream";
import { eventCursorFrom } from "@/lib/http/params";

export const dynamic = "force-dynamic";

export const GET = route<{ executionId: string }>("viewer", async (request, { executionId }) => {
  const after = eventCursorFrom(request);
  const db = getDb();
  await listExecutionEvents(db, executionId, after, 1); // 404 before the stream starts
  return sseResponse(streamExecutionDeltas(db, executionId, after, request.signal));
});
