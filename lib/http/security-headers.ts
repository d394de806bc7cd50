/**
 * The security headers of every response (issue 17, point 10), pure: proxy.ts composes them per
 * request. Which headers a path gets:
 *
 * | path | Content-Security-Policy | other headers |
 * |---|---|---|
 * | pages (everything below) | per-request nonce for scripts (below) | all of BASE_HEADERS |
 * | `/api/…`, `/schema/…` (JSON) | `default-src 'none'; frame-ancestors 'none'; …`: a JSON answer loads nothing | all |
 * | `/_next/…` (built assets) | none: a worker script's own response is its policy, and the layout worker imports chunks | all |
 *
 * The page policy and why each directive is what it is:
 * - `script-src 'nonce-…' 'strict-dynamic'`: only scripts carrying this response's nonce run, and
 *   what they load (Next's chunks). Next puts the nonce on its own scripts when it finds it in the
 *   request's Content-Security-Policy header (proxy.ts sets it there too); the layout's theme
 *   script reads it from `x-nonce`. Pages must render per request for that (they all do: the root
 *   layout reads the session). `'self'` is only a fallback for browsers without 'strict-dynamic'.
 *   Development adds `'unsafe-eval'` (React's dev tooling evaluates code; production never does).
 * - `style-src 'self' 'unsafe-inline'`: what the app actually needs. React Flow positions every node
 *   and edge label with inline `style` attributes, as do Radix popovers and our components
 *   (style-src-attr); sonner inserts a `<style>` element when it loads and has no nonce option,
 *   and Radix's scroll lock inserts another (style-src-elem). A nonce in style-src would turn
 *   'unsafe-inline' off for all of them. Styles cannot run code; the script policy is what
 *   stops cross-site scripting.
 * - `worker-src 'self' blob:`: the auto-layout worker (lib/canvas/auto-layout.worker.ts) is a
 *   same-origin script; with 'strict-dynamic', script-src's 'self' would not cover it.
 * - `connect-src 'self'`: the API, server actions and the live view's EventSource; dev adds ws:.
 * - `img-src 'self' data: blob:`, `font-src 'self' data:`: built assets, inline SVG/data images.
 * - `object-src 'none'; base-uri 'none'; form-action 'self'`: no plugins, no <base> hijack, forms
 *   post only here.
 * - `frame-ancestors 'none'` (and X-Frame-Options: DENY for browsers without CSP 2): no page of
 *   Flowdeck can be framed, so no clickjacking of its operator buttons.
 * - `upgrade-insecure-requests` only when the request came over HTTPS (on plain http://host it
 *   would send every asset to https:// and break the page).
 */

/** Headers every response carries. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  // Same-origin requests keep their Referer (and a form post its Origin); other sites get nothing,
  // so execution and workflow URLs do not leak through links.
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
};

/** The policy of JSON answers (API routes, the JSON Schema). */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export type PolicyContext = {
  /** `next dev`: React needs eval, Turbopack's HMR a websocket. */
  dev: boolean;
  /** The browser reached the app over HTTPS (directly or through a proxy). */
  https: boolean;
};

/** The Content-Security-Policy of a page rendered with `nonce`. */
export function pageContentSecurityPolicy(nonce: string, context: PolicyContext): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${context.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${context.dev ? " ws: wss:" : ""}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  if (context.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** 128 random bits, base64: unguessable and new for every response. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** Request headers the proxy owns: removed from every incoming request, set for pages. */
export const REQUEST_HEADERS = ["x-nonce", "content-security-policy"] as const;

export type SecurityHeaders = {
  /** The page's nonce, or null for a path that is not a page. */
  nonce: string | null;
  /** Headers the app's own rendering reads (Next reads the nonce from the CSP; the layout x-nonce). */
  request: Record<string, string>;
  /** Headers of the response. */
  response: Record<string, string>;
};

/** What a response to `pathname` carries (see the table above). */
export function securityHeadersFor(pathname: string, context: PolicyContext, nonce: () => string = newNonce): SecurityHeaders {
  if (pathname.startsWith("/_next/")) return { nonce: null, request: {}, response: { ...BASE_HEADERS } };
  if (pathname === "/api" || pathname.startsWith("/api/") || pathname.startsWith("/schema/")) {
    return { nonce: null, request: {}, response: { ...BASE_HEADERS, "Content-Security-Policy": API_CSP } };
  }
  const value = nonce();
  const policy = pageContentSecurityPolicy(value, context);
  return {
    nonce: value,
    request: { "x-nonce": value, "Content-Security-Policy": policy },
    response: { ...BASE_HEADERS, "Content-Security-Policy": policy },
  };
}

/** Whether the browser's request came over HTTPS: the URL, or the first X-Forwarded-Proto hop. */
export function cameOverHttps(url: URL, forwardedProto: string | null): boolean {
  const proto = forwardedProto?.split(",")[0]?.trim().toLowerCase();
  return proto ? proto === "https" : url.protocol === "https:";
}
