// The installation's secrets key: 32 bytes for AES-256-GCM.
//
//   FLOWDECK_SECRETS_KEY set  → that key (base64 or hex of 32 bytes); nothing is read from disk.
//   unset                     → <FLOWDECK_DATA_DIR or ./data>/secrets.key, created by the web
//                               server's first start (random, mode 0600) and read afterwards.
//
// Every process that runs tasks with secrets needs the same key. On one machine the key file is
// shared through the data directory; engine processes on other machines (PostgreSQL scale-out)
// need FLOWDECK_SECRETS_KEY set to the same key, e.g. the key file's content. A process without a
// key never creates one when it only needs to decrypt (that key could read nothing): its tasks
// fail with SECRETS_KEY_MISSING instead (lib/secrets/resolve.ts).
import { createHmac, randomBytes } from "node:crypto";
import { chmodSync, closeSync, existsSync, fstatSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";

export const SECRETS_KEY_ENV = "FLOWDECK_SECRETS_KEY";
export const KEY_BYTES = 32;
export const KEY_FILE_NAME = "secrets.key";

/** The key of this process, where it came from, and its id (stored with every value it encrypts). */
export type SecretsKey = {
  key: Buffer;
  /** A fingerprint of the key (HMAC-SHA256 of a fixed label under the key, 16 hex digits): names the key, reveals nothing. */
  keyId: string;
  source: { kind: "env" } | { kind: "file"; path: string };
  /** True when this call created the key file. */
  created?: boolean;
};

/** A key that is set but is not 32 bytes of base64 or hex, or a key file that cannot be read. */
export class SecretsKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretsKeyError";
  }
}

/** Where the key file lives: the data directory (FLOWDECK_DATA_DIR, default ./data). */
export function keyFilePath(env: Record<string, string | undefined> = process.env): string {
  return join(resolve(/*turbopackIgnore: true*/ env.FLOWDECK_DATA_DIR?.trim() || "data"), KEY_FILE_NAME);
}

/** How a person names the key's source in a message. */
export function describeKeySource(key: Pick<SecretsKey, "source">): string {
  return key.source.kind === "env" ? SECRETS_KEY_ENV : key.source.path;
}

/**
 * 32 bytes from base64 (standard or URL-safe, 43–44 characters) or hex (64 digits). The message of
 * a refusal names `where` and the expected forms, never the text itself.
 */
export function parseSecretsKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) key = Buffer.from(trimmed, "hex");
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) key = Buffer.from(trimmed, "base64");
  if (!key || key.length !== KEY_BYTES) {
    throw new SecretsKeyError(
      `${where} must be a 32-byte key as base64 (44 characters, e.g. from \`openssl rand -base64 32\`) or hex (64 digits); it has ${trimmed.length} characters`,
    );
  }
  return key;
}

export function keyIdOf(key: Buffer): string {
  return createHmac("sha256", key).update("flowdeck secrets key id v1").digest("hex").slice(0, 16);
}

function fromKey(key: Buffer, source: SecretsKey["source"]): SecretsKey {
  return { key, keyId: keyIdOf(key), source };
}

const warnedLoosePermissions = new Set<string>();

function readKeyFile(path: string): SecretsKey {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SecretsKeyError(`the secrets key file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0 && !warnedLoosePermissions.has(path)) {
    warnedLoosePermissions.add(path);
    console.warn(`[secrets] ${path} is readable by other users (mode ${mode.toString(8).padStart(4, "0")}); run: chmod 600 ${path}`);
  }
  return fromKey(parseSecretsKey(text, `the secrets key file ${path}`), { kind: "file", path });
}

/**
 * Writes a new random key file with mode 0600, atomically: written under a temporary name, then
 * linked into place, so two processes starting at once never see a half-written file — the
 * second finds the first one's key (EEXIST) and uses it.
 */
function createKeyFile(path: string): SecretsKey {
  try {
    return writeKeyFile(path);
  } catch (error) {
    if (error instanceof SecretsKeyError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new SecretsKeyError(`the secrets key file ${path} cannot be created (${code}): make its directory writable, or set ${SECRETS_KEY_ENV}`);
  }
}

function writeKeyFile(path: string): SecretsKey {
  mkdirSync(join(path, ".."), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = openSync(temporary, "wx", 0o600);
  try {
    // The mode of open() is cut by the umask, never widened; fchmod makes it exactly 0600.
    if ((fstatSync(fd).mode & 0o777) !== 0o600) chmodSync(temporary, 0o600);
    writeSync(fd, `${randomBytes(KEY_BYTES).toString("base64")}\n`);
  } finally {
    closeSync(fd);
  }
  let created = true;
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    created = false;
  } finally {
    unlinkSync(temporary);
  }
  return { ...readKeyFile(path), created };
}

/**
 * The key of this process: FLOWDECK_SECRETS_KEY, else the key file. `create`: make the key file
 * when there is none (the web server's start, and saving a secret); otherwise null without a key.
 * Throws SecretsKeyError for a key that is set but malformed (never falls back to another key).
 */
export function loadSecretsKey(options: { create: boolean }, env: Record<string, string | undefined> = process.env): SecretsKey | null {
  const configured = env[SECRETS_KEY_ENV];
  if (configured !== undefined && configured.trim() !== "") {
    const cached = envKeyCache.get(configured);
    if (cached) return cached;
    const key = fromKey(parseSecretsKey(configured, SECRETS_KEY_ENV), { kind: "env" });
    envKeyCache.clear();
    envKeyCache.set(configured, key);
    return key;
  }
  const path = keyFilePath(env);
  if (existsSync(path)) return readKeyFile(path);
  return options.create ? createKeyFile(path) : null;
}

/** The parsed FLOWDECK_SECRETS_KEY (one entry: the variable's current value). */
const envKeyCache = new Map<string, SecretsKey>();
