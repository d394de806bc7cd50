// GET /api/openapi.json – the OpenAPI 3.1 document of this API, generated from the routes' zod
// schemas (lib/http/openapi). Public, like /schema/workflow.json: it describes shapes and holds no
// data, and tools (the CLI, code generators, editors) read it before they have credentials.
import { NextResponse } from "next/server";
import { route } from "@/lib/http/api";
import { openApiDocument } from "@/lib/http/openapi/document";

export const dynamic = "force-dynamic";

export const GET = route("public", async () => NextResponse.json(openApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } }));
