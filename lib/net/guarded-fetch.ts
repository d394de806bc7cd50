/**
 * fetch() for `http` tasks under the network policy (lib/net/allow-list.ts): only http: and https:,
 * DNS resolved here and every address checked before any connection, the connection pinned to
 * the checked addresses, and every redirect followed here (bounded) and checked the same way.
 *
 * Why pinned: checking a name and then letting the HTTP client resolve it again leaves a window
 * in which the name can change (DNS rebinding: public address for the check, 127.0.0.1 for the
 * connection). Here the socket gets its address from a `lookup` that only returns what was
 * checked, so what is connected to is what was checked. An IP literal (after the WHATWG URL
 * parser turned `2130706433`, `0x7f.1` or `[::ffff:127.0.0.1]` into its canonical form) is checked
 * as it is: net.connect does not resolve it.
 *
 * Connections are kept alive and reused, but only under the same check: one undici Agent per
 * (scheme, host, port, checked addresses), so a connection is reused only by a call whose check
 * came out with the very addresses it was made to. A name whose addresses change gets a new
 * Agent. The agents are an LRU of FLOWDECK_HTTP_AGENT_CACHE_ENTRIES (64); an evicted one is
 * closed once its requests are done, and idle sockets close after undici's keep-alive timeout.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupAddress, LookupOptions } from "node:dns";
import { isIP } from "node:net";
import { Agent, fetch, type Response } from "undici";
import { ALLOWED_HOSTS_SETTING, checkDestination, describeRefusal, type Destination, type NetworkPolicy } from "@/lib/net/allow-list";
import { boundFromEnv, LruCache } from "@/lib/workflow/lru";

export type RefusalCode = "ADDRESS_NOT_ALLOWED" | "SCHEME_NOT_ALLOWED" | "TOO_MANY_REDIRECTS" | "BAD_REDIRECT" | "RESPONSE_TOO_LARGE";

/** A request the policy (or a bound) refused; `code` becomes the task's error code. */
export class RequestRefusedError extends Error {
  readonly code: RefusalCode;
  readonly details: Record<string, unknown>;
  constructor(code: RefusalCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "RequestRefusedError";
    this.code = code;
    this.details = details;
  }
}

export type Resolver = (hostname: string, signal: AbortSignal) => Promise<LookupAddress[]>;

export type GuardedRequest = { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal };

export type GuardedResponse = { status: number; headers: Headers; text: string; url: URL; redirects: number };

export type GuardedFetchOptions = {
  policy: NetworkPolicy;
  /** Largest response body read (bytes, after content decoding). */
  maxResponseBytes: number;
  /** Redirects followed before the call fails with TOO_MANY_REDIRECTS. @default 20 (as fetch) */
  maxRedirects?: number;
  /** How host names are resolved. @default the system resolver (dns.lookup, all addresses) */
  resolve?: Resolver;
};

const ALLOWED_SCHEMES = new Set(["http:", "https:"]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers not carried to another origin on a redirect (fetch drops Authorization; undici these too). */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language", "content-location"];

const systemResolver: Resolver = (hostname, signal) =>
  new Promise((resolve, reject) => {
    // getaddrinfo cannot be cancelled; the caller stops waiting for it on abort.
    const onAbort = () => reject(signal.reason ?? new DOMException("aborted", "AbortError"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    dnsLookup(hostname, { all: true }).then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });

/** The destination of a URL as it will be connected to: host name without brackets, port. */
function destinationOf(url: URL): { hostname: string; port: number } {
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return { hostname, port };
}

function checkScheme(url: URL, hop: number): void {
  if (ALLOWED_SCHEMES.has(url.protocol)) return;
  const where = hop === 0 ? "" : `redirect ${hop} refused: `;
  throw new RequestRefusedError("SCHEME_NOT_ALLOWED", `${where}'${url.protocol}' URLs are not allowed: http tasks call http: and https: URLs only`, { scheme: url.protocol });
}

/** Resolves and checks one hop's destination; returns the addresses the connection may use. */
async function checkedAddresses(url: URL, options: GuardedFetchOptions, signal: AbortSignal, hop: number): Promise<LookupAddress[]> {
  const { hostname, port } = destinationOf(url);
  const family = isIP(hostname);
  const addresses = family !== 0 ? [{ address: hostname, family }] : await (options.resolve ?? systemResolver)(hostname, signal);
  const destination: Destination = { hostname, port, addresses: addresses.map((entry) => entry.address) };
  const verdict = checkDestination(options.policy, destination);
  if (verdict.allowed) return addresses;
  const where = hop === 0 ? "" : `redirect ${hop} to ${url.origin}${url.pathname} refused: `;
  // Origin and path only: a query may carry credentials.
  throw new RequestRefusedError("ADDRESS_NOT_ALLOWED", `${where}${describeRefusal(destination, verdict, options.policy)}`, {
    url: `${url.origin}${url.pathname}`,
    hostname,
    port,
    address: verdict.address.address,
    range: verdict.address.range,
    setting: ALLOWED_HOSTS_SETTING,
    allowWith: verdict.suggestion,
  });
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A net.connect `lookup` that answers only with the checked addresses of the checked host. */
function pinnedLookup(expectedHost: string, addresses: LookupAddress[]) {
  return (hostname: string, options: LookupOptions | number, callback: LookupCallback): void => {
    if (hostname !== expectedHost) {
      callback(Object.assign(new Error(`refusing to resolve '${hostname}': this connection was checked for '${expectedHost}'`), { code: "ENOTFOUND" }), []);
      return;
    }
    const family = typeof options === "number" ? options : options.family;
    const matching = family === 4 || family === 6 ? addresses.filter((entry) => entry.family === family) : addresses;
    if (matching.length === 0) {
      callback(Object.assign(new Error(`'${hostname}' has no IPv${family} address`), { code: "ENOTFOUND" }), []);
      return;
    }
    if (typeof options === "object" && options.all) callback(null, matching);
    else callback(null, matching[0]!.address, matching[0]!.family);
  };
}

/** Agents by the check they were made under. @default 64 (FLOWDECK_HTTP_AGENT_CACHE_ENTRIES) */
const agents = new LruCache<string, Agent>({
  maxEntries: boundFromEnv("FLOWDECK_HTTP_AGENT_CACHE_ENTRIES", 64),
  onEvict: (agent) => void agent.close().catch(() => undefined),
});

/** The agent for a checked hop: connections made only to `addresses`, for this origin. */
function agentFor(url: URL, addresses: LookupAddress[]): Agent {
  const { hostname } = destinationOf(url);
  const key = `${url.protocol}//${url.host} ${addresses.map((entry) => entry.address).sort().join(" ")}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ connect: { lookup: pinnedLookup(hostname, addresses) } });
    agents.set(key, agent);
  }
  return agent;
}

/** Reads the body as UTF-8 text (as Response.text() does), refusing more than `maxBytes`. */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const tooLarge = (size: string) =>
    new RequestRefusedError("RESPONSE_TOO_LARGE", `the response body is ${size} bytes; the limit is ${maxBytes}`, { limit: maxBytes });
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (!response.headers.has("content-encoding") && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(String(declared));
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(`more than ${maxBytes}`);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * The redirect's next request, as fetch builds it: 303 (and 301/302 after a POST) becomes a GET
 * without a body; a change of origin drops the credentials.
 */
function nextRequest(request: GuardedRequest, status: number, from: URL, to: URL): GuardedRequest {
  let { method, body } = request;
  const headers = { ...request.headers };
  if ((status === 303 && method !== "GET" && method !== "HEAD") || ((status === 301 || status === 302) && method === "POST")) {
    method = "GET";
    body = undefined;
    for (const name of Object.keys(headers)) if (BODY_HEADERS.includes(name.toLowerCase())) delete headers[name];
  }
  if (from.origin !== to.origin) {
    for (const name of Object.keys(headers)) if (CREDENTIAL_HEADERS.includes(name.toLowerCase())) delete headers[name];
  }
  return { ...request, method, body, headers };
}

/** One request under the policy, following redirects; the final response with its body read. */
export async function guardedFetch(start: URL, first: GuardedRequest, options: GuardedFetchOptions): Promise<GuardedResponse> {
  const maxRedirects = options.maxRedirects ?? 20;
  let url = start;
  let request = first;
  for (let hop = 0; ; hop++) {
    checkScheme(url, hop);
    const addresses = await checkedAddresses(url, options, request.signal, hop);
    const response = await fetch(url, { method: request.method, headers: request.headers, body: request.body, signal: request.signal, redirect: "manual", dispatcher: agentFor(url, addresses) });
    const location = response.headers.get("location");
    if (!REDIRECTS.has(response.status) || location === null) {
      const text = await readCapped(response, options.maxResponseBytes);
      return { status: response.status, headers: response.headers as unknown as Headers, text, url, redirects: hop };
    }
    await response.body?.cancel();
    if (hop >= maxRedirects) {
      throw new RequestRefusedError("TOO_MANY_REDIRECTS", `redirected more than ${maxRedirects} times (the limit)`, { limit: maxRedirects, last: `${url.origin}${url.pathname}` });
    }
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new RequestRefusedError("BAD_REDIRECT", `${url.origin}${url.pathname} answered ${response.status} with Location '${location.slice(0, 200)}', which is not a URL`, { location: location.slice(0, 2000) });
    }
    request = nextRequest(request, response.status, url, next);
    url = next;
  }
}
