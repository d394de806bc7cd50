// The network policy of http tasks end to end (engine, both databases), against local servers on
// 127.0.0.1 only: loopback refused by default, opened by FLOWDECK_HTTP_ALLOWED_HOSTS with its
// port respected, every redirect checked, and loopback's numeric spellings seen through.
// Private, link-local and metadata ranges are covered by the pure tests in lib/net (no packet
// may ever go there).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { run, sendJson, startTestServer, taskOf, type TestServer } from "./engine-task-types.support";

const SETTING = "FLOWDECK_HTTP_ALLOWED_HOSTS";

describe.each(TEST_PROVIDERS)("the network policy of http tasks on %s", (provider) => {
  let h: EngineHarness;
  let open: TestServer;
  let closed: TestServer;
  let openPort: number;
  let closedPort: number;

  beforeAll(async () => {
    h = await createEngineHarness(provider);
    closed = await startTestServer((_request, response) => sendJson(response, 200, { reached: "closed" }));
    open = await startTestServer((request, response) => {
      if (request.path === "/redirect") {
        response.writeHead(302, { location: request.query.to! });
        return void response.end();
      }
      sendJson(response, 200, { reached: "open" });
    });
    openPort = Number(new URL(open.url).port);
    closedPort = Number(new URL(closed.url).port);
  });
  afterEach(() => {
    delete process.env[SETTING];
  });
  afterAll(async () => {
    await h?.cleanup();
    await open?.close();
    await closed?.close();
  });

  /** Runs one http task calling `url`; returns its attempt. */
  async function call(url: string) {
    const execution = await run(h, "policy", { tasks: [{ key: "call", type: "http", params: { url }, retry: { maximumAttempts: 1 } }] });
    return { execution, attempt: taskOf(execution, "call").attempts[0]! };
  }

  it("refuses 127.0.0.1 by default, naming the address, why and the setting; nothing is sent", async () => {
    const before = open.requests.length;
    const { execution, attempt } = await call(`${open.url}/hello`);
    expect(execution.status).toBe("FAILED");
    expect(attempt.status).toBe("FAILED");
    expect(attempt.error).toMatchObject({
      code: "ADDRESS_NOT_ALLOWED",
      message: `GET ${open.url}/hello: 127.0.0.1 is a loopback address (127.0.0.0/8, ::1); http tasks may not call it by default: set ${SETTING}=127.0.0.1:${openPort} to allow it`,
      details: { address: "127.0.0.1", port: openPort, range: "loopback", setting: SETTING, allowWith: `127.0.0.1:${openPort}` },
    });
    expect(open.requests.length).toBe(before);
  });

  it("calls it once FLOWDECK_HTTP_ALLOWED_HOSTS opens it", async () => {
    process.env[SETTING] = "127.0.0.1";
    const { execution, attempt } = await call(`${open.url}/hello`);
    expect(execution.status).toBe("COMPLETED");
    expect(attempt.output).toMatchObject({ status: 200, body: { reached: "open" } });
  });

  it("respects the port of an entry: 127.0.0.1:A is open, 127.0.0.1:B is not", async () => {
    process.env[SETTING] = `127.0.0.1:${openPort}`;
    expect((await call(`${open.url}/a`)).execution.status).toBe("COMPLETED");
    const before = closed.requests.length;
    const { attempt } = await call(`${closed.url}/b`);
    expect(attempt.error).toMatchObject({ code: "ADDRESS_NOT_ALLOWED", details: { port: closedPort } });
    expect((attempt.error as { message: string }).message).toContain(`${SETTING} has '127.0.0.1:${openPort}', which does not include port ${closedPort}`);
    expect(closed.requests.length).toBe(before);
  });

  it("checks a redirect: a 302 from the open host to a closed one is refused, not followed", async () => {
    process.env[SETTING] = `127.0.0.1:${openPort}`;
    const before = closed.requests.length;
    const { execution, attempt } = await call(`${open.url}/redirect?to=${encodeURIComponent(`${closed.url}/secret`)}`);
    expect(execution.status).toBe("FAILED");
    expect(attempt.error).toMatchObject({ code: "ADDRESS_NOT_ALLOWED", details: { port: closedPort } });
    expect((attempt.error as { message: string }).message).toContain(`redirect 1 to ${closed.url}/secret refused: 127.0.0.1 is a loopback address`);
    expect(open.requests.at(-1)!.path).toBe("/redirect");
    expect(closed.requests.length).toBe(before);
  });

  it("follows a redirect to an open destination", async () => {
    process.env[SETTING] = `127.0.0.1:${openPort},127.0.0.1:${closedPort}`;
    const { attempt } = await call(`${open.url}/redirect?to=${encodeURIComponent(`${closed.url}/fine`)}`);
    expect(attempt.output).toMatchObject({ status: 200, body: { reached: "closed" } });
  });

  it.each([
    ["decimal", (port: number) => `http://2130706433:${port}/x`],
    ["hex and short", (port: number) => `http://0x7f.1:${port}/x`],
    ["octal", (port: number) => `http://017700000001:${port}/x`],
    ["IPv4-mapped IPv6", (port: number) => `http://[::ffff:127.0.0.1]:${port}/x`],
  ])("refuses loopback written %s, by default and when another port is open", async (_form, url) => {
    const before = open.requests.length;
    expect((await call(url(openPort))).attempt.error).toMatchObject({ code: "ADDRESS_NOT_ALLOWED", details: { address: "127.0.0.1", range: "loopback" } });
    process.env[SETTING] = `127.0.0.1:${closedPort}`;
    expect((await call(url(openPort))).attempt.error).toMatchObject({ code: "ADDRESS_NOT_ALLOWED", details: { address: "127.0.0.1" } });
    expect(open.requests.length).toBe(before);
  });

  it("refuses non-http schemes that an expression builds (a literal one is refused when saved)", async () => {
    for (const url of ["file:///etc/passwd", "data:application/json,{}"]) {
      expect((await call(`{% '${url}' %}`)).attempt.error).toMatchObject({ code: "SCHEME_NOT_ALLOWED", message: expect.stringContaining(`'${new URL(url).protocol}' URLs are not allowed`) });
    }
  });

  it("a bad FLOWDECK_HTTP_ALLOWED_HOSTS fails the task naming the entry", async () => {
    process.env[SETTING] = "127.0.0.1:99999";
    expect((await call(`${open.url}/x`)).attempt.error).toMatchObject({
      code: "NETWORK_POLICY_INVALID",
      message: expect.stringContaining(`${SETTING}: entry 1 '127.0.0.1:99999' has port 99999, outside 1–65535`),
    });
  });
});
