// DELETE /api/tokens/{tokenId} – revokes the token at once (it answers 401 from then on)   [admin]
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { revokeApiToken } from "@/lib/auth/api-tokens";

export const dynamic = "force-dynamic";

export const DELETE = route<{ tokenId: string }>("admin", async (_request, { tokenId }) => NextResponse.json(await revokeApiToken(getDb(), tokenId)));
