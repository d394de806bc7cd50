// Which database Flowdeck talks to, decided once from the environment.
//
//   (unset)                        SQLite at <FLOWDECK_DATA_DIR or ./data>/flowdeck.db — the embedded default
//   DATABASE_URL=file:<path>       SQLite at that path (relative paths are relative to the working directory)
//   DATABASE_URL=postgresql://…    PostgreSQL (postgres:// works too) — the scale-out database
import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";

export type DatabaseProvider = "sqlite" | "postgresql";

export type DatabaseConfig =
  | { provider: "sqlite"; /** Absolute path of the database file. */ filePath: string }
  | { provider: "postgresql"; /** A libpq-style connection URL, passed to `pg` unchanged. */ url: string };

export const DEFAULT_SQLITE_FILE_NAME = "flowdeck.db";

export class DatabaseConfigError extends Error {
  override name = "DatabaseConfigError";
}

/**
 * Reads `DATABASE_URL` (and `FLOWDECK_DATA_DIR` for the default SQLite file). Creates the directory of
 * a SQLite file so that the first start needs nothing else. Throws a {@link DatabaseConfigError} that
 * names the variable when the URL has an unsupported scheme.
 */
export function resolveDatabaseConfig(env: Readonly<Record<string, string | undefined>> = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (!url) {
    // turbopackIgnore: a runtime path, not a file of the build (keeps Next from tracing the whole tree).
    const dataDir = resolve(/*turbopackIgnore: true*/ env.FLOWDECK_DATA_DIR?.trim() || "data");
    return sqliteConfig(resolve(/*turbopackIgnore: true*/ dataDir, DEFAULT_SQLITE_FILE_NAME));
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return { provider: "postgresql", url };
  }
  if (url.startsWith("file:")) {
    // Prisma's SQLite URLs may carry options after "?" (e.g. ?connection_limit=1); they mean nothing here.
    const path = url.slice("file:".length).replace(/\?.*$/, "");
    if (!path) throw new DatabaseConfigError(`DATABASE_URL "${url}" has no file path after "file:".`);
    if (path === ":memory:") {
      throw new DatabaseConfigError(
        "DATABASE_URL=file::memory: is not supported: migrations and the app use separate connections, so they would see different in-memory databases. Use a file path.",
      );
    }
    return sqliteConfig(isAbsolute(path) ? path : resolve(/*turbopackIgnore: true*/ path));
  }
  throw new DatabaseConfigError(
    `DATABASE_URL must start with "file:" (SQLite) or "postgresql://" / "postgres://" (PostgreSQL); got "${describeUrlScheme(url)}". Unset it to use the embedded SQLite database.`,
  );
}

function sqliteConfig(filePath: string): DatabaseConfig {
  mkdirSync(dirname(filePath), { recursive: true });
  return { provider: "sqlite", filePath };
}

/** Only the scheme of an unrecognised URL goes into error messages: the rest may hold a secret. */
function describeUrlScheme(url: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  return scheme ? `${scheme}:…` : "a value without a URL scheme";
}

/** A one-line description for logs and /api/health, with any password masked. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.provider === "sqlite") return `sqlite:${config.filePath}`;
  return `postgresql:${maskPassword(config.url)}`;
}

export function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "****";
    if (parsed.searchParams.has("password")) parsed.searchParams.set("password", "****");
    return parsed.toString();
  } catch {
    // Not parseable as a URL: mask anything between "//user:" and "@", and a password= parameter.
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1****@").replace(/(password=)[^&]*/i, "$1****");
  }
}
