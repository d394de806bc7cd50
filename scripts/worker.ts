// `npm run worker`: an engine process without the web server (scale-out mode). Run any number of
// them against one PostgreSQL database (claims use FOR UPDATE SKIP LOCKED), with the web tier
// started as FLOWDECK_ENGINE=off npm start. On SQLite a second engine process is safe (BEGIN
// IMMEDIATE, tests/integration/two-engines.test.ts) but adds no throughput (one writer at a time).
import { getDb, closeDb } from "@/lib/db/client";
import { describeDatabase, resolveDatabaseConfig } from "@/lib/db/config";
import { applyMigrations } from "@/lib/db/migrate";
import { Engine } from "@/lib/runtime/engine";
import { engineOptionsFromEnv } from "@/lib/server/engine";
import { startPgNotify } from "@/lib/runtime/pg-notify";

const config = resolveDatabaseConfig();
await applyMigrations(config);
const stopNotify = config.provider === "postgresql" ? await startPgNotify(config.url) : async () => {};
const engine = new Engine(getDb(), config.provider, engineOptionsFromEnv());
engine.start();
console.log(`[worker] ${engine.engineId} running on ${describeDatabase(config)}`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[worker] ${signal}: finishing tasks in flight…`);
  await engine.stop();
  await stopNotify();
  await closeDb();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
