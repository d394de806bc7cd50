// GET    /api/workflows/{name} – the latest version; ?version=N for another
// DELETE /api/workflows/{name} – every version (?version=N: that one); 409 while an execution pins one   [designer]
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { versionFrom } from "@/lib/http/params";
import { getDb } from "@/lib/db/client";
import { deleteWorkflow, getWorkflow } from "@/lib/services/workflows";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>("viewer", async (request, { name }) =>
  NextResponse.json(await getWorkflow(getDb(), name, versionFrom(request))),
);

export const DELETE = route<{ name: string }>("designer", async (request, { name }) => NextResponse.json(await deleteWorkflow(getDb(), name, versionFrom(request))));
