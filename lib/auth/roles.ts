// Roles and what each may do. One source for the server's checks, the UI's hiding and the docs.
//
//   viewer   reads workflows and executions
//   operator + starts, pauses, resumes, terminates, retries, restarts, reruns, skips, approves, rejects
//   designer + saves, imports and deletes workflows
//   admin    + manages users, roles, tokens and secrets
//   worker   (tokens only) polls, heartbeats, completes and fails worker tasks — nothing else
import { z } from "zod";

export const USER_ROLES = ["viewer", "operator", "designer", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const TOKEN_ROLES = [...USER_ROLES, "worker"] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export const userRoleSchema = z.enum(USER_ROLES);
export const tokenRoleSchema = z.enum(TOKEN_ROLES);

/**
 * What a route, page or server action needs. `public`: no credentials (health, login, setup,
 * webhooks). `worker`: a worker token, or an admin. A user role: that role or a higher one.
 */
export type Access = "public" | "worker" | UserRole;

const RANK: Record<UserRole, number> = { viewer: 1, operator: 2, designer: 3, admin: 4 };

/** Whether a holder of `role` may do what `access` needs. */
export function allows(role: TokenRole, access: Access): boolean {
  if (access === "public") return true;
  if (access === "worker") return role === "worker" || role === "admin";
  if (role === "worker") return false;
  return RANK[role] >= RANK[access];
}

/** Whether `role` is at least `other` in the user-role order (a worker token ranks below viewer). */
export function atLeast(role: TokenRole, other: TokenRole): boolean {
  if (other === "worker") return role === "worker" || role === "admin";
  return role !== "worker" && RANK[role] >= RANK[other];
}

export const ROLE_DESCRIPTIONS: Record<TokenRole, string> = {
  viewer: "reads workflows and executions",
  operator: "also starts, pauses, resumes, terminates, retries, restarts, reruns, skips, approves and rejects",
  designer: "also saves, imports and deletes workflows",
  admin: "also manages users, roles, tokens and secrets",
  worker: "only polls, heartbeats, completes and fails worker tasks",
};
