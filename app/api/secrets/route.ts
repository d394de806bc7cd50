// GET /api/secrets – every secret's name and who set it when; never a value   [admin]
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { listSecrets } from "@/lib/secrets/service";

export const dynamic = "force-dynamic";

export const GET = route("admin", async () => NextResponse.json({ secrets: await listSecrets(getDb()) }));
