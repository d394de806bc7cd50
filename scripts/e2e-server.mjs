// The server Playwright tests run against: the production build (`next build` + `next start`)
// on 127.0.0.1:$E2E_PORT with a FRESH database per run, so e2e runs never see each other's data.
// With DATABASE_URL=postgresql://… a new database is created on that server (and dropped on exit);
// otherwise a new SQLite file under .tmp/.
import { mkdirSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { ensureBuilt, startServer } from "./start.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = process.env.E2E_PORT ?? "3100";
const runId = `${Date.now().toString(36)}_${process.pid}`;
const env = { ...process.env };
const cleanups = [];

ensureBuilt();

// A fresh data directory per run on both databases: the SQLite file, and the secrets key file.
const dataDir = join(root, ".tmp", `e2e-${runId}`);
mkdirSync(dataDir, { recursive: true });
env.FLOWDECK_DATA_DIR = dataDir;
cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));

const baseUrl = process.env.DATABASE_URL ?? "";
if (/^postgres(ql)?:\/\//.test(baseUrl)) {
  const database = `flowdeck_e2e_${runId}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  // Databases of runs that were killed before they could clean up (names carry their start time).
  const { rows } = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'flowdeck\\_e2e\\_%'");
  for (const { datname } of rows) {
    const startedAt = parseInt(datname.split("_")[2] ?? "", 36);
    if (Number.isFinite(startedAt) && Date.now() - startedAt > 3600_000) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  }
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  env.DATABASE_URL = url.toString();
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
  });
  console.log(`[e2e] PostgreSQL database ${database}`);
} else {
  delete env.DATABASE_URL;
  console.log(`[e2e] SQLite in ${dataDir}`);
}

const child = startServer({ port, host: "127.0.0.1", env });
child.removeAllListeners("exit");
child.on("exit", async (code) => {
  for (const cleanup of cleanups) await cleanup().catch((error) => console.error("[e2e] cleanup failed:", error.message));
  process.exit(code ?? 0);
});
