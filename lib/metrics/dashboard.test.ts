// The Grafana dashboard in ops/grafana/flowdeck.json queries only metrics this registry exports,
// with labels they have: renaming a metric or a label without the dashboard fails here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { metrics } from "./registry";

type Panel = { id: number; type: string; title: string; targets?: { expr: string }[] };
const dashboard = JSON.parse(readFileSync(join(process.cwd(), "ops", "grafana", "flowdeck.json"), "utf8")) as { uid: string; panels: Panel[]; templating: { list: { query?: unknown }[] } };

/** Every series name the registry exports, with its labels (histograms: _bucket, _sum, _count; `le` on buckets). */
async function exported(): Promise<Map<string, Set<string>>> {
  const names = new Map<string, Set<string>>();
  for (const metric of await metrics().registry.getMetricsAsJSON()) {
    const labels = new Set(((metrics().registry.getSingleMetric(metric.name) as unknown as { labelNames?: string[] }).labelNames ?? []).concat(["instance", "job"]));
    if (String(metric.type) === "histogram") {
      names.set(`${metric.name}_bucket`, new Set([...labels, "le"]));
      names.set(`${metric.name}_sum`, labels);
      names.set(`${metric.name}_count`, labels);
    } else names.set(metric.name, labels);
  }
  return names;
}

const expressions = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));

describe("ops/grafana/flowdeck.json", () => {
  it("has panels with queries, unique ids and a uid", () => {
    expect(dashboard.uid).toBe("flowdeck");
    expect(expressions.length).toBeGreaterThan(15);
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("queries only exported metrics, by labels they have", async () => {
    const names = await exported();
    for (const { panel, expr } of expressions) {
      const used = [...expr.matchAll(/\b((?:flowdeck|nodejs|process)_[a-z0-9_]+)(\{[^}]*\})?/g)];
      expect(used.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      const labelsHere = new Set<string>();
      for (const [, name, selector] of used) {
        const labels = names.get(name!);
        expect(labels, `${panel}: ${name} is not exported`).toBeDefined();
        for (const label of labels!) labelsHere.add(label);
        for (const [, key] of (selector ?? "").matchAll(/([a-z_]+)\s*=~?/g)) expect(labels!.has(key!), `${panel}: ${name} has no label ${key}`).toBe(true);
      }
      for (const [, list] of expr.matchAll(/by \(([^)]*)\)/g)) {
        for (const key of list!.split(",").map((part) => part.trim())) expect(labelsHere.has(key), `${panel}: grouped by ${key}, which its metrics lack`).toBe(true);
      }
    }
  });
});
