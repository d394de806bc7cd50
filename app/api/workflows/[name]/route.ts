// GET /api/workflows/{name} – the latest version; ?version=N for another
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { versionFrom } from "@/lib/http/params";
import { getDb } from "@/lib/db/client";
import { getWorkflow } from "@/lib/services/workflows";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>("viewer", async (request, { name }) =>
  NextResponse.json(await getWorkflow(getDb(), name, versionFrom(request))),
);
