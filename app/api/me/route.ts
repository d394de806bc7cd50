// GET /api/me – who the credentials belong to: { kind, actor, role } (the CLI's "am I signed in?")
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { actorOf } from "@/lib/auth/principal";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async (_request, _params, principal) =>
  NextResponse.json({ kind: principal.kind, actor: actorOf(principal), role: principal.role }),
);
