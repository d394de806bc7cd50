import { MIMEType } from "node:util";
import { NextResponse } from "next/server";
import { z } from "zod";
import { forbidden, ServiceError, validationFailed, type ErrorDetail } from "@/lib/services/errors";
import { getDb } from "@/lib/db/client";
import { authorize, crossSiteRefusal, ownOrigin } from "@/lib/auth/authenticate";
import type { Principal } from "@/lib/auth/principal";
import type { Access } from "@/lib/auth/roles";
import { decodeUtf8, findIllFormedText, illFormedMessage, mayHoldSurrogateEscape } from "@/lib/workflow/well-formed";
import { ensureReady } from "@/lib/server/bootstrap";
import { observeHttpRequest } from "@/lib/metrics/observe";
import { routePattern } from "@/lib/metrics/route-pattern";

/** The error body every API route returns: `{ error: { code, message, details } }`. */
export type ApiErrorBody = { error: { code: string; message: string; details: ErrorDetail[] } };

/** Largest JSON body accepted by the API (definitions, inputs, imports). @default 5 MiB */
export const MAX_BODY_BYTES = Number(process.env.FLOWDECK_MAX_BODY_BYTES ?? 5 * 1024 * 1024);

export function errorResponse(status: number, code: string, message: string, details: ErrorDetail[] = []) {
  const body: ApiErrorBody = { error: { code, message, details } };
  return NextResponse.json(body, { status });
}

/** zod issue path → `tasks[2].params.url`, the same path format as definition validation. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));
}

const JSON_MEDIA_TYPE = "Content-Type: application/json";
/** application/json, or a structured syntax suffix (application/merge-patch+json, RFC 6839). */
const JSON_ESSENCE = /^application\/(?:json|[a-z0-9!#$&^_.-]+\+json)$/;

/**
 * Only JSON bodies are accepted: `application/json` or `application/*+json`, with parameters
 * (`charset` must then be utf-8, the only encoding the body is read in). Why so strict: a browser
 * sends a cross-site POST without a CORS preflight only when its Content-Type is one of the three
 * "simple" types (text/plain, application/x-www-form-urlencoded, multipart/form-data) or absent
 * (a Blob body without a type). Accepting any of those — `text/plain;charset=json` matched the
 * old /json/ test — let any web page start executions through a visitor's browser. Requiring a
 * JSON media type makes such a request need a preflight, which the API does not answer.
 */
function checkJsonMediaType(contentType: string): void {
  let mime: MIMEType;
  try {
    mime = new MIMEType(contentType);
  } catch {
    throw new ServiceError("UNSUPPORTED_MEDIA_TYPE", `Content-Type '${contentType.slice(0, 200)}' is not a media type; send the body as ${JSON_MEDIA_TYPE}`);
  }
  if (!JSON_ESSENCE.test(mime.essence)) {
    throw new ServiceError("UNSUPPORTED_MEDIA_TYPE", `expected a JSON body (${JSON_MEDIA_TYPE}), got '${contentType.slice(0, 200)}'`);
  }
  const charset = mime.params.get("charset")?.toLowerCase();
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw new ServiceError("UNSUPPORTED_MEDIA_TYPE", `a JSON body must be UTF-8; got charset '${charset.slice(0, 100)}'`);
  }
}

/**
 * Reads a JSON body with a size bound. Errors name what is wrong: a Content-Type that is not JSON
 * or none on a body (415, see checkJsonMediaType), an empty body, a body over the limit, bytes that
 * are not UTF-8, JSON that does not parse (with the parser's position), or a
 * string or key with a lone surrogate (`"\ud800"`).
 *
 * Ill-formed text is refused with a 400 naming its path, never normalised (the reasons are in
 * lib/workflow/well-formed.ts). This covers every body of the API: definitions, imports, execution
 * inputs, operations and workers' results.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const contentType = request.headers.get("content-type");
  if (contentType !== null) checkJsonMediaType(contentType);
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge(declared);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge(bytes.byteLength);
  if (contentType === null && bytes.byteLength > 0) {
    throw new ServiceError("UNSUPPORTED_MEDIA_TYPE", `the request has a body but no Content-Type; send it as ${JSON_MEDIA_TYPE}`);
  }
  const { text, firstInvalidByte } = decodeUtf8(bytes);
  if (text.trim() === "") throw new ServiceError("BAD_REQUEST", "the request body is empty; expected JSON");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (firstInvalidByte !== undefined) throw notUtf8(firstInvalidByte, undefined);
    throw new ServiceError("BAD_REQUEST", `the request body is not valid JSON: ${(error as Error).message}`);
  }
  if (firstInvalidByte === undefined && !mayHoldSurrogateEscape(text)) return value;
  const found = findIllFormedText(value);
  if (firstInvalidByte !== undefined) throw notUtf8(firstInvalidByte, found?.path);
  if (found) {
    throw validationFailed(`the request body has ill-formed text at ${found.path || "(root)"}`, [
      { path: found.path, message: illFormedMessage(found) },
    ]);
  }
  return value;
}

/**
 * The body of a route that may take none (pause, resume, retry, restart): no body at all reads as
 * `{}`. A Content-Type, when sent, must be JSON even on an empty body: a cross-site HTML form
 * with no fields posts `application/x-www-form-urlencoded` or `text/plain` with an empty body.
 */
export async function readOptionalJsonBody(request: Request): Promise<unknown> {
  const contentType = request.headers.get("content-type");
  if (contentType !== null) checkJsonMediaType(contentType);
  const empty = request.body === null || request.headers.get("content-length") === "0";
  return empty ? {} : readJsonBody(request);
}

function notUtf8(offset: number, path: string | undefined): ServiceError {
  const where = path === undefined ? "" : ` (in ${path || "the top-level string"})`;
  return validationFailed(
    `the request body is not valid UTF-8: byte ${offset}${where} is not part of a well-formed UTF-8 sequence`,
    path === undefined ? [] : [{ path, message: `is not valid UTF-8 (byte ${offset} of the body)` }],
  );
}

function tooLarge(size: number): ServiceError {
  return new ServiceError(
    "PAYLOAD_TOO_LARGE",
    `the request body is ${size} bytes; the limit is ${MAX_BODY_BYTES} bytes (FLOWDECK_MAX_BODY_BYTES)`,
  );
}

type RouteContext<P> = { params: Promise<P> };
type Handler<P, A> = (request: Request, params: P, principal: A) => Promise<Response>;

/** A route handler as Next calls it, with the access it needs (the route-walk test reads it). */
export type RouteHandler<P> = ((request: Request, context: RouteContext<P>) => Promise<Response>) & { access: Access };

/**
 * Wraps a route handler — the one route wrapper. In order: waits for the database to be ready;
 * checks access (lib/auth/roles.ts: `public`, `worker`, or a user role) — 401 without valid
 * credentials, 403 naming the role needed, 403 for a cookie-authenticated state change from
 * another site; then runs the handler with the principal. Maps service errors to their status
 * (validation → 400, not found → 404, conflict → 409, …), zod errors to 400, and anything else
 * to a 500 without a stack trace (which is logged on the server). Measures every request for
 * flowdeck_http_request_duration_seconds, labelled with the route's pattern (lib/metrics/route-pattern.ts),
 * until the response starts (a live event stream counts until its headers, not its end).
 */
export function route<P = Record<string, never>>(access: "public", handler: Handler<P, null>): RouteHandler<P>;
export function route<P = Record<string, never>>(access: Exclude<Access, "public">, handler: Handler<P, Principal>): RouteHandler<P>;
export function route<P>(access: Access, handler: Handler<P, never>): RouteHandler<P> {
  const answer = async (request: Request, params: P): Promise<Response> => {
    try {
      await ensureReady();
      const principal = await authorize(getDb(), request.headers, access);
      if (principal?.via === "session") {
        const refusal = crossSiteRefusal(request.headers, request.method, ownOrigin(request.headers, request.url));
        if (refusal) throw forbidden(refusal);
      }
      // `principal` is null exactly for public routes (the overloads give each handler its type).
      return await handler(request, params, principal as never);
    } catch (error) {
      if (error instanceof ServiceError) {
        return errorResponse(error.httpStatus, error.code, error.message, error.details);
      }
      if (error instanceof z.ZodError) {
        return errorResponse(400, "VALIDATION_FAILED", "the request is invalid", zodDetails(error));
      }
      console.error(`[api] ${request.method} ${new URL(request.url).pathname} failed`, error);
      return errorResponse(500, "INTERNAL", "internal error; see the server log");
    }
  };
  const wrapped = async (request: Request, context: RouteContext<P>): Promise<Response> => {
    const startedAt = performance.now();
    const params = context?.params ? await context.params : ({} as P);
    const response = await answer(request, params);
    const pattern = routePattern(new URL(request.url).pathname, (params ?? {}) as Record<string, unknown>);
    observeHttpRequest(request.method, pattern, response.status, performance.now() - startedAt);
    return response;
  };
  return Object.assign(wrapped, { access });
}
