// GET /schema/workflow-test.json – the JSON Schema of a workflow test file (*.test.json), generated from the zod schema
import { NextResponse } from "next/server";
import { workflowTestJsonSchema } from "@/lib/workflow/test-file";

export const dynamic = "force-static";

export function GET() {
  return NextResponse.json(workflowTestJsonSchema(), {
    headers: { "Cache-Control": "public, max-age=300" },
  });
}
