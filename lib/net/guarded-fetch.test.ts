// guardedFetch against local servers on 127.0.0.1 only (no packet leaves loopback): pinning,
// redirects (checked per hop, rewritten as fetch does), bounds and refusals.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LookupAddress } from "node:dns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllowList, type NetworkPolicy } from "@/lib/net/allow-list";
import { guardedFetch, RequestRefusedError, type GuardedFetchOptions, type Resolver } from "@/lib/net/guarded-fetch";

type Seen = { method: string; url: string; headers: IncomingMessage["headers"]; body: string; remotePort: number };

async function listen(handler: (request: IncomingMessage, body: string, response: ServerResponse) => void): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body, remotePort: request.socket.remotePort! });
      handler(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

const policy = (raw: string): NetworkPolicy => ({ entries: parseAllowList(raw), allowPublic: true });
const get = (headers: Record<string, string> = {}) => ({ method: "GET", headers, signal: AbortSignal.timeout(10_000) });

async function refusal(promise: Promise<unknown>): Promise<RequestRefusedError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RequestRefusedError);
  return error as RequestRefusedError;
}

describe("guardedFetch", () => {
  let a: Awaited<ReturnType<typeof listen>>;
  let b: Awaited<ReturnType<typeof listen>>;
  let options: (extra?: Partial<GuardedFetchOptions>) => GuardedFetchOptions;

  beforeAll(async () => {
    a = await listen((request, body, response) => {
      const url = new URL(request.url ?? "/", "http://x");
      const to = url.searchParams.get("to");
      if (url.pathname === "/redirect" && to) {
        response.writeHead(Number(url.searchParams.get("status") ?? 302), { location: to });
        return void response.end("moved");
      }
      if (url.pathname === "/loop") {
        response.writeHead(302, { location: "/loop" });
        return void response.end();
      }
      if (url.pathname === "/big") {
        response.writeHead(200, { "content-type": "text/plain" });
        response.write("x".repeat(600));
        return void response.end("y".repeat(600));
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ server: "a", method: request.method, body }));
    });
    b = await listen((request, body, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ server: "b", method: request.method, body }));
    });
    options = (extra = {}) => ({ policy: policy(`127.0.0.1:${a.port},127.0.0.1:${b.port}`), maxResponseBytes: 1000, ...extra });
  });
  afterAll(async () => {
    for (const { server } of [a, b]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("connects to the address it checked: the socket takes the checker's answer, not a second lookup", async () => {
    const lookups: string[] = [];
    // pinned.test does not exist in DNS: the call can only connect through the pinned address.
    const resolve: Resolver = async (hostname) => {
      lookups.push(hostname);
      return [{ address: "127.0.0.1", family: 4 }] satisfies LookupAddress[];
    };
    const response = await guardedFetch(new URL(`http://pinned.test:${a.port}/hello`), get(), options({ policy: policy(`pinned.test:${a.port}`), resolve }));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({ server: "a" });
    expect(lookups).toEqual(["pinned.test"]);
    expect(a.seen.at(-1)!.headers.host).toBe(`pinned.test:${a.port}`);
  });

  it("reuses a kept-alive connection only for calls checked to the same addresses", async () => {
    let answer = "127.0.0.1";
    const resolve: Resolver = async () => [{ address: answer, family: 4 }];
    const opts = options({ policy: policy(`reuse.test:${a.port}`), resolve });
    const url = new URL(`http://reuse.test:${a.port}/again`);
    const ports = new Set<number>();
    for (let n = 0; n < 5; n++) {
      await guardedFetch(url, get(), opts);
      ports.add(a.seen.at(-1)!.remotePort);
    }
    // Kept alive: fewer sockets than calls (undici may open a second one while the first settles).
    expect(ports.size).toBeLessThan(5);
    // The name now resolves elsewhere (127.0.0.2, where nothing listens): the open socket to
    // 127.0.0.1 is not used for it; the call connects to the new address and is refused there.
    answer = "127.0.0.2";
    const before = a.seen.length;
    const error = await guardedFetch(url, get(), opts).catch((caught: { cause?: { code?: string } }) => caught);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
    expect(a.seen.length).toBe(before);
  });

  it("refuses a name when any of its addresses is closed, before connecting", async () => {
    const before = a.seen.length;
    const resolve: Resolver = async () => [
      { address: "127.0.0.1", family: 4 },
      { address: "::1", family: 6 },
    ];
    const error = await refusal(guardedFetch(new URL(`http://two.test:${a.port}/`), get(), options({ policy: policy("127.0.0.1"), resolve })));
    expect(error.code).toBe("ADDRESS_NOT_ALLOWED");
    expect(error.message).toContain("two.test resolves to ::1, which is a loopback address");
    expect(a.seen.length).toBe(before);
  });

  it("checks every redirect: a 302 from an open address to a closed one is refused and never sent", async () => {
    const before = b.seen.length;
    const onlyA = options({ policy: policy(`127.0.0.1:${a.port}`) });
    const error = await refusal(guardedFetch(new URL(`http://127.0.0.1:${a.port}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${b.port}/x`)}`), get(), onlyA));
    expect(error.code).toBe("ADDRESS_NOT_ALLOWED");
    expect(error.message).toMatch(/^redirect 1 to http:\/\/127\.0\.0\.1:\d+\/x refused: 127\.0\.0\.1 is a loopback address .*does not include port \d+/);
    expect(error.details).toMatchObject({ address: "127.0.0.1", port: b.port, range: "loopback", setting: "FLOWDECK_HTTP_ALLOWED_HOSTS" });
    expect(b.seen.length).toBe(before);
  });

  it("follows an open redirect; 303 after a POST becomes a GET without a body", async () => {
    const response = await guardedFetch(
      new URL(`http://127.0.0.1:${a.port}/redirect?status=303&to=${encodeURIComponent(`http://127.0.0.1:${b.port}/after`)}`),
      { method: "POST", headers: { "content-type": "application/json" }, body: '{"x":1}', signal: AbortSignal.timeout(10_000) },
      options(),
    );
    expect(response).toMatchObject({ status: 200, redirects: 1 });
    expect(response.url.port).toBe(String(b.port));
    expect(JSON.parse(response.text)).toEqual({ server: "b", method: "GET", body: "" });
    expect(b.seen.at(-1)!.headers["content-type"]).toBeUndefined();
  });

  it("307 keeps the method and body; the same origin keeps credentials", async () => {
    const response = await guardedFetch(
      new URL(`http://127.0.0.1:${a.port}/redirect?status=307&to=/echo`),
      { method: "PUT", headers: { authorization: "Bearer t", "content-type": "text/plain" }, body: "payload", signal: AbortSignal.timeout(10_000) },
      options(),
    );
    expect(JSON.parse(response.text)).toEqual({ server: "a", method: "PUT", body: "payload" });
    expect(a.seen.at(-1)!.headers.authorization).toBe("Bearer t");
  });

  it("a redirect to another origin drops Authorization and Cookie", async () => {
    await guardedFetch(
      new URL(`http://127.0.0.1:${a.port}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${b.port}/x`)}`),
      get({ authorization: "Bearer secret", cookie: "s=1", "x-keep": "yes" }),
      options(),
    );
    const headers = b.seen.at(-1)!.headers;
    expect(headers.authorization).toBeUndefined();
    expect(headers.cookie).toBeUndefined();
    expect(headers["x-keep"]).toBe("yes");
  });

  it("stops after maxRedirects with TOO_MANY_REDIRECTS", async () => {
    const before = a.seen.length;
    const error = await refusal(guardedFetch(new URL(`http://127.0.0.1:${a.port}/loop`), get(), options({ maxRedirects: 3 })));
    expect(error.code).toBe("TOO_MANY_REDIRECTS");
    expect(error.message).toBe("redirected more than 3 times (the limit)");
    expect(a.seen.length - before).toBe(4);
  });

  it.each(["file:///etc/passwd", "data:text/plain,hello", "ftp://127.0.0.1/x", "javascript:alert(1)"])("refuses %s, also as a redirect target", async (target) => {
    expect((await refusal(guardedFetch(new URL(target), get(), options()))).code).toBe("SCHEME_NOT_ALLOWED");
    const error = await refusal(guardedFetch(new URL(`http://127.0.0.1:${a.port}/redirect?to=${encodeURIComponent(target)}`), get(), options()));
    expect(error.code).toBe("SCHEME_NOT_ALLOWED");
    expect(error.message).toMatch(/^redirect 1 refused: '[a-z]+:' URLs are not allowed/);
  });

  it("a Location that is not a URL fails with BAD_REDIRECT", async () => {
    const error = await refusal(guardedFetch(new URL(`http://127.0.0.1:${a.port}/redirect?to=${encodeURIComponent("http://[nope")}`), get(), options()));
    expect(error.code).toBe("BAD_REDIRECT");
  });

  it("stops reading past maxResponseBytes (RESPONSE_TOO_LARGE)", async () => {
    const error = await refusal(guardedFetch(new URL(`http://127.0.0.1:${a.port}/big`), get(), options()));
    expect(error).toMatchObject({ code: "RESPONSE_TOO_LARGE", message: "the response body is more than 1000 bytes; the limit is 1000" });
    const fits = await guardedFetch(new URL(`http://127.0.0.1:${a.port}/big`), get(), options({ maxResponseBytes: 1200 }));
    expect(fits.text).toHaveLength(1200);
  });

  it("stops waiting for DNS when the call is aborted", async () => {
    const never: Resolver = (_hostname, signal) => new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
    const started = Date.now();
    const error = await guardedFetch(new URL("http://slow.test/"), { method: "GET", headers: {}, signal: AbortSignal.timeout(100) }, options({ resolve: never })).catch((caught: Error) => caught);
    expect((error as Error).name).toBe("TimeoutError");
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
