// POST /api/executions – start { workflow, version?, input?, correlationId?, waitSeconds? }
// GET  /api/executions – search: status, workflow, version, correlationId, trigger, from, to, q, limit; cursor / newerThan page older / newer
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { actorOf } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { startExecution, startExecutionSchema } from "@/lib/services/executions";
import { executionSearchSchema, searchExecutions } from "@/lib/services/execution-search";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";

export const dynamic = "force-dynamic";

export const POST = route("operator", async (request, _params, principal) => {
  const body = startExecutionSchema.parse(await readJsonBody(request));
  const execution = await startExecution(getDb(), body, actorOf(principal));
  // 201 with the finished execution when it ended within waitSeconds; 202 while it still runs.
  const finished = isTerminalExecutionStatus(execution.status as ExecutionStatus);
  return NextResponse.json(execution, { status: finished ? 201 : 202, headers: { Location: `/api/executions/${execution.id}` } });
});

export const GET = route("viewer", async (request) => {
  const search = executionSearchSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return NextResponse.json(await searchExecutions(getDb(), search));
});
