import { describe, expect, it } from "vitest";
import { recordRequest, recordResponse, REQUEST_BODY_EXCERPT } from "@/lib/runtime/runners/http-exchange";

const secrets = { API_TOKEN: "s3cr3t-value" };

describe("the recorded request", () => {
  it("masks credential headers whatever their source, and secret values everywhere", () => {
    const recorded = recordRequest(
      {
        method: "POST",
        url: new URL("https://bob:hunter2@api.example.com/v1/items?page=2&access_token=abc&q=s3cr3t-value"),
        headers: {
          Authorization: "Bearer s3cr3t-value",
          "Proxy-Authorization": `Basic ${Buffer.from("u:s3cr3t-value").toString("base64")}`,
          Cookie: "sid=xyz",
          "X-Api-Key": "literal",
          "X-Session-Id": "abc",
          Accept: "application/json",
          "X-Echo": "value s3cr3t-value here",
        },
        body: JSON.stringify({ token: "s3cr3t-value", n: 1 }),
      },
      secrets,
    );
    expect(recorded.url).toBe("https://bob:[masked]@api.example.com/v1/items?page=2&access_token=[masked]&q=[secret:API_TOKEN]");
    expect(recorded.headers).toEqual({
      Authorization: "Bearer [secret:API_TOKEN]",
      "Proxy-Authorization": "Basic [masked]",
      Cookie: "[masked]",
      "X-Api-Key": "[masked]",
      "X-Session-Id": "[masked]",
      Accept: "application/json",
      "X-Echo": "value [secret:API_TOKEN] here",
    });
    expect(recorded.body).toBe('{"token":"[secret:API_TOKEN]","n":1}');
    expect(JSON.stringify(recorded)).not.toContain("s3cr3t-value");
  });

  it("keeps a body up to the excerpt, and marks a longer one cut with its full size", () => {
    const short = recordRequest({ method: "PUT", url: new URL("https://a.example/x"), headers: {}, body: "é".repeat(10) }, undefined);
    expect(short).toMatchObject({ body: "é".repeat(10), bodyBytes: 20, bodyTruncated: false });
    const long = recordRequest({ method: "PUT", url: new URL("https://a.example/x"), headers: {}, body: "a".repeat(REQUEST_BODY_EXCERPT + 5) }, undefined);
    expect(long).toMatchObject({ bodyBytes: REQUEST_BODY_EXCERPT + 5, bodyTruncated: true });
    expect(long.body).toHaveLength(REQUEST_BODY_EXCERPT);
    expect(recordRequest({ method: "GET", url: new URL("https://a.example/x"), headers: {}, body: undefined }, undefined)).toMatchObject({ body: null, bodyBytes: 0 });
  });
});

describe("the recorded response", () => {
  it("keeps status, whole milliseconds and a bounded, masked excerpt of the headers", () => {
    const headers = new Headers({ "set-cookie": "sid=1", "x-echo": "s3cr3t-value", "a-long": "v".repeat(600) });
    for (let i = 0; i < 50; i += 1) headers.set(`x-h-${String(i).padStart(2, "0")}`, "1");
    const recorded = recordResponse({ status: 503, durationMs: 12.6, headers }, secrets);
    expect(recorded.status).toBe(503);
    expect(recorded.durationMs).toBe(13);
    expect(Object.keys(recorded.headers)).toHaveLength(40);
    expect(recorded.headers["set-cookie"]).toBe("[masked]");
    expect(recorded.headers["x-echo"]).toBe("[secret:API_TOKEN]");
    expect(recorded.headers["a-long"]).toBe(`${"v".repeat(512)}…`);
    expect(recordResponse({ status: null, durationMs: 3, error: "TIMEOUT" }, undefined)).toEqual({ status: null, durationMs: 3, headers: {}, error: "TIMEOUT" });
  });
});
