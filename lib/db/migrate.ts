// Applies Prisma-format migrations at start-up with the raw drivers — no Prisma CLI, no native
// schema engine (neither exists on our offline machines).
//
// Layout (what `prisma migrate dev` writes, one set per provider):
//   prisma/<provider>/migrations/migration_lock.toml
//   prisma/<provider>/migrations/<timestamp>_<name>/migration.sql
//
// Bookkeeping is Prisma's own: the `_prisma_migrations` table with the same DDL, one row per applied
// migration, checksum = sha256 hex of migration.sql. So a machine that has the Prisma CLI can run
// `prisma migrate status` / `prisma migrate deploy` against a database migrated here, and the other
// way round.
//
// Differences from `prisma migrate deploy`, on purpose:
// - Each migration runs in one transaction together with its bookkeeping row. A failing migration
//   rolls back completely and is NOT recorded as failed (Prisma records it because MySQL cannot roll
//   back DDL): the database is unchanged, so fixing the file and restarting is enough.
// - On SQLite, foreign-key enforcement is off while a migration runs and `PRAGMA foreign_key_check`
//   must pass before commit (see `applySqlite`).
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseConfig, DatabaseProvider } from "./config";

export interface MigrationFile {
  /** The folder name, e.g. `20250101000000_init`. */
  name: string;
  sql: string;
  /** sha256 hex of migration.sql, as Prisma computes it. */
  checksum: string;
}

export interface ApplyMigrationsResult {
  /** Migrations this call applied, in order. */
  applied: string[];
  /** Migrations that were already applied (by an earlier run or a concurrent process). */
  alreadyApplied: string[];
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

export interface MigrateOptions {
  /**
   * The folder holding `<timestamp>_<name>/migration.sql` for this provider.
   * @default `$FLOWDECK_MIGRATIONS_DIR/<provider>` if that variable is set, else
   *          `prisma/<provider>/migrations` found from the working directory (or its parents)
   */
  migrationsDir?: string;
  /**
   * PostgreSQL: how long to wait for another process's migration run (advisory lock).
   * SQLite: how long to wait for the write lock.
   * @default 120000
   */
  lockTimeoutMs?: number;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

/**
 * The lock key `prisma migrate` itself takes (prisma-engines, postgres flavour: "72707369 is a unique
 * number we chose to identify Migrate"). Using the same key means our runner and a Prisma CLI on
 * another machine never migrate the same database at the same time.
 */
const PRISMA_MIGRATE_ADVISORY_LOCK = 72707369;
const DEFAULT_LOCK_TIMEOUT_MS = 120_000;

/** `_prisma_migrations` exactly as Prisma's schema engine creates it on SQLite. */
const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/** `_prisma_migrations` exactly as Prisma's schema engine creates it on PostgreSQL. */
const POSTGRES_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** One row of `_prisma_migrations`, the columns we look at. */
interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
  logs: string | null;
}

// ---------------------------------------------------------------------------------------------
// Migration files

/** Finds the migrations folder for a provider; see {@link MigrateOptions.migrationsDir}. */
export function resolveMigrationsDir(provider: DatabaseProvider, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const override = env.FLOWDECK_MIGRATIONS_DIR?.trim();
  if (override) return resolve(override, provider);
  const relative = join("prisma", provider, "migrations");
  const tried: string[] = [];
  for (const start of searchRoots()) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, relative);
      if (existsSync(candidate)) return candidate;
      tried.push(candidate);
      if (dirname(dir) === dir) break;
    }
  }
  throw new MigrationError(
    `No migrations folder for ${provider}: looked for ${relative} from ${process.cwd()} and its parents. Run from the repository root or set FLOWDECK_MIGRATIONS_DIR (a folder holding <provider>/<timestamp>_<name>/migration.sql).`,
  );
}

/** The working directory first (next start, vitest, tsx run from the repo root), then this file's folder. */
function searchRoots(): string[] {
  const roots = [process.cwd()];
  try {
    roots.push(dirname(fileURLToPath(import.meta.url)));
  } catch {
    // Bundled code may have a non-file import.meta.url; the working directory is enough then.
  }
  return roots;
}

/** sha256 hex of a migration script: Prisma's checksum. */
export function migrationChecksum(sql: string | Buffer): string {
  return createHash("sha256").update(sql).digest("hex");
}

/** Reads all migrations of a folder, sorted by folder name (their timestamp prefix). */
export function readMigrationFiles(migrationsDir: string): MigrationFile[] {
  if (!existsSync(migrationsDir)) {
    throw new MigrationError(`Migrations folder ${migrationsDir} does not exist.`);
  }
  return readdirSync(migrationsDir)
    .filter((entry) => statSync(join(migrationsDir, entry)).isDirectory())
    .sort()
    .map((name) => {
      const file = join(migrationsDir, name, "migration.sql");
      if (!existsSync(file)) throw new MigrationError(`Migration ${name} has no migration.sql (${file}).`);
      const bytes = readFileSync(file);
      return { name, sql: bytes.toString("utf8"), checksum: migrationChecksum(bytes) };
    });
}

/**
 * Like Prisma, accept a file whose only change is its line endings (a checkout with autocrlf):
 * the checksum of the file with CRLF turned into LF is compared too.
 */
function checksumMatches(file: MigrationFile, recorded: string): boolean {
  return file.checksum === recorded || migrationChecksum(file.sql.replace(/\r\n/g, "\n")) === recorded;
}

// ---------------------------------------------------------------------------------------------
// Shared rules

function activeRows(rows: MigrationRow[]): MigrationRow[] {
  // A rolled-back row (`prisma migrate resolve --rolled-back`) no longer counts, as in Prisma.
  return rows.filter((row) => row.rolled_back_at === null || row.rolled_back_at === undefined);
}

/**
 * Refuses to go on when the recorded history does not match the files: a failed migration
 * (recorded by `prisma migrate deploy`, needs `prisma migrate resolve`) or a migration whose file was
 * edited after it was applied. Returns the names applied so far.
 */
function checkHistory(files: MigrationFile[], rows: MigrationRow[], where: string): Set<string> {
  const active = activeRows(rows);
  const failed = active.filter((row) => row.finished_at === null || row.finished_at === undefined);
  if (failed.length > 0) {
    const names = failed.map((row) => row.migration_name).join(", ");
    throw new MigrationError(
      `${where}: migration ${names} is recorded as failed in _prisma_migrations${failed[0]?.logs ? ` (${failed[0].logs.split("\n")[0]})` : ""}. Fix the database by hand, then mark it with \`prisma migrate resolve --applied|--rolled-back <name>\` (or delete its row) before starting again.`,
    );
  }
  const byName = new Map(files.map((file) => [file.name, file]));
  const applied = new Set<string>();
  for (const row of active) {
    applied.add(row.migration_name);
    const file = byName.get(row.migration_name);
    if (file && !checksumMatches(file, row.checksum)) {
      throw new MigrationError(
        `${where}: migration ${row.migration_name} was modified after it was applied (checksum in _prisma_migrations ${row.checksum.slice(0, 12)}… ≠ file ${file.checksum.slice(0, 12)}…). Migrations are immutable once applied: restore the original migration.sql and put the change in a new migration.`,
      );
    }
  }
  return applied;
}

function failure(where: string, name: string, error: unknown): MigrationError {
  const message = error instanceof Error ? error.message : String(error);
  const wrapped = new MigrationError(`${where}: migration ${name} failed and was rolled back: ${message}`);
  wrapped.cause = error;
  return wrapped;
}

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Applies the pending migrations of `config`'s provider, each in its own transaction, and records them
 * in `_prisma_migrations` as Prisma does. Safe when several processes start at once: on PostgreSQL
 * they serialize on Prisma's advisory lock, on SQLite on the database write lock; a migration applied
 * by another process meanwhile is reported in `alreadyApplied`.
 */
export async function applyMigrations(config: DatabaseConfig, options: MigrateOptions = {}): Promise<ApplyMigrationsResult> {
  const files = readMigrationFiles(options.migrationsDir ?? resolveMigrationsDir(config.provider));
  return config.provider === "sqlite" ? applySqlite(config.filePath, files, options) : applyPostgres(config.url, files, options);
}

/** Which migrations are applied and which are pending (for /api/health). Never changes the database. */
export async function listMigrations(config: DatabaseConfig, options: MigrateOptions = {}): Promise<MigrationStatus> {
  const files = readMigrationFiles(options.migrationsDir ?? resolveMigrationsDir(config.provider));
  const rows = config.provider === "sqlite" ? readSqliteRows(config.filePath) : await readPostgresRows(config.url);
  const applied = new Set(
    activeRows(rows)
      .filter((row) => row.finished_at !== null && row.finished_at !== undefined)
      .map((row) => row.migration_name),
  );
  return {
    applied: files.filter((file) => applied.has(file.name)).map((file) => file.name),
    pending: files.filter((file) => !applied.has(file.name)).map((file) => file.name),
  };
}

// ---------------------------------------------------------------------------------------------
// SQLite

const SELECT_ROWS = `SELECT "migration_name", "checksum", "finished_at", "rolled_back_at", "logs" FROM "_prisma_migrations" ORDER BY "started_at"`;

function openSqlite(filePath: string, lockTimeoutMs: number): Database.Database {
  const conn = new Database(filePath, { timeout: lockTimeoutMs });
  // WAL is a property of the file: set it here so the database is in WAL mode from its first write.
  conn.pragma("journal_mode = WAL");
  return conn;
}

function readSqliteRows(filePath: string): MigrationRow[] {
  if (!existsSync(filePath)) return [];
  const conn = new Database(filePath, { readonly: true, fileMustExist: true });
  try {
    const table = conn.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`).get();
    return table ? (conn.prepare(SELECT_ROWS).all() as MigrationRow[]) : [];
  } finally {
    conn.close();
  }
}

/*
 * Why BEGIN IMMEDIATE: it takes SQLite's write lock at once (waiting up to the busy timeout), so two
 * processes starting together apply each migration once — the second one waits, then sees the row
 * the first committed and skips it. A deferred BEGIN would let both read "pending" and one fail.
 *
 * Why foreign_keys=OFF: Prisma's SQLite migrations change a table by creating a copy, moving the
 * rows, and DROP TABLE on the original. With enforcement on, that DROP deletes the rows first and
 * fires ON DELETE CASCADE on the child tables — silently emptying them. PRAGMA foreign_keys cannot be
 * changed inside a transaction (Prisma's `PRAGMA foreign_keys=OFF` line in the script is then a
 * no-op), so this connection turns it off before BEGIN, and `PRAGMA foreign_key_check` verifies the
 * result before COMMIT — the procedure SQLite's documentation gives for schema changes.
 */
function applySqlite(filePath: string, files: MigrationFile[], options: MigrateOptions): ApplyMigrationsResult {
  const where = `SQLite ${filePath}`;
  const conn = openSqlite(filePath, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  const result: ApplyMigrationsResult = { applied: [], alreadyApplied: [] };
  try {
    conn.pragma("foreign_keys = OFF");
    conn.exec(SQLITE_MIGRATIONS_TABLE);
    const insert = conn.prepare(
      `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count") VALUES (?, ?, ?, ?, 0)`,
    );
    const finish = conn.prepare(`UPDATE "_prisma_migrations" SET "finished_at" = ?, "applied_steps_count" = 1 WHERE "id" = ?`);
    const rows = conn.prepare(SELECT_ROWS);

    for (const file of files) {
      conn.exec("BEGIN IMMEDIATE");
      try {
        // Re-read under the write lock: another process may have applied it since we started.
        const applied = checkHistory(files, rows.all() as MigrationRow[], where);
        if (applied.has(file.name)) {
          conn.exec("COMMIT");
          result.alreadyApplied.push(file.name);
          continue;
        }
        const id = randomUUID();
        // Prisma's native engine stores these DATETIME columns as Unix epoch milliseconds on SQLite.
        insert.run(id, file.checksum, file.name, Date.now());
        conn.exec(file.sql);
        const violations = conn.pragma("foreign_key_check") as unknown[];
        if (violations.length > 0) {
          throw new MigrationError(`it leaves ${violations.length} foreign key violation(s): ${JSON.stringify(violations.slice(0, 3))}`);
        }
        finish.run(Date.now(), id);
        conn.exec("COMMIT");
        result.applied.push(file.name);
      } catch (error) {
        if (conn.inTransaction) conn.exec("ROLLBACK");
        if (error instanceof MigrationError && error.message.startsWith(where)) throw error;
        throw failure(where, file.name, error);
      }
    }
    return result;
  } finally {
    conn.close();
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

async function connectPostgres(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: "flowdeck-migrate" });
  await client.connect();
  return client;
}

async function readPostgresRows(url: string): Promise<MigrationRow[]> {
  const client = await connectPostgres(url);
  try {
    const exists = await client.query<{ table: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS "table"`);
    if (!exists.rows[0]?.table) return [];
    return (await client.query<MigrationRow>(SELECT_ROWS)).rows;
  } finally {
    await client.end();
  }
}

/*
 * Why an advisory lock for the whole run: PostgreSQL DDL is transactional, but two processes could
 * still both see a migration as pending and run it twice (the second failing on "already exists").
 * A session-level advisory lock on Prisma's own key serializes whole runs — ours and Prisma CLI's —
 * without locking any table the running application uses. It is released explicitly and, should the
 * process die, by PostgreSQL when the session ends.
 */
async function applyPostgres(url: string, files: MigrationFile[], options: MigrateOptions): Promise<ApplyMigrationsResult> {
  const where = `PostgreSQL ${new URL(url).host}${new URL(url).pathname}`;
  const client = await connectPostgres(url);
  const result: ApplyMigrationsResult = { applied: [], alreadyApplied: [] };
  try {
    await client.query(`SET lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS))}`);
    try {
      await client.query(`SELECT pg_advisory_lock(${PRISMA_MIGRATE_ADVISORY_LOCK})`);
    } catch (error) {
      throw new MigrationError(`${where}: timed out waiting for another migration run (advisory lock ${PRISMA_MIGRATE_ADVISORY_LOCK}): ${String(error)}`);
    }
    await client.query("RESET lock_timeout");
    try {
      await client.query(POSTGRES_MIGRATIONS_TABLE);
      const applied = checkHistory(files, (await client.query<MigrationRow>(SELECT_ROWS)).rows, where);
      for (const file of files) {
        if (applied.has(file.name)) {
          result.alreadyApplied.push(file.name);
          continue;
        }
        await client.query("BEGIN");
        try {
          const id = randomUUID();
          await client.query(
            `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count") VALUES ($1, $2, $3, now(), 0)`,
            [id, file.checksum, file.name],
          );
          // A script without parameters goes through the simple query protocol: many statements are fine.
          await client.query(file.sql);
          // clock_timestamp(): now() would be the transaction start, i.e. equal to started_at.
          await client.query(`UPDATE "_prisma_migrations" SET "finished_at" = clock_timestamp(), "applied_steps_count" = 1 WHERE "id" = $1`, [id]);
          await client.query("COMMIT");
          result.applied.push(file.name);
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw failure(where, file.name, error);
        }
      }
      return result;
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${PRISMA_MIGRATE_ADVISORY_LOCK})`).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
