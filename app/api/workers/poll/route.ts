// POST /api/workers/poll – { taskType, workerId, max?, waitMs?, leaseMs? } → { tasks: [...] }: claimed
// attempts, each RUNNING under a lease held by workerId, bound to the caller's token (lib/auth/principal.ts workerIdentity) (long poll: waits up to waitMs for one).
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { workerIdentity } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { resolveDatabaseConfig } from "@/lib/db/config";
import { pollTasks } from "@/lib/services/workers";
import { pollTasksSchema } from "@/lib/services/worker-schemas";

export const dynamic = "force-dynamic";

export const POST = route("worker", async (request, _params, principal) => {
  const body = pollTasksSchema.parse(await readJsonBody(request));
  // request.signal: a worker that hangs up stops the wait (nothing is claimed for it after that).
  const tasks = await pollTasks(getDb(), resolveDatabaseConfig().provider, { ...body, workerId: workerIdentity(principal, body.workerId) }, { signal: request.signal });
  return NextResponse.json({ tasks });
});
