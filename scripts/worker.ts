// `npm run worker`: an engine process without the web server (scale-out mode). Run any number of
// them against one PostgreSQL database (claims use FOR UPDATE SKIP LOCKED), with the web tier
// started as FLOWDECK_ENGINE=off npm start. On SQLite a second engine process is safe (BEGIN
// IMMEDIATE, tests/integration/two-engines.test.ts) but adds no throughput (one writer at a time).
import { getDb } from "@/lib/db/client";
import { describeDatabase, resolveDatabaseConfig } from "@/lib/db/config";
import { applyMigrations } from "@/lib/db/migrate";
import { Engine } from "@/lib/runtime/engine";
import { engineOptionsFromEnv } from "@/lib/server/engine-options";
import { startPgNotify } from "@/lib/runtime/pg-notify";
import { installShutdownHandlers, registerShutdownCloser, registerShutdownEngine } from "@/lib/server/shutdown";
import { prepareSecretsKey } from "@/lib/secrets/startup";
import { metricsServerOptionsFromEnv, startMetricsServer } from "@/lib/metrics/server";
import { checkSettings } from "@/lib/server/settings-check";
import { exitOnSettingError } from "@/lib/server/setting-exit";

try {
  checkSettings();
} catch (error) {
  exitOnSettingError(error, "worker");
}
const config = resolveDatabaseConfig();
// FLOWDECK_METRICS_PORT: this process's Prometheus metrics at GET /metrics (a bad value stops it here, named).
const metricsOptions = metricsServerOptionsFromEnv();
await applyMigrations(config);
// Reads the secrets key (FLOWDECK_SECRETS_KEY, or the data directory's key file); never creates one.
await prepareSecretsKey(getDb(), "worker", config.provider);
const engine = new Engine(getDb(), config.provider, engineOptionsFromEnv());
if (config.provider === "postgresql") registerShutdownCloser(await startPgNotify(config.url));
registerShutdownEngine(engine);
// SIGTERM / SIGINT: stop claiming, let running attempts finish within FLOWDECK_SHUTDOWN_GRACE_MS
// (default 10 s), give back the rest, close, exit (lib/server/shutdown.ts).
installShutdownHandlers("worker");
engine.start();
if (metricsOptions) {
  const server = await startMetricsServer(getDb(), metricsOptions);
  registerShutdownCloser(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a scraper's kept-alive connection must not hold the exit
      }),
  );
  console.log(`[worker] metrics at http://${metricsOptions.host ?? "0.0.0.0"}:${metricsOptions.port}/metrics`);
}
console.log(`[worker] ${engine.engineId} running on ${describeDatabase(config)}`);
