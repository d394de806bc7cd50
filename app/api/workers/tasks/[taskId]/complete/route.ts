// POST /api/workers/tasks/{taskId}/complete – { workerId, output?, logs? }: completes the caller's
// attempt; 409 (with the reason) for a late or duplicate result, which changes nothing.
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { workerIdentity } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { completeTask } from "@/lib/services/workers";
import { completeTaskBodySchema } from "@/lib/services/worker-schemas";

export const dynamic = "force-dynamic";

export const POST = route<{ taskId: string }>("worker", async (request, { taskId }, principal) => {
  const body = completeTaskBodySchema.parse(await readJsonBody(request));
  return NextResponse.json(await completeTask(getDb(), { taskId, ...body, workerId: workerIdentity(principal, body.workerId) }));
});
