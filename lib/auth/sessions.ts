// Browser sessions: a random secret in an httpOnly cookie, its sha256 as the row's id. A new
// session (new secret) on every sign-in; idle and absolute expiry; sign-out deletes the row.
import type { Db } from "@/lib/db/client";
import { authSettings } from "@/lib/auth/config";
import type { Principal } from "@/lib/auth/principal";
import type { UserRole } from "@/lib/auth/roles";
import { newSessionSecret, sha256Hex } from "@/lib/auth/secrets";

/** lastSeenAt is written at most this often per session (not on every request). */
const TOUCH_EVERY_MS = 60_000;

export async function createSession(db: Db, userId: string, userAgent: string | null): Promise<{ secret: string; expiresAt: Date }> {
  const secret = newSessionSecret();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + authSettings().sessionMaxMs);
  await db.session.create({ data: { id: sha256Hex(secret), userId, lastSeenAt: now, expiresAt, userAgent: userAgent?.slice(0, 200) ?? null } });
  // Old sessions of anyone are swept now and then, here rather than by a timer.
  if (Math.random() < 0.05) await db.session.deleteMany({ where: { expiresAt: { lt: now } } });
  return { secret, expiresAt };
}

/** The signed-in user of a cookie's secret, or null when it is unknown, expired, idle or disabled. */
export async function sessionPrincipal(db: Db, secret: string): Promise<Principal | null> {
  if (secret.length === 0 || secret.length > 200) return null;
  const id = sha256Hex(secret);
  const row = await db.session.findUnique({ where: { id }, include: { user: true } });
  if (!row) return null;
  const now = Date.now();
  const idleUntil = row.lastSeenAt.getTime() + authSettings().sessionIdleMs;
  if (row.user.disabled || row.expiresAt.getTime() <= now || idleUntil <= now) {
    await db.session.deleteMany({ where: { id } });
    return null;
  }
  if (now - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.session.updateMany({ where: { id }, data: { lastSeenAt: new Date(now) } });
  }
  return { kind: "user", userId: row.user.id, email: row.user.email, name: row.user.name, role: row.user.role as UserRole, via: "session", sessionId: id };
}

export async function deleteSession(db: Db, secret: string): Promise<void> {
  await db.session.deleteMany({ where: { id: sha256Hex(secret) } });
}
