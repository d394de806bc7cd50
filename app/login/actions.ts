"use server";

// Sign-in, first-run setup and sign-out. Each new sign-in gets a new session (a new secret), so a
// session cookie planted before sign-in is never promoted.
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { ensureReady } from "@/lib/server/bootstrap";
import { toActionError, type ActionResult } from "@/lib/http/action";
import { login } from "@/lib/auth/login";
import { deleteSession } from "@/lib/auth/sessions";
import { createFirstAdmin } from "@/lib/auth/users";
import { clearSessionCookie, clientAddress, requestUserAgent, sessionCookieValue, setSessionCookie } from "@/lib/server/session-cookie";

const credentialsSchema = z.object({ email: z.string().max(254), password: z.string().max(4096) });

async function signIn(email: string, password: string): Promise<{ email: string }> {
  const db = getDb();
  const previous = await sessionCookieValue();
  const session = await login(db, { email, password, address: await clientAddress(), userAgent: await requestUserAgent() });
  if (previous) await deleteSession(db, previous);
  await setSessionCookie(session.secret, session.expiresAt);
  return { email: session.email };
}

export async function loginAction(input: { email: string; password: string }): Promise<ActionResult<{ email: string }>> {
  try {
    await ensureReady();
    const { email, password } = credentialsSchema.parse(input);
    return { ok: true, value: await signIn(email, password) };
  } catch (error) {
    return { ok: false, error: toActionError(error, "sign in") };
  }
}

/** Creates the first admin (only while no account exists) and signs them in. */
export async function setupAction(input: { email: string; password: string; name?: string }): Promise<ActionResult<{ email: string }>> {
  try {
    await ensureReady();
    const parsed = credentialsSchema.extend({ name: z.string().max(100).optional() }).parse(input);
    await createFirstAdmin(getDb(), parsed);
    return { ok: true, value: await signIn(parsed.email, parsed.password) };
  } catch (error) {
    return { ok: false, error: toActionError(error, "setup") };
  }
}

export async function logoutAction(): Promise<void> {
  await ensureReady();
  const secret = await sessionCookieValue();
  if (secret) await deleteSession(getDb(), secret);
  await clearSessionCookie();
  redirect("/login");
}
