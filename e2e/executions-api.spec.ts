import { expect, test } from "@playwright/test";

// The executions API against the production server with its embedded engine.

test("start with waitSeconds returns the finished execution with its tasks", async ({ request }) => {
  const response = await request.post("/api/executions", { data: { workflow: "serial-chain", correlationId: "e2e-chain", waitSeconds: 30 } });
  expect(response.status()).toBe(201);
  expect(response.headers()["location"]).toMatch(/^\/api\/executions\/[0-9a-f-]{36}$/);
  const execution = await response.json();
  expect(execution).toMatchObject({ workflowName: "serial-chain", workflowVersion: 1, status: "COMPLETED", correlationId: "e2e-chain" });
  expect(execution.tasks.map((t: { taskKey: string; status: string }) => `${t.taskKey}:${t.status}`).sort()).toEqual([
    "extract:COMPLETED",
    "load:COMPLETED",
    "transform:COMPLETED",
  ]);
  const fetched = await (await request.get(`/api/executions/${execution.id}`)).json();
  expect(fetched.status).toBe("COMPLETED");
});

test("start without waiting answers 202 and the execution finishes", async ({ request }) => {
  const response = await request.post("/api/executions", { data: { workflow: "build-test-deploy", input: { failTest: "test_2" } } });
  expect(response.status()).toBe(202);
  const { id } = await response.json();
  await expect.poll(async () => (await (await request.get(`/api/executions/${id}`)).json()).status, { timeout: 20_000 }).toBe("FAILED");
  const execution = await (await request.get(`/api/executions/${id}`)).json();
  const status = Object.fromEntries(execution.tasks.map((t: { taskKey: string; status: string }) => [t.taskKey, t.status]));
  expect(status).toMatchObject({ build: "COMPLETED", test_1: "COMPLETED", test_2: "FAILED", deploy: "UPSTREAM_FAILED" });
});

test("bad start requests get clear errors", async ({ request }) => {
  const missing = await request.post("/api/executions", { data: { workflow: "nope" } });
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error.message).toBe("workflow 'nope' not found");

  const badInput = await request.post("/api/executions", { data: { workflow: "build-test-deploy", input: { branch: 42 } } });
  expect(badInput.status()).toBe(400);
  expect((await badInput.json()).error.details).toContainEqual({ path: "input.branch", message: "must be string" });

  const unknownField = await request.post("/api/executions", { data: { workflow: "serial-chain", wait: 5 } });
  expect(unknownField.status()).toBe(400);
  expect(JSON.stringify((await unknownField.json()).error.details)).toContain("wait");

  expect((await request.get("/api/executions/00000000-0000-0000-0000-000000000000")).status()).toBe(404);
});

test("search filters by status, workflow and correlation id and pages with a cursor", async ({ request }) => {
  for (let i = 0; i < 5; i++) {
    await request.post("/api/executions", { data: { workflow: "serial-chain", correlationId: `page-${i}`, waitSeconds: 30 } });
  }
  const first = await (await request.get("/api/executions?workflow=serial-chain&status=COMPLETED&limit=2")).json();
  expect(first.executions).toHaveLength(2);
  expect(first.nextCursor).toBeTruthy();
  const second = await (await request.get(`/api/executions?workflow=serial-chain&status=COMPLETED&limit=2&cursor=${first.nextCursor}`)).json();
  const ids = [...first.executions, ...second.executions].map((e: { id: string }) => e.id);
  expect(new Set(ids).size).toBe(4);
  const byCorrelation = await (await request.get("/api/executions?correlationId=page-3")).json();
  expect(byCorrelation.executions).toHaveLength(1);
  expect(byCorrelation.executions[0].correlationId).toBe("page-3");
  const badStatus = await request.get("/api/executions?status=DONE");
  expect(badStatus.status()).toBe(400);
  expect((await badStatus.json()).error.details[0].path).toMatch(/^status/);
});

test("the event history is served as JSON and as a resumable event stream", async ({ request, baseURL }) => {
  const { id } = await (await request.post("/api/executions", { data: { workflow: "serial-chain", waitSeconds: 30 } })).json();
  const { events } = await (await request.get(`/api/executions/${id}/events`)).json();
  const types = events.map((e: { type: string }) => e.type);
  expect(types[0]).toBe("EXECUTION_CREATED");
  expect(types).toContain("EXECUTION_STARTED");
  expect(types.filter((t: string) => t === "TASK_COMPLETED")).toHaveLength(3);
  expect(types[types.length - 1]).toBe("EXECUTION_COMPLETED");
  const ids = events.map((e: { id: string }) => BigInt(e.id));
  expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);

  // Resume after the third event: the stream sends the rest, then `end`.
  // A plain fetch (to read the stream as it comes), with the signed-in admin's session cookie.
  const session = (await request.storageState()).cookies.find((c) => c.name === "flowdeck_session")!;
  const response = await fetch(`${baseURL}/api/executions/${id}/events`, {
    headers: { accept: "text/event-stream", "last-event-id": events[2].id, cookie: `flowdeck_session=${session.value}` },
  });
  expect(response.headers.get("content-type")).toBe("text/event-stream");
  const text = await response.text();
  const streamedIds = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]);
  expect(streamedIds).toEqual(events.slice(3).map((e: { id: string }) => e.id));
  expect(text).toContain("event: end");
});
