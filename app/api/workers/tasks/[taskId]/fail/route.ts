// POST /api/workers/tasks/{taskId}/fail – { workerId, error: { code?, message, details? }, logs? }:
// fails the caller's attempt (retried per the task's policy); 409 for a late or duplicate result.
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { workerIdentity } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { failTask } from "@/lib/services/workers";
import { failTaskBodySchema } from "@/lib/services/worker-schemas";

export const dynamic = "force-dynamic";

export const POST = route<{ taskId: string }>("worker", async (request, { taskId }, principal) => {
  const body = failTaskBodySchema.parse(await readJsonBody(request));
  return NextResponse.json(await failTask(getDb(), { taskId, ...body, workerId: workerIdentity(principal, body.workerId) }));
});
