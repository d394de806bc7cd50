// GET  /api/workflows – latest version of each workflow
// POST /api/workflows – save a definition as a new version (201), unchanged (200), 400 with every problem,
//                       409 when it would overwrite what it was not based on (?baseVersion, If-Match, If-None-Match)
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { actorOf } from "@/lib/auth/principal";
import { savePreconditionFrom } from "@/lib/http/params";
import { getDb } from "@/lib/db/client";
import { answerSave } from "@/lib/http/save-answer";
import { listWorkflows, saveWorkflow } from "@/lib/services/workflows";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async () => NextResponse.json({ workflows: await listWorkflows(getDb()) }));

export const POST = route("designer", async (request, _params, principal) =>
  answerSave(saveWorkflow(getDb(), await readJsonBody(request), actorOf(principal), savePreconditionFrom(request))),
);
