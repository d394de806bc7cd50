// POST /api/workflows/test – run a definition (saved or a draft) with mocked tasks on a throwaway
// execution (lib/services/workflow-test): the full trace, nothing stored, nothing listed
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { actorOf } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { runWorkflowTest } from "@/lib/services/workflow-test/run";
import { workflowTestRequestSchema } from "@/lib/services/workflow-test/schema";

export const dynamic = "force-dynamic";

export const POST = route("designer", async (request, _params, principal) => {
  const body = workflowTestRequestSchema.parse(await readJsonBody(request));
  return NextResponse.json(await runWorkflowTest(getDb(), body, actorOf(principal)));
});
