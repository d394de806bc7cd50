import { expect, test } from "./fixtures";
import { tokenHeaders } from "./accounts";
import { parseExposition, samplesOf, valueOf } from "../tests/helpers/prometheus";

// GET /api/metrics on the production build (prom-client external to the bundle, the registry
// shared by every chunk): executions run by the embedded engine are counted by workflow and
// status, and API durations carry the route pattern Next matched, never the concrete path.

test("Prometheus metrics: a viewer token scrapes them, labelled by workflow and route pattern", async ({ request, playwright, baseURL }) => {
  const failed = await (await request.post("/api/executions", { data: { workflow: "serial-chain", input: { failAt: "transform" }, waitSeconds: 30 } })).json();
  expect(failed.status).toBe("FAILED");
  const completed = await (await request.post("/api/executions", { data: { workflow: "serial-chain", waitSeconds: 30 } })).json();
  expect(completed.status).toBe("COMPLETED");
  expect((await request.get(`/api/executions/${completed.id}`)).status()).toBe(200);
  expect((await request.get("/api/workflows/serial-chain/versions")).status()).toBe(200);

  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  expect((await anonymous.get("/api/metrics")).status()).toBe(401);
  const headers = await tokenHeaders(request, "prometheus-e2e", "viewer");
  const response = await anonymous.get("/api/metrics", { headers });
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("text/plain");
  const text = await response.text();
  await anonymous.dispose();

  const samples = parseExposition(text);
  expect(valueOf(samples, "flowdeck_executions_started_total", { workflow: "serial-chain" })).toBeGreaterThanOrEqual(2);
  expect(valueOf(samples, "flowdeck_executions_ended_total", { workflow: "serial-chain", status: "COMPLETED" })).toBeGreaterThanOrEqual(1);
  expect(valueOf(samples, "flowdeck_executions_ended_total", { workflow: "serial-chain", status: "FAILED" })).toBeGreaterThanOrEqual(1);
  expect(valueOf(samples, "flowdeck_engine_slots")).toBeGreaterThan(0);
  const routes = new Set(samplesOf(samples, "flowdeck_http_request_duration_seconds_count").map((sample) => sample.labels.route));
  expect(routes).toContain("/api/executions/[executionId]");
  expect(routes).toContain("/api/workflows/[name]/versions");
  expect(routes).toContain("/api/executions");
  for (const route of routes) expect(route, "a route label is a pattern").not.toMatch(/serial-chain|[0-9a-f]{8}-/);
  expect(text).not.toContain(completed.id);
  expect(text).not.toContain(failed.id);
});
