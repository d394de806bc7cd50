// PUT    /api/secrets/{name} – { value } → 201 created / 200 replaced; the answer never holds the value   [admin]
// DELETE /api/secrets/{name} – deletes it; tasks that read it fail with SECRET_NOT_FOUND from then on   [admin]
import { NextResponse } from "next/server";
import { readJsonBody, route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { actorOf } from "@/lib/auth/principal";
import { deleteSecret, setSecret } from "@/lib/secrets/service";
import { assertSecretName } from "@/lib/secrets/names";

export const dynamic = "force-dynamic";

export const PUT = route<{ name: string }>("admin", async (request, { name }, principal) => {
  assertSecretName(name); // before the body: a bad name is named even when the body is bad too
  const { created, secret } = await setSecret(getDb(), name, await readJsonBody(request), actorOf(principal));
  return NextResponse.json({ secret }, { status: created ? 201 : 200 });
});

export const DELETE = route<{ name: string }>("admin", async (_request, { name }) => NextResponse.json(await deleteSecret(getDb(), name)));
