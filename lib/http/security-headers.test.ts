import { describe, expect, it } from "vitest";
import { API_CSP, cameOverHttps, newNonce, pageContentSecurityPolicy, securityHeadersFor } from "@/lib/http/security-headers";

const prod = { dev: false, https: false };
const directives = (policy: string) => Object.fromEntries(policy.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]));

describe("securityHeadersFor", () => {
  it("a page gets a nonce CSP on the response and on the request (where Next and the layout read it)", () => {
    const headers = securityHeadersFor("/workflows/x/edit", prod, () => "TESTNONCE");
    expect(headers.nonce).toBe("TESTNONCE");
    expect(headers.request["x-nonce"]).toBe("TESTNONCE");
    expect(headers.request["Content-Security-Policy"]).toBe(headers.response["Content-Security-Policy"]);
    const csp = directives(headers.response["Content-Security-Policy"]!);
    expect(csp["script-src"]).toBe("'self' 'nonce-TESTNONCE' 'strict-dynamic'");
    expect(csp["frame-ancestors"]).toBe("'none'");
    expect(csp["object-src"]).toBe("'none'");
    expect(csp["worker-src"]).toBe("'self' blob:");
    expect(csp["upgrade-insecure-requests"]).toBeUndefined();
    expect(headers.response).toMatchObject({ "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY" });
  });

  it("the root page is a page", () => {
    expect(securityHeadersFor("/", prod).nonce).not.toBeNull();
  });

  it.each(["/api/health", "/api/executions/x/events", "/schema/workflow.json"])("%s (JSON) gets the strict policy and no nonce", (path) => {
    const headers = securityHeadersFor(path, prod);
    expect(headers.nonce).toBeNull();
    expect(headers.request).toEqual({});
    expect(headers.response["Content-Security-Policy"]).toBe(API_CSP);
    expect(headers.response["X-Content-Type-Options"]).toBe("nosniff");
  });

  it("built assets get the other headers but no CSP (a worker script's own response would be its policy)", () => {
    const headers = securityHeadersFor("/_next/static/chunks/app.js", prod);
    expect(headers.response["Content-Security-Policy"]).toBeUndefined();
    expect(headers.response).toMatchObject({ "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY" });
  });

  it("a path that only starts like /api is a page", () => {
    expect(securityHeadersFor("/apis", prod).nonce).not.toBeNull();
  });
});

describe("pageContentSecurityPolicy", () => {
  it("development allows eval and the HMR websocket; production does not", () => {
    expect(pageContentSecurityPolicy("n", { dev: true, https: false })).toContain("'strict-dynamic' 'unsafe-eval'");
    expect(pageContentSecurityPolicy("n", { dev: true, https: false })).toContain("connect-src 'self' ws: wss:");
    expect(pageContentSecurityPolicy("n", prod)).not.toContain("unsafe-eval");
    expect(directives(pageContentSecurityPolicy("n", prod))["connect-src"]).toBe("'self'");
  });

  it("upgrade-insecure-requests only over HTTPS", () => {
    expect(pageContentSecurityPolicy("n", { dev: false, https: true })).toMatch(/; upgrade-insecure-requests$/);
  });
});

describe("newNonce", () => {
  it("is 128 random bits in base64, new every time", () => {
    const nonces = new Set(Array.from({ length: 1000 }, () => newNonce()));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});

describe("cameOverHttps", () => {
  it("trusts the first X-Forwarded-Proto hop, else the URL", () => {
    expect(cameOverHttps(new URL("http://x/"), "https, http")).toBe(true);
    expect(cameOverHttps(new URL("https://x/"), "http")).toBe(false);
    expect(cameOverHttps(new URL("https://x/"), null)).toBe(true);
    expect(cameOverHttps(new URL("http://x/"), null)).toBe(false);
  });
});
