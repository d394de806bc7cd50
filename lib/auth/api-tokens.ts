// API tokens: created by an admin, shown once, stored as sha256 only. Each has a name, a role
// (a user role, or `worker`), an optional expiry, a last-used time, and can be revoked.
// FLOWDECK_ADMIN_TOKEN, when set, is accepted as an admin token (bootstrap for automation).
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { notFound, unauthorized } from "@/lib/services/errors";
import type { Principal } from "@/lib/auth/principal";
import { tokenRoleSchema, type TokenRole } from "@/lib/auth/roles";
import { newApiTokenSecret, newId, sha256Hex } from "@/lib/auth/secrets";

export const newTokenSchema = z
  .object({
    name: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9 ._:@-]*$/, "may hold letters, digits, space and . _ : @ - (starting with a letter or digit)"),
    role: tokenRoleSchema,
    /** ISO time, or days from now. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

export type TokenView = {
  id: string;
  name: string;
  role: TokenRole;
  prefix: string;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

type TokenRow = { id: string; name: string; role: string; prefix: string; createdBy: string | null; createdAt: Date; expiresAt: Date | null; lastUsedAt: Date | null; revokedAt: Date | null };

function tokenView(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    role: row.role as TokenRole,
    prefix: row.prefix,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Creates a token; `token` is the secret, returned this once and never again. */
export async function createApiToken(db: Db, input: unknown, actor: string): Promise<TokenView & { token: string }> {
  const request = newTokenSchema.parse(input);
  const secret = newApiTokenSecret();
  const expiresAt = request.expiresAt
    ? new Date(request.expiresAt)
    : request.expiresInDays
      ? new Date(Date.now() + request.expiresInDays * 86_400_000)
      : null;
  const row = await db.apiToken.create({
    data: { id: newId("tok"), name: request.name, role: request.role, tokenHash: sha256Hex(secret), prefix: secret.slice(0, 10), createdBy: actor, expiresAt },
  });
  return { ...tokenView(row), token: secret };
}

export async function listApiTokens(db: Db): Promise<TokenView[]> {
  return (await db.apiToken.findMany({ orderBy: { createdAt: "desc" } })).map(tokenView);
}

/** Revokes a token at once (idempotent: revoking a revoked token keeps its first revocation time). */
export async function revokeApiToken(db: Db, tokenId: string): Promise<TokenView> {
  const row = await db.apiToken.findUnique({ where: { id: tokenId } });
  if (!row) throw notFound(`token ${tokenId} not found`);
  if (row.revokedAt) return tokenView(row);
  return tokenView(await db.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } }));
}

/** lastUsedAt is written at most this often per token, not on every call of a busy worker. */
const TOUCH_EVERY_MS = 60_000;

/**
 * The principal of a bearer token. A token that is unknown, revoked or expired is refused (401,
 * saying which, but never echoing the token).
 */
export async function tokenPrincipal(db: Db, secret: string): Promise<Principal> {
  if (matchesAdminToken(secret)) return { kind: "admin-token", role: "admin", via: "token" };
  const row = secret.length <= 200 ? await db.apiToken.findUnique({ where: { tokenHash: sha256Hex(secret) } }) : null;
  if (!row) throw unauthorized("the API token is not valid (unknown token)");
  if (row.revokedAt) throw unauthorized(`the API token '${row.name}' was revoked at ${row.revokedAt.toISOString()}`);
  const now = Date.now();
  if (row.expiresAt && row.expiresAt.getTime() <= now) throw unauthorized(`the API token '${row.name}' expired at ${row.expiresAt.toISOString()}`);
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.apiToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { kind: "token", tokenId: row.id, name: row.name, role: row.role as TokenRole, via: "token" };
}

/** FLOWDECK_ADMIN_TOKEN (at least 16 characters), compared in constant time via its hash. */
function matchesAdminToken(secret: string): boolean {
  const configured = process.env.FLOWDECK_ADMIN_TOKEN?.trim();
  if (!configured || configured.length < 16) return false;
  return timingSafeEqual(Buffer.from(sha256Hex(configured), "hex"), Buffer.from(sha256Hex(secret), "hex"));
}

export function adminTokenConfigured(): boolean {
  return (process.env.FLOWDECK_ADMIN_TOKEN?.trim().length ?? 0) >= 16;
}
