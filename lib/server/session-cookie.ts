// The session cookie, set and cleared by the sign-in, setup and sign-out server actions:
// httpOnly, SameSite=Lax, Secure behind HTTPS (or FLOWDECK_COOKIE_SECURE), path /.
import { cookies, headers } from "next/headers";
import { SESSION_COOKIE, secureCookies } from "@/lib/auth/config";

export async function setSessionCookie(secret: string, expiresAt: Date): Promise<void> {
  const requestHeaders = await headers();
  const https = requestHeaders.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
  (await cookies()).set(SESSION_COOKIE, secret, { httpOnly: true, sameSite: "lax", secure: secureCookies(https), path: "/", expires: expiresAt });
}

export async function sessionCookieValue(): Promise<string | null> {
  return (await cookies()).get(SESSION_COOKIE)?.value ?? null;
}

export async function clearSessionCookie(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
}

/**
 * The client's address for the per-address sign-in limit: the first X-Forwarded-For entry, which
 * `next start` fills in from the socket when the client sent none. Without a reverse proxy in
 * front, a client can send its own header; the per-account limit holds regardless (README).
 */
export async function clientAddress(): Promise<string | null> {
  const forwarded = (await headers()).get("x-forwarded-for");
  return forwarded?.split(",")[0]?.trim() || null;
}

export async function requestUserAgent(): Promise<string | null> {
  return (await headers()).get("user-agent");
}
