// http tasks end to end on both databases, against a local node:http server: the request sent,
// the output, failure codes, retries with backoff, non-retryable errors and start-to-close timeouts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { closedPort, eventsOf, ms, run, sendJson, sleep, startTestServer, taskOf, typesOf, uniqueName, waitFor, type TestServer } from "./engine-task-types.support";

describe.each(TEST_PROVIDERS)("http tasks on %s", (provider) => {
  let h: EngineHarness;
  let server: TestServer;
  /** Calls per path, for handlers that answer differently the n-th time. */
  const calls = new Map<string, number>();
  /** Paths of "hang" calls whose caller gave up before the answer. */
  const abandoned = new Set<string>();

  beforeAll(async () => {
    h = await createEngineHarness(provider);
    server = await startTestServer(async (request, response) => {
      const n = (calls.get(request.path) ?? 0) + 1;
      calls.set(request.path, n);
      const [, route, arg] = request.path.split("/");
      switch (route) {
        case "echo":
          return sendJson(
            response,
            200,
            { method: request.method, query: request.query, token: request.headers["x-token"], contentType: request.headers["content-type"], body: request.body ? JSON.parse(request.body) : null },
            { "x-reply": "yes" },
          );
        case "status":
          response.writeHead(Number(arg), { "content-type": "text/plain" });
          return void response.end(`status ${arg}: the teapot says no`);
        case "slow":
          await sleep(Number(arg));
          return sendJson(response, 200, { slept: Number(arg) });
        case "flaky": // fails twice, then succeeds
          if (n <= 2) return sendJson(response, 503, { error: `unavailable (call ${n})` });
          return sendJson(response, 200, { ok: true, call: n });
        case "hang": // answers only after 20 s, and records a caller that gives up first
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 20_000);
            response.on("close", () => {
              clearTimeout(timer);
              if (!response.writableEnded) abandoned.add(request.path);
              resolve();
            });
          });
          if (!response.writableEnded && !response.destroyed) sendJson(response, 200, { late: true });
          return;
        case "slow-once": // the first call hangs for a while, the next ones answer at once
          if (n === 1) await sleep(1500);
          return sendJson(response, 200, { call: n });
        default:
          return sendJson(response, 404, { error: "no route" });
      }
    });
    // http tasks refuse loopback by default (lib/net): open this server's address and port only.
    process.env.FLOWDECK_HTTP_ALLOWED_HOSTS = new URL(server.url).host;
  });
  afterAll(async () => {
    delete process.env.FLOWDECK_HTTP_ALLOWED_HOSTS;
    await h?.cleanup();
    await server?.close();
  });

  it("sends method, headers, query and a JSON body built from expressions; the output is { status, headers, body }", async () => {
    const execution = await run(
      h,
      "http-echo",
      {
        variables: { token: "s3cret" },
        tasks: [
          { key: "prep", type: "transform", params: { output: { path: "echo", size: "{% $count($input.tags) %}" } } },
          {
            key: "call",
            type: "http",
            dependsOn: ["prep"],
            params: {
              url: "{% $input.base & '/' & $tasks.prep.output.path %}",
              method: "POST",
              headers: { "x-token": "{% $vars.token %}" },
              query: { page: 2, q: "{% $input.q %}" },
              body: { name: "{% $input.name %}", tags: "{% $input.tags %}", size: "{% $tasks.prep.output.size %}", fixed: true },
            },
          },
        ],
      },
      { base: server.url, q: "hello world", name: "Ada", tags: ["a", "b"] },
    );
    expect(execution.status).toBe("COMPLETED");
    const call = taskOf(execution, "call");
    expect(call.status).toBe("COMPLETED");
    const output = call.attempts[0]!.output as { status: number; headers: Record<string, string>; body: Record<string, unknown> };
    expect(output.status).toBe(200);
    expect(output.headers["x-reply"]).toBe("yes");
    expect(output.headers["content-type"]).toContain("application/json");
    expect(output.body).toEqual({
      method: "POST",
      query: { page: "2", q: "hello world" },
      token: "s3cret",
      contentType: "application/json",
      body: { name: "Ada", tags: ["a", "b"], size: 2, fixed: true },
    });

    const events = await eventsOf(h.db, execution.id);
    expect(typesOf(events, "call")).toEqual(["TASK_SCHEDULED", "TASK_STARTED", "TASK_COMPLETED"]);
  });

  it("a GET sends no body and a non-JSON answer is kept as text", async () => {
    const execution = await run(h, "http-get", {
      tasks: [{ key: "call", type: "http", params: { url: "{% $input.base & '/status/200' %}", body: { ignored: true } } }],
    }, { base: server.url });
    expect(execution.status).toBe("COMPLETED");
    const output = taskOf(execution, "call").attempts[0]!.output as { status: number; body: unknown };
    expect(output).toMatchObject({ status: 200, body: "status 200: the teapot says no" });
    const request = server.requests.findLast((r) => r.path === "/status/200")!;
    expect(request.method).toBe("GET");
    expect(request.body).toBe("");
  });

  it("a non-2xx answer fails the task with HTTP_<status> and an excerpt of the body", async () => {
    const execution = await run(h, "http-418", {
      tasks: [{ key: "call", type: "http", params: { url: `${server.url}/status/418`, method: "DELETE" } }],
    });
    expect(execution.status).toBe("FAILED");
    const attempt = taskOf(execution, "call").attempts[0]!;
    expect(attempt.status).toBe("FAILED");
    expect(attempt.error).toMatchObject({ code: "HTTP_418", message: expect.stringContaining("the teapot says no") });
    expect((attempt.error as { message: string }).message).toContain("DELETE");
    expect(execution.error).toMatchObject({ code: "TASK_FAILED", taskKey: "call", message: expect.stringContaining("answered 418") });
    const events = await eventsOf(h.db, execution.id);
    expect(typesOf(events, "call")).toEqual(["TASK_SCHEDULED", "TASK_STARTED", "TASK_FAILED", "TASK_FAILED_FINAL"]);
    expect(typesOf(events, null).at(-1)).toBe("EXECUTION_FAILED");
  });

  it("successStatuses decides what counts as success (numbers and classes)", async () => {
    const execution = await run(h, "http-success-statuses", {
      tasks: [
        { key: "not_found_ok", type: "http", params: { url: `${server.url}/status/404`, successStatuses: [404] } },
        { key: "class_ok", type: "http", params: { url: `${server.url}/status/409`, successStatuses: ["2xx", "4xx"] } },
        { key: "ok_refused", type: "http", params: { url: `${server.url}/status/200`, successStatuses: [201] } },
      ],
    });
    expect(taskOf(execution, "not_found_ok").status).toBe("COMPLETED");
    expect(taskOf(execution, "not_found_ok").attempts[0]!.output).toMatchObject({ status: 404 });
    expect(taskOf(execution, "class_ok").status).toBe("COMPLETED");
    expect(taskOf(execution, "ok_refused").attempts[0]!.error).toMatchObject({ code: "HTTP_200" });
    expect(execution.status).toBe("FAILED");
  });

  it("timeoutMs fails the attempt with code TIMEOUT", async () => {
    const execution = await run(h, "http-timeout", {
      tasks: [{ key: "call", type: "http", params: { url: `${server.url}/slow/2000`, timeoutMs: 100 } }],
    });
    expect(execution.status).toBe("FAILED");
    const attempt = taskOf(execution, "call").attempts[0]!;
    expect(attempt.error).toMatchObject({ code: "TIMEOUT", message: expect.stringContaining("100 ms") });
    expect(ms(attempt.endedAt) - ms(attempt.startedAt)).toBeGreaterThanOrEqual(90);
  });

  it("a refused connection fails with code NETWORK_ERROR", async () => {
    const port = await closedPort();
    const allowed = process.env.FLOWDECK_HTTP_ALLOWED_HOSTS;
    process.env.FLOWDECK_HTTP_ALLOWED_HOSTS = `${allowed},127.0.0.1:${port}`;
    const execution = await run(h, "http-refused", {
      tasks: [{ key: "call", type: "http", params: { url: `http://127.0.0.1:${port}/nothing` } }],
    }).finally(() => (process.env.FLOWDECK_HTTP_ALLOWED_HOSTS = allowed));
    expect(execution.status).toBe("FAILED");
    expect(taskOf(execution, "call").attempts[0]!.error).toMatchObject({ code: "NETWORK_ERROR", message: expect.stringContaining("ECONNREFUSED") });
  });

  it("retries with exponential backoff against a server that fails twice, then succeeds", async () => {
    const path = `flaky/${uniqueName("x")}`;
    const execution = await run(h, "http-retry", {
      tasks: [
        {
          key: "call",
          type: "http",
          params: { url: `${server.url}/${path}` },
          retry: { maximumAttempts: 3, initialIntervalMs: 100, backoffCoefficient: 2 },
        },
      ],
    });
    expect(execution.status).toBe("COMPLETED");
    const attempts = taskOf(execution, "call").attempts;
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([[1, "FAILED"], [2, "FAILED"], [3, "COMPLETED"]]);
    expect(attempts[0]!.error).toMatchObject({ code: "HTTP_503", message: expect.stringContaining("unavailable (call 1)") });
    expect(attempts[2]!.output).toMatchObject({ status: 200, body: { ok: true, call: 3 } });
    // The delays are honoured (lower bounds only: slow machines may wait longer).
    expect(ms(attempts[1]!.startedAt) - ms(attempts[0]!.endedAt)).toBeGreaterThanOrEqual(100);
    expect(ms(attempts[2]!.startedAt) - ms(attempts[1]!.endedAt)).toBeGreaterThanOrEqual(200);
    const requests = server.requests.filter((r) => r.path === `/${path}`);
    expect(requests).toHaveLength(3);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(100);
    expect(requests[2]!.at - requests[1]!.at).toBeGreaterThanOrEqual(200);

    const events = await eventsOf(h.db, execution.id);
    expect(typesOf(events, "call")).toEqual([
      "TASK_SCHEDULED",
      "TASK_STARTED",
      "TASK_FAILED",
      "TASK_RETRY_SCHEDULED",
      "TASK_STARTED",
      "TASK_FAILED",
      "TASK_RETRY_SCHEDULED",
      "TASK_STARTED",
      "TASK_COMPLETED",
    ]);
    const retries = events.filter((e) => e.type === "TASK_RETRY_SCHEDULED").map((e) => e.payload);
    expect(retries).toEqual([expect.objectContaining({ attempt: 2, delayMs: 100 }), expect.objectContaining({ attempt: 3, delayMs: 200 })]);
  });

  it("a non-retryable error fails the task at once", async () => {
    const execution = await run(h, "http-non-retryable", {
      tasks: [
        {
          key: "call",
          type: "http",
          params: { url: `${server.url}/status/400` },
          retry: { maximumAttempts: 5, initialIntervalMs: 50, nonRetryableErrors: ["HTTP_400"] },
        },
      ],
    });
    expect(execution.status).toBe("FAILED");
    const task = taskOf(execution, "call");
    expect(task.attempts).toHaveLength(1);
    expect(task.attempts[0]!.error).toMatchObject({ code: "HTTP_400" });
    const events = await eventsOf(h.db, execution.id);
    expect(events.find((e) => e.type === "TASK_FAILED_FINAL")).toMatchObject({ taskKey: "call", reason: "non_retryable" });
    expect(events.some((e) => e.type === "TASK_RETRY_SCHEDULED")).toBe(false);
  });

  it("startToCloseMs times out a slow call, then the retry policy runs it again", async () => {
    const path = `slow-once/${uniqueName("x")}`;
    const execution = await run(h, "http-start-to-close", {
      tasks: [
        {
          key: "call",
          type: "http",
          params: { url: `${server.url}/${path}` },
          timeouts: { startToCloseMs: 150 },
          retry: { maximumAttempts: 2, initialIntervalMs: 50 },
        },
      ],
    });
    expect(execution.status).toBe("COMPLETED");
    const attempts = taskOf(execution, "call").attempts;
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([[1, "TIMED_OUT"], [2, "COMPLETED"]]);
    expect(attempts[0]!.error).toMatchObject({ code: "START_TO_CLOSE_TIMEOUT" });
    expect(ms(attempts[0]!.endedAt) - ms(attempts[0]!.startedAt)).toBeGreaterThanOrEqual(150);
    expect(attempts[1]!.output).toMatchObject({ body: { call: 2 } });
    const events = await eventsOf(h.db, execution.id);
    expect(typesOf(events, "call")).toEqual(["TASK_SCHEDULED", "TASK_STARTED", "TASK_TIMED_OUT", "TASK_RETRY_SCHEDULED", "TASK_STARTED", "TASK_COMPLETED"]);
  });

  it("a call timed out by startToCloseMs is abandoned, not left holding an engine slot until its own timeout", async () => {
    const path = `hang/${uniqueName("x")}`;
    const execution = await run(h, "http-abandon", {
      tasks: [{ key: "call", type: "http", params: { url: `${server.url}/${path}`, timeoutMs: 20_000 }, timeouts: { startToCloseMs: 150 }, retry: { maximumAttempts: 1 } }],
    });
    expect(execution.status).toBe("FAILED");
    expect(taskOf(execution, "call").attempts.map((a) => [a.status, (a.error as { code?: string } | null)?.code])).toEqual([["TIMED_OUT", "START_TO_CLOSE_TIMEOUT"]]);
    // The engine hangs up soon after the deadline, long before the call's own 20 s.
    await waitFor("the engine to abandon the call", async () => abandoned.has(`/${path}`), 10_000);
  });
});
