// POST /api/executions – start { workflow, version?, input?, correlationId?, waitSeconds? }
// GET  /api/executions – search: status, workflow, version, correlationId, from, to, q, cursor, limit
import { NextResponse } from "next/server";
import { actorFrom, readJsonBody, route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { startExecution, startExecutionSchema } from "@/lib/services/executions";
import { executionSearchSchema, searchExecutions } from "@/lib/services/execution-search";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";

export const dynamic = "force-dynamic";

export const POST = route(async (request) => {
  const body = startExecutionSchema.parse(await readJsonBody(request));
  const execution = await startExecution(getDb(), body, actorFrom(request));
  // 201 with the finished execution when it ended within waitSeconds; 202 while it still runs.
  const finished = isTerminalExecutionStatus(execution.status as ExecutionStatus);
  return NextResponse.json(execution, { status: finished ? 201 : 202, headers: { Location: `/api/executions/${execution.id}` } });
});

export const GET = route(async (request) => {
  const search = executionSearchSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return NextResponse.json(await searchExecutions(getDb(), search));
});
