// GET  /api/tokens – every API token (never a secret: name, role, prefix, times)   [admin]
// POST /api/tokens – { name, role, expiresInDays? | expiresAt? } → 201 with `token`, shown this once
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { actorOf } from "@/lib/auth/principal";
import { createApiToken, listApiTokens } from "@/lib/auth/api-tokens";

export const dynamic = "force-dynamic";

export const GET = route("admin", async () => NextResponse.json({ tokens: await listApiTokens(getDb()) }));

export const POST = route("admin", async (request, _params, principal) => {
  const created = await createApiToken(getDb(), await readJsonBody(request), actorOf(principal));
  return NextResponse.json(created, { status: 201, headers: { "Cache-Control": "no-store" } });
});
