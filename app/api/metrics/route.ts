// GET /api/metrics – Prometheus metrics of this process (text exposition format), plus the queue
// depth read from the database; engine workers serve theirs on FLOWDECK_METRICS_PORT (lib/metrics).
import { route } from "@/lib/http/api";
import { getDb } from "@/lib/db/client";
import { renderMetrics } from "@/lib/metrics/render";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async () => {
  const { contentType, text } = await renderMetrics(getDb());
  return new Response(text, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
});
