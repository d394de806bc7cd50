// The Prisma client for the configured provider, behind one type: Db.
//
// Server-only module (better-sqlite3 / pg). It deliberately has no `import "server-only"`: that
// package throws outside a React Server Components build, which would break vitest and tsx
// scripts. Keep lib/db out of client components instead.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import type Database from "better-sqlite3";
import type { Pool } from "pg";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgresql/client";
import { PrismaClient as SqlitePrismaClient } from "./generated/sqlite/client";
import { resolveDatabaseConfig, type DatabaseConfig } from "./config";
import { SettingError } from "@/lib/workflow/setting-error";

/**
 * The database client used everywhere in lib/. Both generated clients come from the same model
 * source (prisma/models.prisma) and so have the same model API; only their provider-specific
 * internals differ. We use the SQLite client's type as the one shared type and cast the PostgreSQL
 * client to it. Provider-specific SQL (the claim queries) branches on `getDbConfig().provider`.
 */
export type Db = SqlitePrismaClient;

/** The client inside an interactive transaction (`db.$transaction(async (tx) => …)`). */
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/**
 * How DateTime values are stored on SQLite (the adapter's `timestampFormat`).
 *
 * We pick "iso8601" on purpose (it is also the adapter's default): values are TEXT like
 * `2025-01-31T12:00:00.000+00:00` — always UTC, always millisecond precision, fixed width — so a
 * plain string comparison orders them chronologically, indexes on (status, nextRunAt) work, the
 * database stays readable in the sqlite3 shell, and SQLite's date functions understand them.
 *
 * Rule for raw SQL on SQLite: bind times as JS `Date` parameters through Prisma
 * (`$queryRaw\`… WHERE "nextRunAt" <= ${now}\``); the adapter formats them exactly like stored
 * values. Never compare with CURRENT_TIMESTAMP / datetime('now'): those produce
 * `2025-01-31 12:00:00` (space, no millis, no offset), which does not compare correctly.
 * (`@default(now())` and `@updatedAt` are filled in by Prisma Client, not by the column default,
 * so every row written through Prisma has the ISO form; the integration tests check this.)
 */
export const SQLITE_TIMESTAMP_FORMAT = "iso8601" as const;

/** @default 10000 — how long a SQLite writer waits for the write lock before SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * SQLite's durability (FLOWDECK_SQLITE_SYNCHRONOUS):
 * - `normal` (the default): with WAL, durable across application crashes and kill -9 (the
 *   reliability tests kill the server mid-burst and lose nothing); a power loss or an OS crash may
 *   lose the last transactions, never corrupting the database. About 10× fewer fsyncs than FULL.
 * - `full`: every commit is fsynced before it returns, so it also survives a power loss.
 */
export function sqliteSynchronous(env: Readonly<Record<string, string | undefined>> = process.env): "NORMAL" | "FULL" {
  const value = env.FLOWDECK_SQLITE_SYNCHRONOUS?.trim().toLowerCase();
  if (value === undefined || value === "" || value === "normal") return "NORMAL";
  if (value === "full") return "FULL";
  throw new SettingError(`FLOWDECK_SQLITE_SYNCHRONOUS must be 'normal' or 'full', not '${env.FLOWDECK_SQLITE_SYNCHRONOUS}'`);
}

/**
 * Per-connection SQLite settings, applied to every connection the adapter opens.
 * - journal_mode=WAL: readers never block the writer (persistent, stored in the file).
 * - synchronous: NORMAL or FULL, see sqliteSynchronous.
 * - busy_timeout: wait for the write lock instead of failing at once with SQLITE_BUSY.
 * - foreign_keys=ON: SQLite's default is OFF; our relations (cascades) rely on it.
 */
export function sqliteConnectionPragmas(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  return ["PRAGMA journal_mode = WAL", `PRAGMA synchronous = ${sqliteSynchronous(env)}`, `PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`, "PRAGMA foreign_keys = ON"];
}

/**
 * One writer at a time on the process's SQLite connection. The adapter serializes interactive
 * transactions with a private mutex but runs plain queries straight on the shared connection —
 * inside whatever transaction another async flow has open, so a rollback there would undo them and
 * they would read its uncommitted rows. Every query, transaction and engine fast-path transaction
 * (lib/runtime/store.ts) of the process takes this lock instead.
 */
export class AsyncLock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return acquired;
  }
}

type SqliteAdapter = SqlDriverAdapter & { client: Database.Database };

/** The driver under a Prisma client (the engine's hot path talks to it directly: lib/runtime/store.ts). */
export type Driver = { provider: "sqlite"; client: Database.Database; lock: AsyncLock } | { provider: "postgresql"; pool: Pool };

/**
 * The adapter has no hook for connection setup, so we extend its factory: every connection it
 * hands to Prisma Client runs the pragmas first (also after a `$disconnect()` and reconnect),
 * takes the process lock for every statement (see AsyncLock), and starts transactions with BEGIN
 * IMMEDIATE: a transaction that reads then writes must hold the write lock from its start, or a
 * second writing process can make it fail with SQLITE_BUSY_SNAPSHOT.
 */
class FlowdeckSqliteAdapterFactory extends PrismaBetterSqlite3 {
  readonly lock = new AsyncLock();
  current: SqliteAdapter | null = null;

  override async connect(): Promise<SqlDriverAdapter> {
    const adapter = (await super.connect()) as SqliteAdapter;
    await adapter.executeScript(sqliteConnectionPragmas().join(";\n"));
    const client = adapter.client;
    const prepare = client.prepare.bind(client);
    client.prepare = ((sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql)) as typeof client.prepare;
    const lock = this.lock;
    const locked = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        const release = await lock.acquire();
        try {
          return await fn(...args);
        } finally {
          release();
        }
      };
    adapter.queryRaw = locked(adapter.queryRaw.bind(adapter));
    adapter.executeRaw = locked(adapter.executeRaw.bind(adapter));
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args) => {
      const release = await lock.acquire();
      try {
        const tx = await startTransaction(...args);
        const commit = tx.commit.bind(tx);
        const rollback = tx.rollback.bind(tx);
        tx.commit = async () => {
          try {
            return await commit();
          } finally {
            release();
          }
        };
        tx.rollback = async () => {
          try {
            return await rollback();
          } finally {
            release();
          }
        };
        return tx;
      } catch (error) {
        release();
        throw error;
      }
    };
    this.current = adapter;
    return adapter;
  }
}

/** Keeps the pool Prisma's adapter uses, for the engine's hot path. */
class FlowdeckPgAdapterFactory extends PrismaPg {
  pool: Pool | null = null;

  override async connect() {
    const adapter = await super.connect();
    this.pool = adapter.underlyingDriver() as unknown as Pool;
    return adapter;
  }
}

// On globalThis: Next.js may bundle this module into several chunks, each with its own copy of
// module state, while the client travels between them.
const globalForFactories = globalThis as typeof globalThis & { __flowdeckDriverFactories?: WeakMap<object, FlowdeckSqliteAdapterFactory | FlowdeckPgAdapterFactory> };
const factories = (globalForFactories.__flowdeckDriverFactories ??= new WeakMap());

/** The driver under a client made by createPrismaClient (connecting it first if need be). */
export async function driverOf(db: Db): Promise<Driver> {
  const factory = factories.get(db);
  if (!factory) throw new Error("driverOf: this client was not made by createPrismaClient");
  if ("lock" in factory) {
    if (!factory.current) await db.$queryRawUnsafe("SELECT 1");
    return { provider: "sqlite", client: factory.current!.client, lock: factory.lock };
  }
  if (!factory.pool) await db.$queryRawUnsafe("SELECT 1");
  return { provider: "postgresql", pool: factory.pool! };
}

export interface CreatePrismaClientOptions {
  /** PostgreSQL only: the pool size. @default 10 (pg's default); the app's client uses FLOWDECK_DB_POOL_SIZE (20) */
  maxConnections?: number;
}

/**
 * Interactive transactions wait for a connection up to `maxWait` (Prisma's default is 2 s). An
 * engine with many attempts in flight can briefly want more connections than the pool has; such a
 * wait must queue, not fail the task. @default { maxWait: 10000, timeout: 20000 }
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

/** A new Prisma client for the given database. The caller owns it (`$disconnect()` when done). */
export function createPrismaClient(config: DatabaseConfig, options: CreatePrismaClientOptions = {}): Db {
  if (config.provider === "sqlite") {
    const adapter = new FlowdeckSqliteAdapterFactory(
      { url: config.filePath, timeout: SQLITE_BUSY_TIMEOUT_MS },
      { timestampFormat: SQLITE_TIMESTAMP_FORMAT },
    );
    const client = new SqlitePrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });
    factories.set(client, adapter);
    return client;
  }
  const adapter = new FlowdeckPgAdapterFactory({ connectionString: config.url, max: options.maxConnections });
  // Same model API, different generated internals: see the comment on `Db`.
  const client = new PostgresPrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS }) as unknown as Db;
  factories.set(client, adapter);
  return client;
}

type DbSingleton = { config: DatabaseConfig; db: Db };
const globalForDb = globalThis as typeof globalThis & { __flowdeckDb?: DbSingleton };

/**
 * The process-wide client, built from {@link resolveDatabaseConfig} on first use. Cached on
 * `globalThis` so that Next.js dev hot reloads (which re-evaluate modules) reuse it instead of
 * opening a new pool each time.
 */
export function getDb(): Db {
  return getDbSingleton().db;
}

/** The config the process-wide client was built from. */
export function getDbConfig(): DatabaseConfig {
  return getDbSingleton().config;
}

function getDbSingleton(): DbSingleton {
  if (!globalForDb.__flowdeckDb) {
    const config = resolveDatabaseConfig();
    // Sized for an engine's attempts in flight plus web requests; several processes share the
    // server's max_connections (100 by default), so keep pool × processes below it.
    const maxConnections = Number(process.env.FLOWDECK_DB_POOL_SIZE ?? 20);
    globalForDb.__flowdeckDb = { config, db: createPrismaClient(config, { maxConnections }) };
  }
  return globalForDb.__flowdeckDb;
}

/** Disconnects and forgets the process-wide client (shutdown, tests). Safe to call twice. */
export async function closeDb(): Promise<void> {
  const singleton = globalForDb.__flowdeckDb;
  globalForDb.__flowdeckDb = undefined;
  await singleton?.db.$disconnect();
}
