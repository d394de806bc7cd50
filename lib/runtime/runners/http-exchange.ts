// What an http attempt really sent and what came back, as stored on the attempt's `input` (issue
// 12, point 13): the resolved request (method, URL, headers, body excerpt) and the response's
// status, timing and headers. Stored with the outcome, in the transaction that ends the attempt,
// for successes and failures alike (a 500, a timeout, a refused address: the request still shows).
//
// Never stored in clear: every secret value the task used (lib/secrets/mask.ts turns it into
// `[secret:NAME]`), and the values of credential-bearing headers and query parameters
// (Authorization, Cookie, X-Api-Key, …, `?token=`): `[masked]`, keeping an auth scheme
// (`Bearer [masked]`), or the secret marker when the whole value was one secret.
import { secretMasker, type SecretValues } from "@/lib/secrets/mask";

/** The largest body excerpt kept, in characters. */
export const REQUEST_BODY_EXCERPT = 16 * 1024;
/** Response headers kept, and the longest value of each. */
const MAX_RESPONSE_HEADERS = 40;
const MAX_HEADER_VALUE = 512;

export type RecordedRequest = {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body as sent, cut to REQUEST_BODY_EXCERPT characters; null without a body. */
  body: string | null;
  /** The body's full size in bytes (UTF-8). */
  bodyBytes: number;
  bodyTruncated: boolean;
};

export type RecordedResponse = {
  /** null when no answer came (timeout, network error, refused destination). */
  status: number | null;
  /** From just before the call to its answer (or its failure). */
  durationMs: number;
  headers: Record<string, string>;
  /** The failure's code when there was no answer. */
  error?: string;
};

export type HttpExchange = { request: RecordedRequest; response: RecordedResponse | null };

const SENSITIVE_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie)$|token|secret|passw|api[-_]?key|auth|session|signature|credential/i;
const SENSITIVE_PARAM = /token|secret|passw|api[-_]?key|^key$|auth|session|signature|^sig$|credential/i;
const ONLY_SECRET = /^(?:[A-Za-z][\w-]* )?\[secret:[A-Z_][A-Z0-9_]*\]$/;

type Mask = (text: string) => string;

function maskerOf(secrets: SecretValues | undefined): Mask {
  if (!secrets || Object.keys(secrets).length === 0) return (text) => text;
  const mask = secretMasker(secrets);
  return (text) => mask(text);
}

/** A credential's value: the secret marker when it was exactly one secret, else `[masked]` (with its scheme). */
function maskCredential(value: string, mask: Mask): string {
  const masked = mask(value);
  if (ONLY_SECRET.test(masked)) return masked;
  const scheme = /^([A-Za-z][\w-]*) \S/.exec(value)?.[1];
  return scheme ? `${scheme} [masked]` : "[masked]";
}

function maskHeaders(headers: Record<string, string>, mask: Mask): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[mask(name)] = SENSITIVE_HEADER.test(name) ? maskCredential(value, mask) : mask(value);
  return out;
}

/** The URL as sent, with a password in it and credential query values masked. */
function maskUrl(url: URL, mask: Mask): string {
  const base = url.origin === "null" ? `${url.protocol}${url.pathname}` : `${url.protocol}//${url.username ? `${url.username}${url.password ? ":[masked]" : ""}@` : ""}${url.host}${url.pathname}`;
  const pairs = [...url.searchParams.entries()].map(([key, value]) => `${encodeURIComponent(key)}=${SENSITIVE_PARAM.test(key) ? maskCredential(value, mask) : encodeURIComponent(value)}`);
  return mask(`${base}${pairs.length > 0 ? `?${pairs.join("&")}` : ""}${url.hash}`);
}

export function recordRequest(input: { method: string; url: URL; headers: Record<string, string>; body: string | undefined }, secrets: SecretValues | undefined): RecordedRequest {
  const mask = maskerOf(secrets);
  const body = input.body === undefined ? null : mask(input.body);
  const bodyBytes = input.body === undefined ? 0 : Buffer.byteLength(input.body);
  const bodyTruncated = body !== null && body.length > REQUEST_BODY_EXCERPT;
  return {
    method: input.method,
    url: maskUrl(input.url, mask),
    headers: maskHeaders(input.headers, mask),
    body: body !== null && bodyTruncated ? body.slice(0, REQUEST_BODY_EXCERPT) : body,
    bodyBytes,
    bodyTruncated,
  };
}

export function recordResponse(response: { status: number | null; durationMs: number; headers?: Headers; error?: string }, secrets: SecretValues | undefined): RecordedResponse {
  const mask = maskerOf(secrets);
  const headers: Record<string, string> = {};
  let kept = 0;
  for (const [name, value] of response.headers?.entries() ?? []) {
    if (kept++ >= MAX_RESPONSE_HEADERS) break;
    headers[name] = value.length > MAX_HEADER_VALUE ? `${value.slice(0, MAX_HEADER_VALUE)}…` : value;
  }
  return {
    status: response.status,
    durationMs: Math.max(0, Math.round(response.durationMs)),
    headers: maskHeaders(headers, mask),
    ...(response.error ? { error: response.error } : {}),
  };
}
