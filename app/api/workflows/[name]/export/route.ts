// GET /api/workflows/{name}/export?version=N – the canonical JSON file, as stored
import { route } from "@/lib/http/api";
import { versionFrom } from "@/lib/http/params";
import { getDb } from "@/lib/db/client";
import { exportWorkflow } from "@/lib/services/workflows";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>("viewer", async (request, { name }) => {
  const { fileName, text } = await exportWorkflow(getDb(), name, versionFrom(request));
  return new Response(text, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
    },
  });
});
