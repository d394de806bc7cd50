// GET /api/workflows/{name}/versions – every version, newest first
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { getWorkflowVersions } from "@/lib/services/workflows";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>("viewer", async (_request, { name }) =>
  NextResponse.json({ versions: await getWorkflowVersions(getDb(), name) }),
);
