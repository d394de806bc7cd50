// Real databases for integration tests: a fresh SQLite file or a fresh PostgreSQL database per call.
//
//   describe.each(TEST_PROVIDERS)("… on %s", (provider) => {
//     let testDb: TestDatabase;
//     beforeAll(async () => { testDb = await createTestDatabase(provider); });
//     afterAll(() => testDb.cleanup());
//   });
//
// PostgreSQL: the server of FLOWDECK_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
// Each call creates `flowdeck_t_<random>` by cloning a template database that has all migrations
// applied (built once per migration set, shared by all test files), so parallel vitest workers
// never share a database and do not pay for migrations each time. Dropped WITH (FORCE) on cleanup.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { createPrismaClient, type Db } from "@/lib/db/client";
import { maskPassword, type DatabaseConfig } from "@/lib/db/config";
import { applyMigrations, readMigrationFiles, resolveMigrationsDir } from "@/lib/db/migrate";

export const TEST_PROVIDERS = ["sqlite", "postgresql"] as const;
export type TestProvider = (typeof TEST_PROVIDERS)[number];

export const DEFAULT_TEST_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  provider: TestProvider;
  config: DatabaseConfig;
  db: Db;
  /** Disconnects `db` and deletes the database (file or PostgreSQL database). */
  cleanup(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Apply all migrations. `false` gives an empty database (migration tests). @default true */
  migrate?: boolean;
}

export function testPostgresBaseUrl(): string {
  return process.env.FLOWDECK_TEST_POSTGRES_URL?.trim() || DEFAULT_TEST_POSTGRES_URL;
}

export async function createTestDatabase(provider: TestProvider, options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  if (provider === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "flowdeck-test-"));
    const config: DatabaseConfig = { provider: "sqlite", filePath: join(dir, "flowdeck.db") };
    if (migrate) await applyMigrations(config);
    const db = createPrismaClient(config);
    return {
      provider,
      config,
      db,
      async cleanup() {
        await db.$disconnect();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  const baseUrl = testPostgresBaseUrl();
  const name = `flowdeck_t_${randomBytes(5).toString("hex")}`;
  await withAdminClient(baseUrl, async (admin) => {
    const template = migrate ? await ensureMigratedTemplate(admin, baseUrl) : "template0";
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  });
  const config: DatabaseConfig = { provider: "postgresql", url: databaseUrl(baseUrl, name) };
  // Small pools: test files run in parallel and PostgreSQL allows 100 connections by default.
  const db = createPrismaClient(config, { maxConnections: 4 });
  return {
    provider,
    config,
    db,
    async cleanup() {
      await db.$disconnect();
      await dropTestDatabase(name);
    },
  };
}

/** Drops a test database (WITH (FORCE): any connection a test leaked is terminated). */
export async function dropTestDatabase(name: string): Promise<void> {
  await withAdminClient(testPostgresBaseUrl(), (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** The base URL with another database name. */
export function databaseUrl(baseUrl: string, databaseName: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${databaseName}`;
  return url.toString();
}

async function withAdminClient<T>(baseUrl: string, withClient: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL integration tests need a server: could not connect to ${maskPassword(baseUrl)} (${error instanceof Error ? error.message : String(error)}). ` +
        `Start PostgreSQL there, or set FLOWDECK_TEST_POSTGRES_URL to a URL whose user may CREATE DATABASE, e.g. FLOWDECK_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres.`,
    );
  }
  try {
    return await withClient(client);
  } finally {
    await client.end();
  }
}

/** Serializes template creation across parallel vitest workers (any key unique to this purpose). */
const TEMPLATE_LOCK_KEY = 0x666c6f77; // "flow"

/**
 * Returns the name of a database with all current migrations applied, creating it when missing.
 * Its name carries a hash of the migration files, so editing or adding a migration builds a new one
 * (and drops the outdated ones). Built under another name and renamed when complete, so a crash
 * mid-way never leaves a half-migrated template behind.
 */
async function ensureMigratedTemplate(admin: pg.Client, baseUrl: string): Promise<string> {
  const files = readMigrationFiles(resolveMigrationsDir("postgresql"));
  const hash = createHash("sha256")
    .update(files.map((file) => `${file.name}:${file.checksum}`).join("\n"))
    .digest("hex")
    .slice(0, 12);
  const template = `flowdeck_tpl_${hash}`;
  await admin.query(`SELECT pg_advisory_lock(${TEMPLATE_LOCK_KEY})`);
  try {
    const existing = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'flowdeck\\_tpl\\_%'`);
    if (existing.rows.some((row) => row.datname === template)) return template;
    for (const row of existing.rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    }
    const building = `${template}_building`;
    await admin.query(`CREATE DATABASE "${building}" TEMPLATE template0`);
    await applyMigrations({ provider: "postgresql", url: databaseUrl(baseUrl, building) });
    await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    return template;
  } finally {
    await admin.query(`SELECT pg_advisory_unlock(${TEMPLATE_LOCK_KEY})`);
  }
}
