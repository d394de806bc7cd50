// GET  /api/users – every user (never a password hash)   [admin]
// POST /api/users – { email, password, role?, name? } → 201 with the user
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { actorOf } from "@/lib/auth/principal";
import { createUser, listUsers } from "@/lib/auth/users";

export const dynamic = "force-dynamic";

export const GET = route("admin", async () => NextResponse.json({ users: await listUsers(getDb()) }));

export const POST = route("admin", async (request, _params, principal) =>
  NextResponse.json(await createUser(getDb(), await readJsonBody(request), actorOf(principal)), { status: 201 }),
);
