// What an http attempt really sent (issue 12, point 13), on both databases against a local server:
// the attempt's input is the resolved request (method, URL, headers, body excerpt) with credentials
// masked, and the response's status, timing and headers, for a success, a 500 and a timeout. A
// secret's clear value (and a literal credential's) is nowhere in what is stored or answered.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { run, sendJson, sleep, startTestServer, taskOf, type TestServer } from "./engine-task-types.support";
import { getExecution, listExecutionEvents } from "@/lib/services/executions";
import { setSecret } from "@/lib/secrets/service";
import type { HttpExchange } from "@/lib/runtime/runners/http-exchange";
import type { Db } from "@/lib/db/client";

/** Everything stored of an execution and what the API answers for it, as one text. */
async function everythingStored(db: Db, executionId: string): Promise<string> {
  const [attempts, events, view, eventViews] = await Promise.all([
    db.taskRun.findMany({ where: { executionId } }),
    db.executionEvent.findMany({ where: { executionId } }),
    getExecution(db, executionId),
    listExecutionEvents(db, executionId),
  ]);
  const text = JSON.stringify({ attempts, events, view, eventViews }, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  expect(text.length).toBeGreaterThan(200);
  return text;
}

describe.each(TEST_PROVIDERS)("http attempts record what they sent, on %s", (provider) => {
  let h: EngineHarness;
  let server: TestServer;
  let dataDir: string;
  const saved = { key: process.env.FLOWDECK_SECRETS_KEY, dataDir: process.env.FLOWDECK_DATA_DIR, hosts: process.env.FLOWDECK_HTTP_ALLOWED_HOSTS };
  const token = `tok_${randomBytes(12).toString("hex")}`;
  const literalKey = `lit_${randomBytes(8).toString("hex")}`;
  const queryKey = `qk_${randomBytes(8).toString("hex")}`;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "flowdeck-http-exchange-"));
    process.env.FLOWDECK_DATA_DIR = dataDir;
    process.env.FLOWDECK_SECRETS_KEY = randomBytes(32).toString("base64");
    h = await createEngineHarness(provider);
    server = await startTestServer(async (request, response) => {
      if (request.path === "/ok") {
        await sleep(60);
        return sendJson(response, 201, { created: true }, { "x-reply": "yes", "set-cookie": `session=${token}` });
      }
      if (request.path === "/fail") return sendJson(response, 500, { error: "boom" });
      if (request.path === "/slow") return void setTimeout(() => sendJson(response, 200, {}), 3000).unref();
      sendJson(response, 404, {});
    });
    process.env.FLOWDECK_HTTP_ALLOWED_HOSTS = new URL(server.url).host;
    await setSecret(h.db, "API_TOKEN", { value: token }, "test");
  });
  afterAll(async () => {
    await h?.cleanup();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    for (const [name, value] of [["FLOWDECK_SECRETS_KEY", saved.key], ["FLOWDECK_DATA_DIR", saved.dataDir], ["FLOWDECK_HTTP_ALLOWED_HOSTS", saved.hosts]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const callParams = (path: string, extra: Record<string, unknown> = {}) => ({
    url: `{% $input.base & '${path}' %}`,
    method: "POST",
    query: { page: 2, api_key: queryKey },
    headers: { Authorization: "{% 'Bearer ' & $secrets.API_TOKEN %}", "X-Api-Key": literalKey, "X-Trace": "t-1" },
    body: { user: "ana", token: "{% $secrets.API_TOKEN %}", note: "{% $input.note %}" },
    ...extra,
  });

  it("a success: the request as sent with credentials masked, the response's status, time and headers", async () => {
    const execution = await run(h, "http-exchange-ok", { tasks: [{ key: "call", type: "http", params: callParams("/ok") }] }, { base: server.url, note: "hello" });
    expect(execution.status).toBe("COMPLETED");
    // The server got the clear values: only what is stored is masked.
    const received = server.requests.find((request) => request.path === "/ok")!;
    expect(received.headers.authorization).toBe(`Bearer ${token}`);
    expect(received.headers["x-api-key"]).toBe(literalKey);

    const [attempt] = taskOf(execution, "call").attempts;
    const { request, response } = attempt!.input as HttpExchange;
    expect(request.method).toBe("POST");
    expect(request.url).toBe(`${server.url}/ok?api_key=[masked]&page=2`);
    expect(request.headers).toEqual({ Authorization: "Bearer [secret:API_TOKEN]", "X-Api-Key": "[masked]", "X-Trace": "t-1", "content-type": "application/json" });
    expect(JSON.parse(request.body!)).toEqual({ user: "ana", token: "[secret:API_TOKEN]", note: "hello" });
    expect(request.bodyTruncated).toBe(false);
    expect(request.bodyBytes).toBe(Buffer.byteLength(received.body));
    expect(response!.status).toBe(201);
    expect(response!.durationMs).toBeGreaterThanOrEqual(50);
    expect(response!.durationMs).toBeLessThan(10_000);
    expect(response!.headers["x-reply"]).toBe("yes");
    expect(response!.headers["set-cookie"]).toBe("[masked]");
    // The output (what downstream tasks read) keeps its shape.
    expect(attempt!.output).toMatchObject({ status: 201, body: { created: true } });

    const stored = await everythingStored(h.db, execution.id);
    for (const clear of [token, literalKey, queryKey]) expect(stored).not.toContain(clear);
    expect(stored).toContain("[secret:API_TOKEN]");
  });

  it("a 500 still shows the request and the status; a long body is cut and marked", async () => {
    const note = "x".repeat(20_000);
    const execution = await run(h, "http-exchange-500", { tasks: [{ key: "call", type: "http", params: callParams("/fail") }] }, { base: server.url, note });
    expect(execution.status).toBe("FAILED");
    const attempts = taskOf(execution, "call").attempts;
    const last = attempts[attempts.length - 1]!;
    expect(last.status).toBe("FAILED");
    expect((last.error as { code: string }).code).toBe("HTTP_500");
    const { request, response } = last.input as HttpExchange;
    expect(`${request.method} ${request.url}`).toBe(`POST ${server.url}/fail?api_key=[masked]&page=2`);
    expect(request.headers.Authorization).toBe("Bearer [secret:API_TOKEN]");
    expect(request.bodyTruncated).toBe(true);
    expect(request.body!.length).toBe(16 * 1024);
    expect(request.bodyBytes).toBeGreaterThan(20_000);
    expect(request.body!.startsWith('{"user":"ana","token":"[secret:API_TOKEN]"')).toBe(true);
    expect(response!.status).toBe(500);
    expect(response!.durationMs).toBeGreaterThanOrEqual(0);

    const stored = await everythingStored(h.db, execution.id);
    for (const clear of [token, literalKey, queryKey]) expect(stored).not.toContain(clear);
  });

  it("a timeout: the request shows, the response has no status and names the failure; a mapped input is kept", async () => {
    const execution = await run(
      h,
      "http-exchange-timeout",
      { tasks: [{ key: "call", type: "http", retry: { maximumAttempts: 1 }, input: { note: "{% $input.note %}" }, params: callParams("/slow", { timeoutMs: 300 }) }] },
      { base: server.url, note: "t" },
    );
    expect(execution.status).toBe("FAILED");
    const [attempt] = taskOf(execution, "call").attempts;
    expect((attempt!.error as { code: string }).code).toBe("TIMEOUT");
    const { request, response } = attempt!.input as HttpExchange;
    expect(request.url).toBe(`${server.url}/slow?api_key=[masked]&page=2`);
    expect(response).toEqual({ status: null, durationMs: expect.any(Number), headers: {}, error: "TIMEOUT" });
    expect(response!.durationMs).toBeGreaterThanOrEqual(250);
    // The task's own mapped input stays beside the exchange.
    expect((attempt!.input as { input?: unknown }).input).toEqual({ note: "t" });
  });
});
