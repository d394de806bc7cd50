import type { ExpressionContext } from "@/lib/workflow/expressions";
import { evaluateTemplate } from "@/lib/pool/evaluate";
import type { AttemptOutcome } from "@/lib/runtime/state";
import { errorOf, expressionError } from "@/lib/runtime/runners/error-of";

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

/** Hosts HTTP tasks may call (FLOWDECK_HTTP_ALLOWED_HOSTS, comma-separated); every host when unset. */
function allowedHosts(): string[] | null {
  const raw = process.env.FLOWDECK_HTTP_ALLOWED_HOSTS?.trim();
  return raw ? raw.split(",").map((host) => host.trim().toLowerCase()).filter(Boolean) : null;
}

/**
 * Calls an HTTP API. Output: { status, headers, body } (JSON body parsed when it is JSON). A status
 * outside successStatuses fails with code HTTP_<status> and an excerpt of the body; a timeout fails
 * with code TIMEOUT; a network error with code NETWORK_ERROR. `abort` (the engine's shutdown grace
 * ran out, Engine.stop) abandons the call: code ENGINE_SHUTDOWN, retried by the task's policy.
 */
export async function runHttpTask(rawParams: Record<string, unknown>, context: ExpressionContext, taskKey: string, options: { abort?: AbortSignal } = {}): Promise<AttemptOutcome> {
  const evaluated = await evaluateTemplate(rawParams, context, { basePath: `tasks.${taskKey}.params` });
  if (!evaluated.ok) return { status: "FAILED", error: expressionError(evaluated.error) };
  const params = evaluated.value as HttpParams;
  let url: URL;
  try {
    url = new URL(String(params.url));
  } catch {
    return { status: "FAILED", error: errorOf("BAD_URL", `'${String(params.url)}' is not an absolute URL`) };
  }
  const hosts = allowedHosts();
  if (hosts && !hosts.includes(url.hostname.toLowerCase())) {
    return { status: "FAILED", error: errorOf("HOST_NOT_ALLOWED", `host '${url.hostname}' is not in FLOWDECK_HTTP_ALLOWED_HOSTS`) };
  }
  for (const [key, value] of Object.entries(params.query ?? {})) url.searchParams.set(key, String(value));
  const method = params.method ?? "GET";
  const headers: Record<string, string> = Object.fromEntries(Object.entries(params.headers ?? {}).map(([k, v]) => [k, String(v)]));
  let body: string | undefined;
  if (params.body !== undefined && method !== "GET" && method !== "HEAD") {
    body = typeof params.body === "string" ? params.body : JSON.stringify(params.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  }
  const timeoutMs = params.timeoutMs ?? 30_000;
  try {
    // One controller for the timeout and the engine's abort (a listener removed afterwards, not
    // AbortSignal.any, which some Node versions keep referenced from the long-lived abort signal).
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const onAbort = () => controller.abort();
    options.abort?.addEventListener("abort", onAbort);
    if (options.abort?.aborted) onAbort();
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { method, headers, body, signal: controller.signal, redirect: "follow" });
      text = await response.text();
    } finally {
      clearTimeout(timer);
      options.abort?.removeEventListener("abort", onAbort);
    }
    if (text.length > MAX_RESPONSE_BYTES) {
      return { status: "FAILED", error: errorOf("RESPONSE_TOO_LARGE", `the response body is ${text.length} bytes; the limit is ${MAX_RESPONSE_BYTES}`) };
    }
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
    if (isSuccess(response.status, params.successStatuses ?? ["2xx"])) return { status: "COMPLETED", output };
    return {
      status: "FAILED",
      error: errorOf(`HTTP_${response.status}`, `${method} ${url.origin}${url.pathname} answered ${response.status}: ${text.slice(0, ERROR_BODY_EXCERPT)}`, {
        status: response.status,
        body: text.slice(0, ERROR_BODY_EXCERPT),
      }),
    };
  } catch (error) {
    const name = (error as Error).name;
    if (options.abort?.aborted) {
      return { status: "FAILED", error: errorOf("ENGINE_SHUTDOWN", `${method} ${url.origin}${url.pathname} was abandoned: the engine shut down before it answered`) };
    }
    if (name === "TimeoutError" || name === "AbortError") {
      return { status: "FAILED", error: errorOf("TIMEOUT", `${method} ${url.origin}${url.pathname} did not answer within ${timeoutMs} ms`) };
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { status: "FAILED", error: errorOf("NETWORK_ERROR", `${method} ${url.origin}${url.pathname} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`) };
  }
}
