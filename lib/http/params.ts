import { z } from "zod";
import { ServiceError, validationFailed } from "@/lib/services/errors";
import type { SavePrecondition } from "@/lib/services/save-precondition";

/** `?version=N`: absent → latest; otherwise a positive integer. */
export const versionQuerySchema = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/, "version must be a positive integer")
  .transform(Number)
  .optional();

/** `?after=<event id>` (or the Last-Event-ID header) of the events route: events after that one. */
export const eventCursorSchema = z
  .string()
  .regex(/^[0-9]{1,19}$/, { error: "must be a non-negative integer: an event id" })
  .optional()
  .describe("Only events after this event id (a live stream resumes with the Last-Event-ID header instead)");

export function eventCursorFrom(request: Request): bigint | undefined {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after");
  const parsed = eventCursorSchema.safeParse(raw === null || raw === "" ? undefined : raw);
  if (!parsed.success) throw new ServiceError("BAD_REQUEST", "the event cursor must be an event id", [{ path: "after", message: parsed.error.issues[0]!.message }]);
  return parsed.data === undefined ? undefined : BigInt(parsed.data);
}

export function versionFrom(request: Request): number | undefined {
  const raw = new URL(request.url).searchParams.get("version");
  return versionQuerySchema.parse(raw ?? undefined);
}

/**
 * What a POST /api/workflows save is based on (lib/services/save-precondition.ts), from
 * `?baseVersion=N` (0: the workflow must not exist yet), `If-None-Match: *` (the same) or
 * `If-Match: "<checksum>"` (the ETag of GET /api/workflows/{name}; `*`: it must exist). None of
 * them: a plain save, as scripts have always done. More than one is refused (400).
 */
export function savePreconditionFrom(request: Request): SavePrecondition {
  const raw = new URL(request.url).searchParams.get("baseVersion");
  const ifMatch = request.headers.get("if-match")?.trim();
  const ifNoneMatch = request.headers.get("if-none-match")?.trim();
  const given = [raw !== null && "?baseVersion", ifMatch && "If-Match", ifNoneMatch && "If-None-Match"].filter(Boolean);
  if (given.length > 1) throw new ServiceError("BAD_REQUEST", `give one of ?baseVersion, If-Match and If-None-Match, not ${given.join(" and ")}`);
  if (raw !== null) {
    if (!/^(0|[1-9][0-9]{0,8})$/.test(raw)) throw validationFailed("baseVersion must be 0 (a new workflow) or a version number", [{ path: "baseVersion", message: `must be a non-negative integer; got '${raw}'` }]);
    const baseVersion = Number(raw);
    return baseVersion === 0 ? { create: true } : { baseVersion };
  }
  if (ifNoneMatch) {
    if (ifNoneMatch !== "*") throw new ServiceError("BAD_REQUEST", `If-None-Match on a save must be '*' (the workflow must not exist yet); got '${ifNoneMatch}'`);
    return { create: true };
  }
  if (ifMatch) {
    if (ifMatch === "*") return { ifMatch: "*" };
    const match = /^(?:W\/)?"?([0-9a-f]{64})"?$/.exec(ifMatch);
    if (!match) throw new ServiceError("BAD_REQUEST", `If-Match must be '*' or one checksum as GET /api/workflows/{name} gives it in its ETag ("<64 hex digits>"); got '${ifMatch.slice(0, 100)}'`);
    return { ifMatch: match[1]! };
  }
  return {};
}
