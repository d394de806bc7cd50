// GET /schema/workflow.json – the definition's JSON Schema, generated from the zod schema
import { NextResponse } from "next/server";
import { workflowJsonSchema } from "@/lib/workflow";

export const dynamic = "force-static";

export function GET() {
  return NextResponse.json(workflowJsonSchema(), {
    headers: { "Cache-Control": "public, max-age=300" },
  });
}
