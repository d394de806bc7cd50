/**
 * The metrics endpoint of an engine worker process (scripts/worker.ts): `GET /metrics` on its own
 * port (FLOWDECK_METRICS_PORT), with node:http — a worker has no web server. Prometheus scrapes
 * each worker as its own target, with the same credentials as /api/metrics: an API token of role
 * viewer or higher, checked against the database by the same code as the API (lib/auth), so one
 * scrape token serves every target and revoking it stops them all.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Db } from "@/lib/db/client";
import { authorize } from "@/lib/auth/authenticate";
import { ServiceError } from "@/lib/services/errors";
import { renderMetrics } from "./render";

export type MetricsServerOptions = { port: number; host?: string };

function headersOf(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(", "));
  }
  return headers;
}

async function answer(db: Db, request: IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const path = (request.url ?? "/").split("?")[0];
  if (path !== "/metrics" || (request.method !== "GET" && request.method !== "HEAD")) {
    return { status: 404, headers: { "content-type": "text/plain" }, body: "not found: the metrics are at GET /metrics\n" };
  }
  try {
    await authorize(db, headersOf(request), "viewer");
  } catch (error) {
    if (error instanceof ServiceError) return { status: error.httpStatus, headers: { "content-type": "text/plain" }, body: `${error.httpStatus}: ${error.message}\n` };
    throw error;
  }
  const { contentType, text } = await renderMetrics();
  return { status: 200, headers: { "content-type": contentType }, body: request.method === "HEAD" ? "" : text };
}

export function startMetricsServer(db: Db, options: MetricsServerOptions): Promise<Server> {
  const server = createServer((request, response) => {
    answer(db, request).then(
      ({ status, headers, body }) => response.writeHead(status, headers).end(body),
      (error: unknown) => {
        console.error("[metrics] GET /metrics failed", error);
        response.writeHead(500, { "content-type": "text/plain" }).end("500: the metrics could not be rendered; see the log\n");
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}

/** FLOWDECK_METRICS_PORT and FLOWDECK_METRICS_HOST (default: all interfaces); null without a port. A bad port is refused, naming it. */
export function metricsServerOptionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): MetricsServerOptions | null {
  const raw = env.FLOWDECK_METRICS_PORT?.trim();
  if (!raw) return null;
  const port = Number(raw);
  if (!/^[0-9]+$/.test(raw) || port < 1 || port > 65535) throw new Error(`FLOWDECK_METRICS_PORT must be a port number (1–65535); got '${raw}'`);
  return { port, host: env.FLOWDECK_METRICS_HOST?.trim() || undefined };
}
