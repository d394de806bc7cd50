// Dev-only access to Prisma's schema engine, compiled to WebAssembly (@prisma/schema-engine-wasm).
//
// Why this module exists: the Prisma 7 CLI needs a native schema-engine binary for `migrate *`, and
// that binary cannot be downloaded on our machines. The same engine ships as wasm and talks to the
// database through Prisma's driver adapters. It is an internal Prisma package (pinned to the exact
// engines version of our prisma CLI: 7.10.0-4.0edf323…), so everything that touches it lives here,
// and only scripts/db/migrate-dev.ts and the drift test import this file — never app code.
//
// Known snags worked around below (see /work/shared/TOOLCHAIN.md, "Prisma 7 offline"):
// 1. SQLite: the engine replays migrations on the shadow database through `executeRaw`, which runs a
//    single statement. Argument-less statements are routed to `executeScript` (exec of a script).
// 2. SQLite: the engine sets `PRAGMA locking_mode=EXCLUSIVE` and never closes what it opened. We
//    track every connection the adapter factory hands out and dispose all of them in `close()`.
// 3. adapter-pg's `connectToShadowDb` connects to the URL's database instead of the shadow one and
//    drops the shadow before ending its pool. We create, connect and drop the shadow ourselves.
// 4. adapter-pg cannot map PostgreSQL's `"char"` type (OID 18), which the engine's catalog queries
//    return (relkind, contype, attidentity…). We relabel such columns as text before the adapter
//    maps result types; pg's text parser already returns them as strings.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type Transaction,
} from "@prisma/driver-adapter-utils";
import type * as WasmEngine from "@prisma/schema-engine-wasm";

export type SchemaEngine = WasmEngine.SchemaEngine;
export type MigrationList = WasmEngine.MigrationList;
export type Provider = "sqlite" | "postgresql";

const require = createRequire(import.meta.url);
let enginePromise: Promise<typeof WasmEngine> | undefined;

/**
 * Loads the wasm engine once per process. The package's entry does
 * `import * as wasm from "./schema_engine_bg.wasm"` (ESM wasm integration), which Node 20 cannot
 * load without a flag, so we instantiate the module ourselves with the glue file as its imports.
 */
function loadEngineModule(): Promise<typeof WasmEngine> {
  enginePromise ??= (async () => {
    const packageDir = dirname(require.resolve("@prisma/schema-engine-wasm"));
    const glue = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as unknown as typeof WasmEngine & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const bytes = readFileSync(join(packageDir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, {
      "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return enginePromise;
}

/** Where the engine connects: the main ("live") database, and how to get a shadow database. */
export type EngineTarget =
  | { provider: "sqlite"; filePath: string }
  | {
      provider: "postgresql";
      url: string;
      /** A URL to any database on the server that may CREATE/DROP the throw-away shadow databases. */
      adminUrl?: string;
    };

export interface SchemaEngineSession {
  engine: SchemaEngine;
  /** Frees the engine and disposes every connection it opened (main and shadow). */
  close(): Promise<void>;
}

/**
 * Opens a schema engine for one provider with the given Prisma schema as its datamodel.
 * Always `close()` the session (try/finally): the engine keeps its connections otherwise.
 */
export async function openSchemaEngine(target: EngineTarget, schema: { path: string; content: string }): Promise<SchemaEngineSession> {
  const wasm = await loadEngineModule();
  const factory = target.provider === "sqlite" ? sqliteFactory(target.filePath) : postgresFactory(target);
  const logs: string[] = [];
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  let engine: SchemaEngine;
  try {
    engine = await wasm.SchemaEngine.new(
      { datamodels: [[schema.path, schema.content]] },
      (line: string) => {
        logs.push(line);
        if (process.env.FLOWDECK_SCHEMA_ENGINE_DEBUG) console.error("[schema-engine]", line);
      },
      bound,
    );
  } catch (error) {
    await factory.closeAll();
    throw revealAdapterError(error, bound.errorRegistry);
  }
  let closed = false;
  return {
    engine: withRevealedErrors(engine, bound.errorRegistry),
    async close() {
      if (closed) return;
      closed = true;
      engine.free();
      await factory.closeAll();
    },
  };
}

type ErrorRegistry = { consumeError(id: number): { error: unknown } | undefined };

/**
 * A JS exception thrown inside an adapter reaches the engine as "GenericJs" with an id into the
 * factory's error registry, and comes back out as `Error("External error id#N")`. Put the original
 * error back so failures are readable.
 */
function revealAdapterError(error: unknown, registry: ErrorRegistry): unknown {
  const match = error instanceof Error ? /External error id#(\d+)/.exec(error.message) : null;
  const original = match ? registry.consumeError(Number(match[1]))?.error : undefined;
  return original ?? error;
}

function withRevealedErrors(engine: SchemaEngine, registry: ErrorRegistry): SchemaEngine {
  return new Proxy(engine, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(revealAdapterError(error, registry))) : result;
      };
    },
  });
}

type TrackingFactory = SqlMigrationAwareDriverAdapterFactory & { closeAll(): Promise<void> };

function sqliteFactory(filePath: string): TrackingFactory {
  // The shadow database is an in-memory SQLite: nothing to create or clean up on disk.
  const base = new PrismaBetterSqlite3({ url: filePath }, { shadowDatabaseUrl: ":memory:" });
  const open = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const wrapped = withSingleStatementFix(adapter);
    open.add(wrapped);
    const dispose = wrapped.dispose.bind(wrapped);
    wrapped.dispose = async () => {
      if (!open.delete(wrapped)) return;
      await dispose();
    };
    return wrapped;
  };
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => track(await base.connect()),
    connectToShadowDb: async () => track(await base.connectToShadowDb()),
    async closeAll() {
      for (const adapter of [...open]) await adapter.dispose().catch(() => undefined);
    },
  };
}

/** Snag 1: better-sqlite3's prepare() accepts one statement; scripts without arguments go to exec(). */
function withSingleStatementFix(adapter: SqlDriverAdapter): SqlDriverAdapter {
  // Patched in place: the adapter keeps private state (#mutex) that a copy would lose.
  const executeRaw = adapter.executeRaw.bind(adapter);
  const executeScript = adapter.executeScript.bind(adapter);
  adapter.executeRaw = async (query: SqlQuery) => {
    if (query.args.length === 0) {
      await executeScript(query.sql);
      return 0;
    }
    return executeRaw(query);
  };
  return adapter;
}

function postgresFactory(target: { url: string; adminUrl?: string }): TrackingFactory {
  const base = new PrismaPg({ connectionString: target.url });
  const open = new Set<SqlDriverAdapter>();
  const cleanups: Array<() => Promise<void>> = [];
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const wrapped = withCharOidFix(adapter);
    open.add(wrapped);
    return wrapped;
  };
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => track(await base.connect()),
    // Snag 3: create the shadow database ourselves and connect to it by URL.
    connectToShadowDb: async () => {
      const adminUrl = target.adminUrl ?? target.url;
      const shadowName = `flowdeck_shadow_${randomBytes(6).toString("hex")}`;
      await runAdmin(adminUrl, `CREATE DATABASE "${shadowName}"`);
      const shadowUrl = new URL(target.url);
      shadowUrl.pathname = `/${shadowName}`;
      const shadow = track(await new PrismaPg({ connectionString: shadowUrl.toString() }).connect());
      // Dispose (ends the pool) first, then drop: PostgreSQL refuses to drop a database in use.
      cleanups.push(async () => {
        await runAdmin(adminUrl, `DROP DATABASE IF EXISTS "${shadowName}" WITH (FORCE)`);
      });
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        if (!open.delete(shadow)) return;
        await dispose();
      };
      return shadow;
    },
    async closeAll() {
      for (const adapter of [...open]) {
        open.delete(adapter);
        await adapter.dispose().catch(() => undefined);
      }
      for (const cleanup of cleanups.splice(0)) await cleanup();
    },
  };
}

async function runAdmin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** PostgreSQL's single-byte `"char"` type; adapter-pg has no column type for it. */
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type WithPerformIO = { performIO(query: SqlQuery): Promise<pg.QueryArrayResult> };

/** Snag 4: relabel `"char"` result columns as text before adapter-pg maps column types. */
function patchPerformIO<T extends object>(queryable: T): T {
  const target = queryable as unknown as WithPerformIO;
  const performIO = target.performIO.bind(queryable);
  target.performIO = async (query: SqlQuery) => {
    const result = await performIO(query);
    for (const field of result.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
    return result;
  };
  return queryable;
}

function withCharOidFix(adapter: SqlDriverAdapter): SqlDriverAdapter {
  patchPerformIO(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => patchPerformIO<Transaction>(await startTransaction(isolationLevel));
  return adapter;
}

/** migration_lock.toml exactly as `prisma migrate dev` writes it. */
export function migrationLockToml(provider: Provider): string {
  return [
    "# Please do not edit this file manually",
    "# It should be added in your version-control system (e.g., Git)",
    `provider = "${provider}"`,
    "",
  ].join("\n");
}

/**
 * Reads a Prisma-format migrations directory the way the Prisma CLI hands it to the engine. A missing
 * lock file (first migration) is supplied in memory: the engine needs it to pick the connector.
 */
export async function readMigrationList(migrationsDir: string, provider: Provider): Promise<MigrationList> {
  const { readdir, readFile } = await import("node:fs/promises");
  const lockPath = "migration_lock.toml";
  const lockContent = await readFile(join(migrationsDir, lockPath), "utf8").catch(() => migrationLockToml(provider));
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories: MigrationList["migrationDirectories"] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const content = await readFile(join(migrationsDir, entry.name, "migration.sql"), "utf8")
      .then((value) => ({ tag: "ok" as const, value }))
      .catch((error: Error) => ({ tag: "error" as const, value: error.message }));
    migrationDirectories.push({ path: entry.name, migrationFile: { path: "migration.sql", content } });
  }
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockPath, content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

export const NO_FILTERS: WasmEngine.SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * The schema the engine compares migrations against, per provider.
 *
 * SQLite cannot auto-increment a BIGINT primary key: only a column declared exactly `INTEGER PRIMARY
 * KEY` is an alias of the rowid and gets generated values (AUTOINCREMENT additionally guarantees they
 * are never reused). Prisma renders `BigInt @id @default(autoincrement())` as `BIGINT NOT NULL
 * PRIMARY KEY` on SQLite, so every insert without an id fails with a NOT NULL violation
 * (prisma/prisma#13178, #20449). We keep `BigInt` in the model — the generated clients, and so `Db`,
 * return bigint ids on both providers — and let the engine see `Int` for such columns on SQLite only.
 * It then writes `INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT`, which stores the same 64-bit integers;
 * Prisma Client converts them to bigint by the model's type. The drift test compares against this
 * same schema, so the substitution is the one documented difference, checked on every run.
 */
export function migrationSchemaFor(provider: Provider, schemaContent: string): string {
  if (provider !== "sqlite") return schemaContent;
  return schemaContent
    .split("\n")
    .map((line) =>
      /@id\b/.test(line) && /@default\(\s*autoincrement\(\s*\)\s*\)/.test(line)
        ? line.replace(/^(\s*\w+\s+)BigInt(\s)/, "$1Int$2")
        : line,
    )
    .join("\n");
}

/**
 * Composes prisma/<provider>/schema.prisma from prisma/models.prisma (scripts/prisma-schemas.mjs,
 * plain JS without type declarations, so it is typed here) and returns their paths.
 */
export async function composeProviderSchemas(): Promise<Record<Provider, string>> {
  const composer = new URL("../prisma-schemas.mjs", import.meta.url).href;
  const { composeSchemas } = (await import(composer)) as { composeSchemas(): Record<Provider, string> };
  return composeSchemas();
}

/** Reads prisma/<provider>/schema.prisma (composed by scripts/prisma-schemas.mjs) as the engine should see it. */
export function readMigrationSchema(provider: Provider, schemaPath: string): { path: string; content: string } {
  return { path: schemaPath, content: migrationSchemaFor(provider, readFileSync(schemaPath, "utf8")) };
}

export interface DiffOutcome {
  /** True when the engine found no difference. */
  empty: boolean;
  /** The SQL script that would bring `from` to `to` ("-- This is an empty migration." when none). */
  script: string;
  /** The engine's human-readable summary ("No difference detected." when none). */
  summary: string;
}

type DiffTarget = WasmEngine.DiffTarget;

/** Diffs two targets, returning both the SQL script and the readable summary. */
export async function diff(session: SchemaEngineSession, from: DiffTarget, to: DiffTarget): Promise<DiffOutcome> {
  const base = { from, to, exitCode: true, filters: NO_FILTERS };
  const script = await session.engine.diff({ ...base, script: true });
  const summary = await session.engine.diff({ ...base, script: false });
  return { empty: summary.exitCode === 0, script: script.stdout ?? "", summary: summary.stdout ?? "" };
}

/** Diff target: the schema the migrations folder produces (replayed on a shadow database). */
export async function migrationsTarget(provider: Provider, migrationsDir: string): Promise<DiffTarget> {
  return { tag: "migrations", ...(await readMigrationList(migrationsDir, provider)) };
}

/** Diff target: a Prisma schema. */
export function schemaTarget(schema: { path: string; content: string }): DiffTarget {
  return { tag: "schemaDatamodel", files: [schema] };
}

/** Diff target: the live database the session is connected to. */
export function databaseTarget(schema: { path: string; content: string }): DiffTarget {
  return { tag: "schemaDatasource", files: [schema], configDir: dirname(schema.path) };
}
