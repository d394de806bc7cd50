import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from "prom-client";
import type { Db } from "@/lib/db/client";
import { updateQueueGauges } from "./queue";
import { metrics } from "./registry";

/** Metrics kept by another thread of this process (the engine thread, lib/server/engine-thread), as JSON. */
export type MetricsSource = () => Promise<MetricObjectWithValues<MetricValue<string>>[]>;

const globalForSources = globalThis as unknown as { flowdeckMetricsSources?: Set<MetricsSource> };
const sources = (globalForSources.flowdeckMetricsSources ??= new Set());

/** Adds another thread's metrics to this process's scrape (summed with ours, as prom-client aggregates a cluster). Returns its removal. */
export function addMetricsSource(source: MetricsSource): () => void {
  sources.add(source);
  return () => void sources.delete(source);
}

/**
 * This process's metrics in the text exposition format. With `db`, the gauges read from the
 * database at scrape time (queue depth) are refreshed first: only /api/metrics passes it, so a
 * deployment reports them once (from its web tier), not once per engine process. The metrics of
 * the process's other threads (addMetricsSource) are summed in: one process, one scrape.
 */
export async function renderMetrics(db?: Db): Promise<{ contentType: string; text: string }> {
  if (db) await updateQueueGauges(db);
  const { registry } = metrics();
  if (sources.size === 0) return { contentType: registry.contentType, text: await registry.metrics() };
  const others = await Promise.all([...sources].map((source) => source().catch(() => [])));
  const merged = AggregatorRegistry.aggregate([await registry.getMetricsAsJSON(), ...others]);
  return { contentType: registry.contentType, text: await merged.metrics() };
}
