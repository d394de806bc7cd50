// GET /api/executions/{executionId}/logs – the task logs: a page of lines as JSON (task, mapIndex,
// taskRunId, q, after, limit), or with Accept: text/event-stream a live stream of them
// (resumable: Last-Event-ID header or ?after=<line id>) that ends when the execution has.
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { sseResponse } from "@/lib/services/sse";
import { getDb } from "@/lib/db/client";
import { listTaskLogs, streamTaskLogs, taskLogQuerySchema } from "@/lib/services/task-logs";

export const dynamic = "force-dynamic";

export const GET = route<{ executionId: string }>("viewer", async (request, { executionId }) => {
  const query = taskLogQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const db = getDb();
  if ((request.headers.get("accept") ?? "").includes("text/event-stream")) {
    const resumeFrom = request.headers.get("last-event-id");
    const after = taskLogQuerySchema.shape.after.parse(resumeFrom || query.after);
    await listTaskLogs(db, executionId, { ...query, limit: 1 }); // 404 before the stream starts
    return sseResponse(streamTaskLogs(db, executionId, query, after !== undefined ? BigInt(after) : undefined, request.signal));
  }
  return NextResponse.json(await listTaskLogs(db, executionId, query));
});
