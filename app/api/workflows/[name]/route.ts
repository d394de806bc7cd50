// GET /api/workflows/{name} – the latest version; ?version=N for another. ETag: the content's
// checksum, for a save based on it (POST /api/workflows with If-Match).
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { versionFrom } from "@/lib/http/params";
import { getDb } from "@/lib/db/client";
import { getWorkflow } from "@/lib/services/workflows";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>(async (request, { name }) => {
  const workflow = await getWorkflow(getDb(), name, versionFrom(request));
  return NextResponse.json(workflow, { headers: { ETag: `"${workflow.checksum}"` } });
});
