// From a request's headers to a principal, and the access check every route, server action, page
// and SSE stream goes through (lib/http/api.ts `route`, lib/http/action.ts `runAction`,
// lib/server/page-auth.ts).
import type { Db } from "@/lib/db/client";
import { forbidden, unauthorized } from "@/lib/services/errors";
import { SESSION_COOKIE } from "@/lib/auth/config";
import { actorOf, type Principal } from "@/lib/auth/principal";
import { allows, type Access } from "@/lib/auth/roles";
import { adminTokenConfigured, tokenPrincipal } from "@/lib/auth/api-tokens";
import { sessionPrincipal } from "@/lib/auth/sessions";
import { hasAnyUser } from "@/lib/auth/users";

type HeaderSource = Pick<Headers, "get">;

/** The value of one cookie in a Cookie header (names and values per RFC 6265; no decoding needed for ours). */
export function cookieValue(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function bearerToken(headers: HeaderSource): string | null {
  const header = headers.get("authorization");
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized("the Authorization header must be 'Bearer <token>'");
  return match[1]!;
}

/**
 * Who sent the request: a bearer token (refused with 401 when it is not valid — a bad token is
 * never silently treated as no token), else the session cookie (null when it is unknown or
 * expired), else null.
 */
export async function authenticate(db: Db, headers: HeaderSource): Promise<Principal | null> {
  const token = bearerToken(headers);
  if (token !== null) return tokenPrincipal(db, token);
  const secret = cookieValue(headers.get("cookie"), SESSION_COOKIE);
  return secret ? sessionPrincipal(db, secret) : null;
}

/** The 401 for a request without valid credentials, telling a fresh server's visitor about setup. */
export async function notSignedIn(db: Db, hadCookie: boolean): Promise<never> {
  if (!(await hasAnyUser(db)) && !adminTokenConfigured()) {
    throw unauthorized("no account exists yet: open /setup in a browser to create the first admin (or start the server with FLOWDECK_ADMIN_TOKEN)");
  }
  throw unauthorized(
    hadCookie
      ? "the session has expired or is not valid; sign in again"
      : "sign in first: send the session cookie of a signed-in browser, or 'Authorization: Bearer <token>'",
  );
}

/** 403 naming the role that is needed and the one the caller has. */
export function requireRole(principal: Principal, access: Access): void {
  if (allows(principal.role, access)) return;
  const needs = access === "worker" ? "a worker token (or admin)" : `the ${access} role (or higher)`;
  throw forbidden(`this needs ${needs}; ${actorOf(principal)} has the ${principal.role} role`);
}

/**
 * The principal of a request that needs `access`, or 401/403. For `public`, null when no
 * credentials came (a public route never fails on them).
 */
export async function authorize(db: Db, headers: HeaderSource, access: Access): Promise<Principal | null> {
  if (access === "public") return null;
  const principal = await authenticate(db, headers);
  if (!principal) return notSignedIn(db, cookieValue(headers.get("cookie"), SESSION_COOKIE) !== null);
  requireRole(principal, access);
  return principal;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Why a cookie-authenticated state change must be refused as cross-site, or null. Browsers send
 * `Sec-Fetch-Site` (and `Origin` on every POST); a request with neither did not come from a
 * browser page, so it cannot be a forged cross-site one. The same rule as Go's
 * net/http.CrossOriginProtection. Bearer-token requests are not affected (a browser never attaches
 * a token by itself).
 */
export function crossSiteRefusal(headers: HeaderSource, method: string, ownOrigin: string): string | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  const site = headers.get("sec-fetch-site");
  if (site !== null) {
    return site === "same-origin" || site === "none" ? null : `a ${site} request may not change anything with this session (Sec-Fetch-Site: ${site})`;
  }
  const origin = headers.get("origin");
  if (origin === null) return null;
  return origin === ownOrigin ? null : `a request from ${origin} may not change anything with this session; only ${ownOrigin} may`;
}

/** The origin the browser sees this app at: Host (or X-Forwarded-Host) and the forwarded protocol. */
export function ownOrigin(headers: HeaderSource, fallbackUrl: string): string {
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  if (!host) return new URL(fallbackUrl).origin;
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || new URL(fallbackUrl).protocol.replace(":", "");
  return `${proto}://${host.split(",")[0]!.trim()}`;
}
