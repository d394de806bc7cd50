// POST /api/workers/tasks/{taskId}/heartbeat – { workerId, details? }: renews the lease of the caller;
// 409 (with the reason) when workerId no longer holds it, 404 for an unknown task.
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { workerIdentity } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { heartbeat } from "@/lib/services/workers";
import { heartbeatBodySchema } from "@/lib/services/worker-schemas";

export const dynamic = "force-dynamic";

export const POST = route<{ taskId: string }>("worker", async (request, { taskId }, principal) => {
  const body = heartbeatBodySchema.parse(await readJsonBody(request));
  return NextResponse.json(await heartbeat(getDb(), { taskId, ...body, workerId: workerIdentity(principal, body.workerId) }));
});
