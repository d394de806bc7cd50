import type { ExpressionContext } from "@/lib/workflow/expressions";
import { evaluateTemplate } from "@/lib/pool/evaluate";
import type { AttemptOutcome } from "@/lib/runtime/state";
import { ALLOW_PUBLIC_SETTING, ALLOWED_HOSTS_SETTING, AllowListError, policyFromEnv, type NetworkPolicy } from "@/lib/net/allow-list";
import { guardedFetch, RequestRefusedError } from "@/lib/net/guarded-fetch";
import { errorOf, expressionError } from "@/lib/runtime/runners/error-of";
import { recordRequest, recordResponse, type HttpExchange } from "@/lib/runtime/runners/http-exchange";
import type { SecretValues } from "@/lib/secrets/mask";

/** Largest response body kept as output. @default 1 MiB */
const MAX_RESPONSE_BYTES = 1024 * 1024;
/** How much of a failed response's body the error carries. */
const ERROR_BODY_EXCERPT = 500;

type HttpParams = {
  url?: unknown;
  method?: string;
  headers?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  timeoutMs?: number;
  successStatuses?: (number | string)[];
};

function isSuccess(status: number, accepted: (number | string)[]): boolean {
  return accepted.some((entry) => (typeof entry === "number" ? entry === status : Number(entry[0]) === Math.floor(status / 100)));
}

/** The policy of FLOWDECK_HTTP_ALLOWED_HOSTS / FLOWDECK_HTTP_ALLOW_PUBLIC, parsed once per value. */
let cachedPolicy: { key: string; policy: NetworkPolicy } | undefined;
function currentPolicy(): NetworkPolicy {
  const key = `${process.env[ALLOWED_HOSTS_SETTING] ?? ""}\n${process.env[ALLOW_PUBLIC_SETTING] ?? ""}`;
  if (cachedPolicy?.key !== key) cachedPolicy = { key, policy: policyFromEnv() };
  return cachedPolicy.policy;
}

/**
 * Calls an HTTP API. Output: { status, headers, body } (JSON body parsed when it is JSON). A status
 * outside successStatuses fails with code HTTP_<status> and an excerpt of the body; a timeout fails
 * with code TIMEOUT; a network error with code NETWORK_ERROR. The network policy (lib/net) refuses
 * a destination with ADDRESS_NOT_ALLOWED (naming the address, why, and the setting that opens it),
 * a non-http(s) URL with SCHEME_NOT_ALLOWED, more than 20 redirects with TOO_MANY_REDIRECTS, and a
 * bad FLOWDECK_HTTP_ALLOWED_HOSTS with NETWORK_POLICY_INVALID. `abort` (the engine's shutdown grace
 * ran out, Engine.stop) abandons the call: code ENGINE_SHUTDOWN, retried by the task's policy.
 *
 * `exchange` is what was sent and what came back (http-exchange.ts), masked with `secrets`; null
 * when no request could be built (an expression failed, the URL is not one).
 */
export async function runHttpTask(
  rawParams: Record<string, unknown>,
  context: ExpressionContext,
  taskKey: string,
  options: { abort?: AbortSignal; secrets?: SecretValues } = {},
): Promise<{ outcome: AttemptOutcome; exchange: HttpExchange | null }> {
  const evaluated = await evaluateTemplate(rawParams, context, { basePath: `tasks.${taskKey}.params` });
  if (!evaluated.ok) return { outcome: { status: "FAILED", error: expressionError(evaluated.error) }, exchange: null };
  const params = evaluated.value as HttpParams;
  let url: URL;
  try {
    url = new URL(String(params.url));
  } catch {
    return { outcome: { status: "FAILED", error: errorOf("BAD_URL", `'${String(params.url)}' is not an absolute URL`) }, exchange: null };
  }
  for (const [key, value] of Object.entries(params.query ?? {})) url.searchParams.set(key, String(value));
  const method = params.method ?? "GET";
  const headers: Record<string, string> = Object.fromEntries(Object.entries(params.headers ?? {}).map(([k, v]) => [k, String(v)]));
  let body: string | undefined;
  if (params.body !== undefined && method !== "GET" && method !== "HEAD") {
    body = typeof params.body === "string" ? params.body : JSON.stringify(params.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  }
  const request = recordRequest({ method, url, headers, body }, options.secrets);
  const started = performance.now();
  const answered = await sendRequest(params, { url, method, headers, body }, options.abort);
  const durationMs = performance.now() - started;
  const response = recordResponse(
    answered.response ? { status: answered.response.status, durationMs, headers: answered.response.headers } : { status: null, durationMs, error: answered.outcome.status === "FAILED" ? answered.outcome.error.code : undefined },
    options.secrets,
  );
  return { outcome: answered.outcome, exchange: { request, response } };
}

type Sent = { url: URL; method: string; headers: Record<string, string>; body: string | undefined };

async function sendRequest(params: HttpParams, sent: Sent, abort: AbortSignal | undefined): Promise<{ outcome: AttemptOutcome; response?: { status: number; headers: Headers } }> {
  const { url, method, headers, body } = sent;
  let policy: NetworkPolicy;
  try {
    policy = currentPolicy();
  } catch (error) {
    if (error instanceof AllowListError) return { outcome: { status: "FAILED", error: errorOf("NETWORK_POLICY_INVALID", error.message) } };
    throw error;
  }
  // What messages name the call by (no query: it may carry tokens; `null` origin for data: etc.).
  const target = url.origin === "null" ? `${url.protocol}${url.pathname.slice(0, 100)}` : `${url.origin}${url.pathname}`;
  const timeoutMs = params.timeoutMs ?? 30_000;
  try {
    // One controller for the timeout and the engine's abort (a listener removed afterwards, not
    // AbortSignal.any, which some Node versions keep referenced from the long-lived abort signal).
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const onAbort = () => controller.abort();
    abort?.addEventListener("abort", onAbort);
    if (abort?.aborted) onAbort();
    let response: Awaited<ReturnType<typeof guardedFetch>>;
    try {
      response = await guardedFetch(url, { method, headers, body, signal: controller.signal }, { policy, maxResponseBytes: MAX_RESPONSE_BYTES });
    } finally {
      clearTimeout(timer);
      abort?.removeEventListener("abort", onAbort);
    }
    const { text } = response;
    const contentType = response.headers.get("content-type") ?? "";
    let parsed: unknown = text;
    if (/json/i.test(contentType) && text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    const output = { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: parsed };
    const answer = { status: response.status, headers: response.headers };
    if (isSuccess(response.status, params.successStatuses ?? ["2xx"])) return { outcome: { status: "COMPLETED", output }, response: answer };
    return {
      response: answer,
      outcome: {
        status: "FAILED",
        error: errorOf(`HTTP_${response.status}`, `${method} ${target} answered ${response.status}: ${text.slice(0, ERROR_BODY_EXCERPT)}`, {
          status: response.status,
          body: text.slice(0, ERROR_BODY_EXCERPT),
        }),
      },
    };
  } catch (error) {
    if (error instanceof RequestRefusedError) return { outcome: { status: "FAILED", error: errorOf(error.code, `${method} ${target}: ${error.message}`, error.details) } };
    const name = (error as Error).name;
    if (abort?.aborted) {
      return { outcome: { status: "FAILED", error: errorOf("ENGINE_SHUTDOWN", `${method} ${target} was abandoned: the engine shut down before it answered`) } };
    }
    if (name === "TimeoutError" || name === "AbortError") {
      return { outcome: { status: "FAILED", error: errorOf("TIMEOUT", `${method} ${target} did not answer within ${timeoutMs} ms`) } };
    }
    // fetch wraps socket errors (cause.code ECONNREFUSED…); DNS errors come as they are (code ENOTFOUND).
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? cause?.message ?? (error as { code?: string }).code ?? (error as Error).message;
    return { outcome: { status: "FAILED", error: errorOf("NETWORK_ERROR", `${method} ${target} failed: ${code}`) } };
  }
}
