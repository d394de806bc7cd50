import type { Db } from "@/lib/db/client";
import { updateQueueGauges } from "./queue";
import { metrics } from "./registry";

/**
 * This process's metrics in the text exposition format. With `db`, the gauges read from the
 * database at scrape time (queue depth) are refreshed first: only /api/metrics passes it, so a
 * deployment reports them once (from its web tier), not once per engine process.
 */
export async function renderMetrics(db?: Db): Promise<{ contentType: string; text: string }> {
  if (db) await updateQueueGauges(db);
  const { registry } = metrics();
  return { contentType: registry.contentType, text: await registry.metrics() };
}
