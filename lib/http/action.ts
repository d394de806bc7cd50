import { z } from "zod";
import { ServiceError } from "@/lib/services/errors";
import { ensureReady } from "@/lib/server/bootstrap";
import { zodDetails, type ApiErrorBody } from "@/lib/http/api";
import { headers } from "next/headers";
import { getDb } from "@/lib/db/client";
import { authorize, requireRole } from "@/lib/auth/authenticate";
import type { Principal } from "@/lib/auth/principal";
import type { Access } from "@/lib/auth/roles";

/** A server action's error: the same `{ code, message, details }` as an API route's error body. */
export type ActionError = ApiErrorBody["error"];

/** What a server action returns: its value, or the error the API route would have answered with. */
export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: ActionError };

/**
 * The error an API route would answer with (see `route` in lib/http/api.ts): a service error keeps
 * its code, message and details, a zod error becomes VALIDATION_FAILED with one detail per issue,
 * anything else an INTERNAL error without a stack trace (which is logged on the server).
 */
export function toActionError(error: unknown, label: string): ActionError {
  if (error instanceof ServiceError) return { code: error.code, message: error.message, details: error.details };
  if (error instanceof z.ZodError) return { code: "VALIDATION_FAILED", message: "the request is invalid", details: zodDetails(error) };
  console.error(`[actions] ${label} failed`, error);
  return { code: "INTERNAL", message: "internal error; see the server log", details: [] };
}

/**
 * Runs a server action's body as `route` runs a handler: after the database is ready, as the
 * signed-in user of the request's session cookie, who must have `access` (401 / 403 otherwise, as
 * values), with every error turned into a value, so the client reads one typed result and never a
 * thrown error. Next checks a server action's Origin against its Host itself (cross-site calls are
 * refused before this runs).
 */
export async function runAction<T>(label: string, access: Exclude<Access, "public">, body: (principal: Principal) => Promise<T>): Promise<ActionResult<T>> {
  try {
    await ensureReady();
    const principal = await authorize(getDb(), await headers(), access);
    return await runActionAs(principal!, label, access, body);
  } catch (error) {
    return { ok: false, error: toActionError(error, label) };
  }
}

/** `runAction` for a principal already known (the part of it tests can call outside a request). */
export async function runActionAs<T>(principal: Principal, label: string, access: Exclude<Access, "public">, body: (principal: Principal) => Promise<T>): Promise<ActionResult<T>> {
  try {
    await ensureReady();
    requireRole(principal, access);
    return { ok: true, value: await body(principal) };
  } catch (error) {
    return { ok: false, error: toActionError(error, label) };
  }
}
