// Next 16's proxy (formerly middleware): runs before every request is handled. It only composes;
// each concern lives in its own module. Today: the security headers (lib/http/security-headers.ts:
// a per-request CSP nonce for pages, a strict CSP for JSON, nosniff, Referrer-Policy, no framing).
// A later concern (e.g. sign-in redirects) goes into its own module and is composed here.
import { NextResponse, type NextRequest } from "next/server";
import { cameOverHttps, REQUEST_HEADERS, securityHeadersFor } from "@/lib/http/security-headers";

export function proxy(request: NextRequest) {
  const security = securityHeadersFor(request.nextUrl.pathname, {
    dev: process.env.NODE_ENV === "development",
    https: cameOverHttps(request.nextUrl, request.headers.get("x-forwarded-proto")),
  });
  const requestHeaders = new Headers(request.headers);
  // A client's own x-nonce / Content-Security-Policy must never reach the rendering.
  for (const name of REQUEST_HEADERS) requestHeaders.delete(name);
  for (const [name, value] of Object.entries(security.request)) requestHeaders.set(name, value);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(security.response)) response.headers.set(name, value);
  return response;
}

// Every request, built assets included (they get nosniff and the rest, without a CSP).
export const config = { matcher: "/:path*" };
