// Signing in: rate-limited per account and per address, answered slowly and identically for a
// wrong password, an unknown email and a disabled user.
import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "@/lib/db/client";
import { ServiceError, unauthorized } from "@/lib/services/errors";
import { authSettings } from "@/lib/auth/config";
import { dummyPasswordHash, MAX_PASSWORD_LENGTH, verifyPassword } from "@/lib/auth/passwords";
import { FailureLimiter } from "@/lib/auth/rate-limit";
import { createSession } from "@/lib/auth/sessions";

const limiter = new FailureLimiter(() => ({ windowMs: authSettings().failureWindowMs }));

export const WRONG_CREDENTIALS = "the email or password is wrong";

export type LoginRequest = { email: string; password: string; address: string | null; userAgent: string | null };

/** Signs in; answers the new session's secret (for the cookie). */
export async function login(db: Db, request: LoginRequest): Promise<{ secret: string; expiresAt: Date; email: string }> {
  const arrived = Date.now();
  const settings = authSettings();
  const email = request.email.trim().toLowerCase().slice(0, 254);
  const accountKey = `account:${email}`;
  const addressKey = `address:${request.address ?? "unknown"}`;
  const wait = Math.max(limiter.blockedFor(accountKey, settings.maxFailuresPerAccount), limiter.blockedFor(addressKey, settings.maxFailuresPerAddress));
  if (wait > 0) {
    throw new ServiceError("TOO_MANY_REQUESTS", `too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s`, [
      { path: "retryAfterSeconds", message: String(Math.ceil(wait / 1000)) },
    ]);
  }
  const user = email ? await db.user.findUnique({ where: { email } }) : null;
  const password = request.password.slice(0, MAX_PASSWORD_LENGTH);
  const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !matches || user.disabled) {
    limiter.fail(accountKey);
    limiter.fail(addressKey);
    await sleep(Math.max(0, arrived + settings.failureDelayMs - Date.now()));
    throw unauthorized(WRONG_CREDENTIALS);
  }
  limiter.reset(accountKey);
  await db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  const session = await createSession(db, user.id, request.userAgent);
  return { ...session, email: user.email };
}
