import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { keyFilePath, keyIdOf, loadSecretsKey, parseSecretsKey, SecretsKeyError } from "@/lib/secrets/key";

describe("parseSecretsKey", () => {
  const bytes = randomBytes(32);
  it.each([
    ["base64", bytes.toString("base64")],
    ["base64 without padding", bytes.toString("base64").replace(/=$/, "")],
    ["base64url", bytes.toString("base64url")],
    ["hex", bytes.toString("hex")],
    ["upper-case hex with a newline", `${bytes.toString("hex").toUpperCase()}\n`],
  ])("takes 32 bytes as %s", (_, text) => {
    expect(parseSecretsKey(text, "FLOWDECK_SECRETS_KEY").equals(bytes)).toBe(true);
  });

  it.each([
    ["a short passphrase", "correct horse battery staple"],
    ["16 bytes of base64", randomBytes(16).toString("base64")],
    ["48 bytes of base64", randomBytes(48).toString("base64")],
    ["31 bytes of hex", randomBytes(31).toString("hex")],
    ["empty", ""],
  ])("refuses %s, naming the setting and the forms but not the text", (_, text) => {
    let error: unknown;
    try {
      parseSecretsKey(text, "FLOWDECK_SECRETS_KEY");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SecretsKeyError);
    const message = (error as Error).message;
    expect(message).toBe(
      `FLOWDECK_SECRETS_KEY must be a 32-byte key as base64 (44 characters, e.g. from \`openssl rand -base64 32\`) or hex (64 digits); it has ${text.trim().length} characters`,
    );
    if (text) expect(message).not.toContain(text);
  });

  it("gives every key its own id, which does not show the key", () => {
    const other = randomBytes(32);
    expect(keyIdOf(bytes)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIdOf(bytes)).toBe(keyIdOf(Buffer.from(bytes)));
    expect(keyIdOf(other)).not.toBe(keyIdOf(bytes));
    expect(bytes.toString("hex")).not.toContain(keyIdOf(bytes));
  });
});

describe("loadSecretsKey", () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "flowdeck-key-"));
    env = { FLOWDECK_DATA_DIR: join(dir, "data") };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the key file on first use with mode 0600 (whatever the umask), and reads the same key afterwards", () => {
    const umask = process.umask(0o000); // the widest umask: the file must still be 0600
    try {
      expect(loadSecretsKey({ create: false }, env)).toBeNull();
      const created = loadSecretsKey({ create: true }, env)!;
      const path = keyFilePath(env);
      expect(path).toBe(join(dir, "data", "secrets.key"));
      expect(created).toMatchObject({ created: true, source: { kind: "file", path } });
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path, "utf8")).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
      const again = loadSecretsKey({ create: true }, env)!;
      expect(again.created).not.toBe(true);
      expect(again.keyId).toBe(created.keyId);
      expect(again.key.equals(created.key)).toBe(true);
      expect(loadSecretsKey({ create: false }, env)!.keyId).toBe(created.keyId);
    } finally {
      process.umask(umask);
    }
  });

  it("prefers FLOWDECK_SECRETS_KEY, and never writes a key file then", () => {
    const bytes = randomBytes(32);
    const key = loadSecretsKey({ create: true }, { ...env, FLOWDECK_SECRETS_KEY: bytes.toString("hex") })!;
    expect(key.source).toEqual({ kind: "env" });
    expect(key.keyId).toBe(keyIdOf(bytes));
    expect(() => statSync(keyFilePath(env))).toThrow(/ENOENT/);
  });

  it("refuses a malformed FLOWDECK_SECRETS_KEY instead of falling back to the key file", () => {
    loadSecretsKey({ create: true }, env);
    expect(() => loadSecretsKey({ create: true }, { ...env, FLOWDECK_SECRETS_KEY: "hunter2" })).toThrow(SecretsKeyError);
  });

  it("refuses a key file that does not hold a key, naming the file", () => {
    loadSecretsKey({ create: true }, env);
    writeFileSync(keyFilePath(env), "not a key\n");
    expect(() => loadSecretsKey({ create: true }, env)).toThrow(`the secrets key file ${keyFilePath(env)} must be a 32-byte key`);
  });

  it("says which file cannot be created, and what to do, when the data directory cannot be made", () => {
    writeFileSync(join(dir, "a-file"), "not a directory");
    const blocked = { FLOWDECK_DATA_DIR: join(dir, "a-file", "data") };
    expect(() => loadSecretsKey({ create: true }, blocked)).toThrow(
      `the secrets key file ${join(dir, "a-file", "data", "secrets.key")} cannot be created (ENOTDIR): make its directory writable, or set FLOWDECK_SECRETS_KEY`,
    );
  });

  it("warns once about a key file other users can read", () => {
    loadSecretsKey({ create: true }, env);
    chmodSync(keyFilePath(env), 0o644);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      loadSecretsKey({ create: false }, env);
      loadSecretsKey({ create: false }, env);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toBe(`[secrets] ${keyFilePath(env)} is readable by other users (mode 0644); run: chmod 600 ${keyFilePath(env)}`);
    } finally {
      warn.mockRestore();
    }
  });
});
