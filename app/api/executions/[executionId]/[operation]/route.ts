// POST /api/executions/{executionId}/{pause|resume|terminate|retry|restart|rerun|skip|approve|reject}
// – an operator operation; body per operation (lib/services/operations). 200 with the updated
// execution (or a dry run's preview), 201 with the new execution for restart.
import { NextResponse } from "next/server";
import { readOptionalJsonBody, route } from "@/lib/http/api";
import { actorOf } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { parseOperation, performOperation } from "@/lib/services/operations";

export const dynamic = "force-dynamic";

export const POST = route<{ executionId: string; operation: string }>("operator", async (request, { executionId, operation }, principal) => {
  const name = parseOperation(operation);
  // pause, resume, retry and restart need no body: none at all counts as {}.
  const body = await readOptionalJsonBody(request);
  const result = await performOperation(getDb(), executionId, name, body, actorOf(principal));
  const headers = result.created ? { Location: `/api/executions/${result.created}` } : undefined;
  return NextResponse.json(result.body, { status: result.status, headers });
});
