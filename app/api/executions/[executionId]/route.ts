// GET /api/executions/{executionId} – the execution with its tasks and every attempt
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { getExecution } from "@/lib/services/executions";

export const dynamic = "force-dynamic";

export const GET = route<{ executionId: string }>("viewer", async (_request, { executionId }) =>
  NextResponse.json(await getExecution(getDb(), executionId)),
);
