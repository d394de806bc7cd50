// GET /api/health – version, database provider, migrations, engine state
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { getHealth } from "@/lib/services/health";

export const dynamic = "force-dynamic";

export const GET = route("public", async () => NextResponse.json(await getHealth()));
