// Accounts on both databases: password hashes, sessions (rotation, idle and absolute expiry,
// disabled users), API tokens (hash only, expiry, revocation), sign-in (the same slow answer for an
// unknown user and a wrong password, rate limits per account and per address), the first admin,
// FLOWDECK_ADMIN_EMAIL, and the last-admin rule.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS } from "@/tests/helpers/db";
import type { Db } from "@/lib/db/client";
import { hashPassword, verifyPassword } from "@/lib/auth/passwords";
import { createSession, deleteSession, sessionPrincipal } from "@/lib/auth/sessions";
import { createApiToken, revokeApiToken, tokenPrincipal } from "@/lib/auth/api-tokens";
import { login, WRONG_CREDENTIALS } from "@/lib/auth/login";
import { createFirstAdmin, createUser, deleteUser, ensureEnvAdmin, listUsers, updateUser } from "@/lib/auth/users";
import { sha256Hex } from "@/lib/auth/secrets";
import { ServiceError } from "@/lib/services/errors";

process.env.FLOWDECK_LOGIN_FAILURE_DELAY_MS = "250";
process.env.FLOWDECK_LOGIN_MAX_FAILURES = "3";
process.env.FLOWDECK_LOGIN_MAX_FAILURES_PER_ADDRESS = "6";

async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error("expected a ServiceError");
}

const PASSWORD = "correct horse battery";

it("hashes passwords with scrypt in a self-describing format and verifies them", async () => {
  const hash = await hashPassword(PASSWORD);
  expect(hash).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  expect(hash).not.toContain(PASSWORD);
  expect(await verifyPassword(PASSWORD, hash)).toBe(true);
  expect(await verifyPassword(PASSWORD + "!", hash)).toBe(false);
  expect(await hashPassword(PASSWORD)).not.toBe(hash); // salted
  expect(await verifyPassword(PASSWORD, "not-a-hash")).toBe(false);
  expect(await verifyPassword(PASSWORD, "scrypt$99999999$8$1$AAAA$AAAA")).toBe(false);
});

describe.each(TEST_PROVIDERS)("accounts on %s", (provider) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  const address = `10.0.0.${provider === "sqlite" ? 1 : 2}`;

  beforeAll(async () => {
    const test = await createTestDatabase(provider);
    db = test.db;
    cleanup = test.cleanup;
  });
  afterAll(async () => cleanup?.());

  it("creates the first admin once; a second setup is refused and changes nothing", async () => {
    const admin = await createFirstAdmin(db, { email: ` Ada@Example.com `, password: PASSWORD });
    expect(admin).toMatchObject({ email: "ada@example.com", role: "admin", createdBy: "setup" });
    const again = await refusal(createFirstAdmin(db, { email: "eve@example.com", password: PASSWORD }));
    expect(again.code).toBe("CONFLICT");
    expect((await listUsers(db)).map((u) => u.email)).toEqual(["ada@example.com"]);
    const row = await db.user.findUniqueOrThrow({ where: { email: "ada@example.com" } });
    expect(row.passwordHash.startsWith("scrypt$")).toBe(true);
  });

  it("refuses a short password and a taken email with the field named", async () => {
    const short = await refusal(createUser(db, { email: "bob@example.com", password: "short", role: "viewer" }, "ada@example.com"));
    expect(short).toMatchObject({ code: "VALIDATION_FAILED", details: [{ path: "password" }] });
    await createUser(db, { email: "bob@example.com", password: PASSWORD, role: "operator" }, "ada@example.com");
    const taken = await refusal(createUser(db, { email: "BOB@example.com", password: PASSWORD }, "ada@example.com"));
    expect(taken).toMatchObject({ code: "CONFLICT", details: [{ path: "email" }] });
    await expect(createUser(db, { email: "not an email", password: PASSWORD }, "ada@example.com")).rejects.toThrow("must be an email address");
  }, 20_000);

  it("signs in with a new session each time; sign-out ends it", async () => {
    const first = await login(db, { email: "bob@example.com", password: PASSWORD, address, userAgent: "test" });
    const second = await login(db, { email: "BOB@example.com", password: PASSWORD, address, userAgent: "test" });
    expect(first.secret).not.toBe(second.secret);
    expect(await sessionPrincipal(db, first.secret)).toMatchObject({ kind: "user", email: "bob@example.com", role: "operator" });
    // Only the hash is stored.
    expect(await db.session.findUnique({ where: { id: first.secret } })).toBeNull();
    expect(await db.session.findUnique({ where: { id: sha256Hex(first.secret) } })).not.toBeNull();
    await deleteSession(db, first.secret);
    expect(await sessionPrincipal(db, first.secret)).toBeNull();
    expect(await sessionPrincipal(db, second.secret)).not.toBeNull();
    expect(await sessionPrincipal(db, second.secret + "x")).toBeNull(); // tampered
  }, 20_000);

  it("expires sessions after the idle time and at their absolute end, and for a disabled user", async () => {
    const bob = await db.user.findUniqueOrThrow({ where: { email: "bob@example.com" } });
    const idle = await createSession(db, bob.id, null);
    await db.session.update({ where: { id: sha256Hex(idle.secret) }, data: { lastSeenAt: new Date(Date.now() - 13 * 3_600_000) } });
    expect(await sessionPrincipal(db, idle.secret)).toBeNull();
    expect(await db.session.findUnique({ where: { id: sha256Hex(idle.secret) } })).toBeNull();
    const ended = await createSession(db, bob.id, null);
    await db.session.update({ where: { id: sha256Hex(ended.secret) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await sessionPrincipal(db, ended.secret)).toBeNull();
    const live = await createSession(db, bob.id, null);
    expect(await sessionPrincipal(db, live.secret)).not.toBeNull();
    await updateUser(db, bob.id, { disabled: true });
    expect(await sessionPrincipal(db, live.secret)).toBeNull();
    const disabledLogin = await refusal(login(db, { email: "bob@example.com", password: PASSWORD, address: "10.9.9.9", userAgent: null }));
    expect(disabledLogin).toMatchObject({ code: "UNAUTHORIZED", message: WRONG_CREDENTIALS });
    await updateUser(db, bob.id, { disabled: false });
  }, 20_000);

  it("answers an unknown email and a wrong password the same way, no sooner than the failure delay", async () => {
    const startedUnknown = Date.now();
    const unknown = await refusal(login(db, { email: "nobody@example.com", password: PASSWORD, address: "10.1.1.1", userAgent: null }));
    const unknownMs = Date.now() - startedUnknown;
    const startedWrong = Date.now();
    const wrong = await refusal(login(db, { email: "ada@example.com", password: "wrong password!!", address: "10.1.1.2", userAgent: null }));
    const wrongMs = Date.now() - startedWrong;
    expect(unknown).toMatchObject({ code: "UNAUTHORIZED", message: WRONG_CREDENTIALS });
    expect(wrong).toMatchObject({ code: "UNAUTHORIZED", message: WRONG_CREDENTIALS });
    expect(unknownMs).toBeGreaterThanOrEqual(245);
    expect(wrongMs).toBeGreaterThanOrEqual(245);
  }, 20_000);

  it("limits failed sign-ins per account: after 3 failures even the right password is refused (429)", async () => {
    await createUser(db, { email: `carol-${provider}@example.com`, password: PASSWORD, role: "viewer" }, "test");
    const email = `carol-${provider}@example.com`;
    for (let i = 0; i < 3; i++) {
      expect((await refusal(login(db, { email, password: "wrong password!!", address: `10.2.0.${i}`, userAgent: null }))).code).toBe("UNAUTHORIZED");
    }
    const blocked = await refusal(login(db, { email, password: PASSWORD, address: "10.2.1.1", userAgent: null }));
    expect(blocked.code).toBe("TOO_MANY_REQUESTS");
    expect(blocked.httpStatus).toBe(429);
    expect(blocked.message).toMatch(/too many failed sign-ins; try again in \d+ s/);
  }, 30_000);

  it("limits failed sign-ins per address across accounts", async () => {
    const from = `10.3.0.${provider === "sqlite" ? 1 : 2}`;
    for (let i = 0; i < 6; i++) {
      await refusal(login(db, { email: `ghost${i}-${provider}@example.com`, password: "x".repeat(12), address: from, userAgent: null }));
    }
    const blocked = await refusal(login(db, { email: "ada@example.com", password: PASSWORD, address: from, userAgent: null }));
    expect(blocked.code).toBe("TOO_MANY_REQUESTS");
    // The same account from another address still signs in.
    expect((await login(db, { email: "ada@example.com", password: PASSWORD, address: "10.3.9.9", userAgent: null })).email).toBe("ada@example.com");
  }, 30_000);

  it("stores only a token's hash; refuses unknown, expired and revoked tokens with 401 naming why", async () => {
    const created = await createApiToken(db, { name: "ci", role: "operator" }, "ada@example.com");
    expect(created.token).toMatch(/^fdk_[A-Za-z0-9_-]{43}$/);
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(JSON.stringify(row)).not.toContain(created.token);
    expect(row.tokenHash).toBe(sha256Hex(created.token));
    expect(await tokenPrincipal(db, created.token)).toMatchObject({ kind: "token", name: "ci", role: "operator" });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).not.toBeNull();

    expect((await refusal(tokenPrincipal(db, "fdk_forged"))).message).toBe("the API token is not valid (unknown token)");
    const expiring = await createApiToken(db, { name: "short", role: "viewer", expiresAt: new Date(Date.now() + 60_000).toISOString() }, "t");
    await db.apiToken.update({ where: { id: expiring.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect((await refusal(tokenPrincipal(db, expiring.token))).message).toMatch(/^the API token 'short' expired at /);
    await revokeApiToken(db, created.id);
    const revoked = await refusal(tokenPrincipal(db, created.token));
    expect(revoked).toMatchObject({ code: "UNAUTHORIZED" });
    expect(revoked.message).toMatch(/^the API token 'ci' was revoked at /);
    await expect(createApiToken(db, { name: "x", role: "root" }, "t")).rejects.toThrow(/role/);
  });

  it("keeps the last admin: no demotion, disabling or deleting it", async () => {
    const ada = await db.user.findUniqueOrThrow({ where: { email: "ada@example.com" } });
    expect((await refusal(updateUser(db, ada.id, { role: "viewer" }))).message).toBe("ada@example.com is the last admin; make another user admin first");
    expect((await refusal(updateUser(db, ada.id, { disabled: true }))).code).toBe("CONFLICT");
    expect((await refusal(deleteUser(db, ada.id))).code).toBe("CONFLICT");
    const bob = await db.user.findUniqueOrThrow({ where: { email: "bob@example.com" } });
    await updateUser(db, bob.id, { role: "admin" });
    expect((await updateUser(db, ada.id, { role: "designer" })).role).toBe("designer");
    await updateUser(db, ada.id, { role: "admin" });
  }, 20_000);

  it("creates the FLOWDECK_ADMIN_EMAIL admin once and never resets an existing one", async () => {
    const env = { FLOWDECK_ADMIN_EMAIL: `ops-${provider}@example.com`, FLOWDECK_ADMIN_PASSWORD: PASSWORD };
    expect(await ensureEnvAdmin(db, env)).toBe(`ops-${provider}@example.com`);
    expect(await ensureEnvAdmin(db, { ...env, FLOWDECK_ADMIN_PASSWORD: "another password 123" })).toBeNull();
    const row = await db.user.findUniqueOrThrow({ where: { email: `ops-${provider}@example.com` } });
    expect(row.role).toBe("admin");
    expect(await verifyPassword(PASSWORD, row.passwordHash)).toBe(true);
    await expect(ensureEnvAdmin(db, { FLOWDECK_ADMIN_EMAIL: "x@example.com" })).rejects.toThrow("set both FLOWDECK_ADMIN_EMAIL and FLOWDECK_ADMIN_PASSWORD, or neither");
    await expect(ensureEnvAdmin(db, { FLOWDECK_ADMIN_EMAIL: "y@example.com", FLOWDECK_ADMIN_PASSWORD: "short" })).rejects.toThrow(
      "FLOWDECK_ADMIN_PASSWORD: the password must have at least 12 characters",
    );
  }, 20_000);
});
