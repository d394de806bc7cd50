// Who is asking: a signed-in user, an API token, or the bootstrap admin token. Events, versions and
// approvals record `actorOf(principal)`.
import type { TokenRole, UserRole } from "@/lib/auth/roles";

export type Principal =
  | { kind: "user"; userId: string; email: string; name: string | null; role: UserRole; via: "session"; sessionId: string }
  | { kind: "token"; tokenId: string; name: string; role: TokenRole; via: "token" }
  | { kind: "admin-token"; role: "admin"; via: "token" };

/** The actor string recorded in the history: the user's email, `token:<name>` for a token. */
export function actorOf(principal: Principal): string {
  if (principal.kind === "user") return principal.email;
  if (principal.kind === "token") return `token:${principal.name}`;
  return "token:FLOWDECK_ADMIN_TOKEN";
}

/**
 * The identity a worker's lease is held under: the `workerId` the worker names, bound to the
 * credential it called with. Another token that learns the workerId (it is visible in the
 * execution's attempts) still cannot heartbeat, complete or fail that lease.
 */
export function workerIdentity(principal: Principal, workerId: string): string {
  const credential = principal.kind === "user" ? `user:${principal.userId}` : principal.kind === "token" ? `token:${principal.tokenId}` : "admin-token";
  return `${workerId}@${credential}`;
}

/** What a browser may know about the signed-in user (no ids of sessions, nothing secret). */
export type Viewer = { email: string; name: string | null; role: UserRole };
