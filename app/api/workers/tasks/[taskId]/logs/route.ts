// POST /api/workers/tasks/{taskId}/logs – { workerId, lines }: appends log lines to the caller's
// running attempt (the task inspector streams them); 409 (with the reason) when workerId no longer
// holds the lease, 404 for an unknown task. Lines past the attempt's log limit are dropped and counted.
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { workerIdentity } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { appendTaskLogs } from "@/lib/services/workers";
import { appendLogsBodySchema } from "@/lib/services/worker-schemas";

export const dynamic = "force-dynamic";

export const POST = route<{ taskId: string }>("worker", async (request, { taskId }, principal) => {
  const body = appendLogsBodySchema.parse(await readJsonBody(request));
  return NextResponse.json(await appendTaskLogs(getDb(), { taskId, ...body, workerId: workerIdentity(principal, body.workerId) }));
});
