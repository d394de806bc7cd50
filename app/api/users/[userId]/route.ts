// PATCH  /api/users/{userId} – { role?, disabled?, name?, password? }; the last admin stays an admin   [admin]
// DELETE /api/users/{userId} – removes the user and their sessions
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { deleteUser, updateUser } from "@/lib/auth/users";

export const dynamic = "force-dynamic";

export const PATCH = route<{ userId: string }>("admin", async (request, { userId }) => NextResponse.json(await updateUser(getDb(), userId, await readJsonBody(request))));

export const DELETE = route<{ userId: string }>("admin", async (_request, { userId }) => {
  await deleteUser(getDb(), userId);
  return new Response(null, { status: 204 });
});
