// Contract test: real answers of the real route handlers (a real SQLite file, a real engine) are
// validated against the OpenAPI document (GET /api/openapi.json), for successes and refusals: a
// route whose answer drifts from what the document says fails here.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRoute, TEST_ADMIN_TOKEN, tokenFor, withTestAdminToken, type RouteFn } from "@/tests/helpers/api";
import { responseValidator } from "@/tests/helpers/openapi";
import type { Engine } from "@/lib/runtime/engine";

const dir = mkdtempSync(join(tmpdir(), "flowdeck-openapi-contract-"));
process.env.DATABASE_URL = `file:${join(dir, "flowdeck.db")}`;
process.env.FLOWDECK_ENGINE = "off";
withTestAdminToken();

let check: ReturnType<typeof responseValidator>;
let engine: Engine;
let workerToken: string;
const routes: Record<string, Record<string, RouteFn>> = {};

/** Calls the route of `template` (e.g. `/api/workflows/{name}`) and checks its answer against the document. */
async function call(method: string, template: string, params: Record<string, string> = {}, options: { body?: unknown; token?: string | null; query?: string } = {}) {
  const handler = routes[template]?.[method];
  if (!handler) throw new Error(`no handler loaded for ${method} ${template}`);
  const url = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]!)) + (options.query ?? "");
  const response = await callRoute(handler, method, url, { body: options.body, token: options.token, params });
  const text = await response.text();
  const body = text === "" ? undefined : (JSON.parse(text) as unknown);
  expect(check(template, method, response.status, body)).toBeNull();
  return { status: response.status, body: body as Record<string, unknown> };
}

const definition = {
  name: "contract",
  description: "for the contract test",
  input: { type: "object", properties: { n: { type: "number" } } },
  tasks: [
    { key: "first", type: "transform", params: { output: { doubled: "{% $input.n * 2 %}" } } },
    { key: "second", type: "transform", dependsOn: ["first"], params: { output: { ok: true } } },
  ],
};

beforeAll(async () => {
  const load = async (template: string, file: string) => {
    const mod = (await import(/* @vite-ignore */ join(process.cwd(), "app", "api", file, "route.ts"))) as Record<string, RouteFn>;
    routes[template] = mod;
  };
  await load("/api/health", "health");
  await load("/api/me", "me");
  await load("/api/openapi.json", "openapi.json");
  await load("/api/workflows", "workflows");
  await load("/api/workflows/import", "workflows/import");
  await load("/api/workflows/test", "workflows/test");
  await load("/api/workflows/{name}", "workflows/[name]");
  await load("/api/workflows/{name}/export", "workflows/[name]/export");
  await load("/api/workflows/{name}/versions", "workflows/[name]/versions");
  await load("/api/workflows/{name}/versions/{version}/restore", "workflows/[name]/versions/[version]/restore");
  await load("/api/executions", "executions");
  await load("/api/executions/{executionId}", "executions/[executionId]");
  await load("/api/executions/{executionId}/events", "executions/[executionId]/events");
  await load("/api/executions/{executionId}/live", "executions/[executionId]/live");
  const operations = (await import("@/app/api/executions/[executionId]/[operation]/route")) as unknown as Record<string, RouteFn>;
  for (const op of ["pause", "resume", "terminate", "retry", "restart", "rerun", "skip", "approve", "reject"]) routes[`/api/executions/{executionId}/${op}`] = operations;
  await load("/api/workers/poll", "workers/poll");
  await load("/api/workers/tasks/{taskId}/heartbeat", "workers/tasks/[taskId]/heartbeat");
  await load("/api/tokens", "tokens");
  await load("/api/tokens/{tokenId}", "tokens/[tokenId]");
  await load("/api/users", "users");
  await load("/api/users/{userId}", "users/[userId]");
  await load("/api/secrets", "secrets");
  await load("/api/secrets/{name}", "secrets/[name]");
  const { ensureReady } = await import("@/lib/server/bootstrap");
  await ensureReady();
  const { getDb } = await import("@/lib/db/client");
  workerToken = await tokenFor(getDb(), "contract-worker", "worker");
  const { Engine } = await import("@/lib/runtime/engine");
  engine = new Engine(getDb(), "sqlite", { pollIntervalMs: 25, timerIntervalMs: 20 });
  engine.start();
  const served = await callRoute(routes["/api/openapi.json"]!.GET!, "GET", "/api/openapi.json", { token: null });
  check = responseValidator((await served.json()) as Parameters<typeof responseValidator>[0]);
});

afterAll(async () => {
  await engine?.stop();
  const { closeDb } = await import("@/lib/db/client");
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

describe("real answers match the OpenAPI document", () => {
  it("workflow tests: a draft run with mocks, a saved workflow, and the refusals (unknown mock key, unmocked http)", async () => {
    const draft = { name: "contract-test", tasks: [{ key: "fetch", type: "http", params: { url: "https://example.invalid" } }, { key: "use", type: "transform", dependsOn: ["fetch"], params: { output: "{% $tasks.fetch.output.n + 1 %}" } }], output: "{% $tasks.use.output %}" };
    const ran = await call("POST", "/api/workflows/test", {}, { body: { definition: draft, mocks: { fetch: { output: { n: 1 } } } } });
    expect(ran).toMatchObject({ status: 200, body: { status: "COMPLETED", output: 2, timedOut: false } });
    expect((await call("POST", "/api/workflows/test", {}, { body: { definition: draft, mocks: { fetch: { output: 1 }, nope: { output: 1 } } } })).body).toMatchObject({ error: { code: "VALIDATION_FAILED", details: [{ path: "mocks.nope" }] } });
    expect((await call("POST", "/api/workflows/test", {}, { body: { definition: draft } })).body).toMatchObject({ error: { code: "VALIDATION_FAILED", details: [{ path: "tasks[0]" }] } });
    expect((await call("POST", "/api/workflows/test", {}, { body: { workflow: "missing" } })).status).toBe(404);
    expect((await call("POST", "/api/workflows/test", {}, { body: { mocks: {} } })).status).toBe(400);
  });

  it("server: health, me, and 401 without credentials", async () => {
    expect((await call("GET", "/api/health", {}, { token: null })).status).toBe(200);
    expect((await call("GET", "/api/me")).body).toMatchObject({ role: "admin" });
    expect((await call("GET", "/api/me", {}, { token: null })).status).toBe(401);
    expect((await call("GET", "/api/me", {}, { token: "fdk_wrong" })).status).toBe(401);
  });

  it("workflows: save, unchanged save, invalid save, stale save, get, versions, export, import, list, delete", async () => {
    expect((await call("POST", "/api/workflows", {}, { body: definition })).status).toBe(201);
    expect((await call("POST", "/api/workflows", {}, { body: definition })).status).toBe(200);
    const invalid = await call("POST", "/api/workflows", {}, { body: { name: "bad", tasks: [{ key: "a", type: "nope" }] } });
    expect(invalid.status).toBe(400);
    const stale = await call("POST", "/api/workflows", {}, { body: { ...definition, description: "changed" }, query: "?baseVersion=0" });
    expect(stale.status).toBe(409);
    expect((await call("POST", "/api/workflows", {}, { body: "{not json" })).status).toBe(400);
    expect((await call("GET", "/api/workflows/{name}", { name: "contract" })).body).toMatchObject({ name: "contract", version: 1, restoredFrom: null });
    expect((await call("GET", "/api/workflows/{name}", { name: "missing" })).status).toBe(404);
    expect((await call("GET", "/api/workflows/{name}", { name: "contract" }, { query: "?version=x" })).status).toBe(400);
    expect((await call("GET", "/api/workflows/{name}/versions", { name: "contract" })).status).toBe(200);
    expect((await call("POST", "/api/workflows", {}, { body: { ...definition, description: "v2" } })).status).toBe(201);
    const restored = await call("POST", "/api/workflows/{name}/versions/{version}/restore", { name: "contract", version: "1" });
    expect(restored.body).toMatchObject({ created: true, workflow: { version: 3, restoredFrom: 1 } });
    expect((await call("POST", "/api/workflows/{name}/versions/{version}/restore", { name: "contract", version: "9" })).status).toBe(404);
    expect((await call("GET", "/api/workflows/{name}/export", { name: "contract" })).body).toMatchObject({ name: "contract" });
    const imported = await call("POST", "/api/workflows/import", {}, { body: [{ ...definition, name: "contract-copy" }] });
    expect(imported.status).toBe(201);
    expect((await call("POST", "/api/workflows/import", {}, { body: [] })).status).toBe(400);
    expect((await call("GET", "/api/workflows")).status).toBe(200);
    expect((await call("GET", "/api/workflows", {}, { token: workerToken })).status).toBe(403);
    expect((await call("DELETE", "/api/workflows/{name}", { name: "contract-copy" })).body).toEqual({ name: "contract-copy", deleted: [1] });
  });

  it("executions: start and wait, start without waiting, search, get, events, operations and their refusals", async () => {
    const finished = await call("POST", "/api/executions", {}, { body: { workflow: "contract", input: { n: 21 }, waitSeconds: 20 } });
    expect(finished.status).toBe(201);
    expect(finished.body).toMatchObject({ status: "COMPLETED" });
    const id = finished.body.id as string;
    expect((await call("POST", "/api/executions", {}, { body: { workflow: "contract", input: { n: "x" } } })).status).toBe(400);
    expect((await call("POST", "/api/executions", {}, { body: { workflow: "nope" } })).status).toBe(404);
    const page = await call("GET", "/api/executions", {}, { query: "?status=completed&limit=5" });
    expect((page.body.executions as unknown[]).length).toBeGreaterThan(0);
    expect((await call("GET", "/api/executions", {}, { query: "?status=sleeping" })).status).toBe(400);
    expect((await call("GET", "/api/executions/{executionId}", { executionId: id })).body).toMatchObject({ id, workflowName: "contract" });
    expect((await call("GET", "/api/executions/{executionId}", { executionId: "missing" })).status).toBe(404);
    const events = await call("GET", "/api/executions/{executionId}/events", { executionId: id });
    expect((events.body.events as unknown[]).length).toBeGreaterThan(2);
    expect((await call("GET", "/api/executions/{executionId}/events", { executionId: id }, { query: "?after=x" })).status).toBe(400);
    // The live stream of deltas: each message's data is an ExecutionDelta; a bad cursor and an unknown execution are refused.
    const live = await callRoute(routes["/api/executions/{executionId}/live"]!.GET!, "GET", `/api/executions/${id}/live`, { params: { executionId: id } });
    expect(live.headers.get("content-type")).toBe("text/event-stream");
    const messages = (await live.text()).split("\n\n").filter((message) => message.startsWith("id: "));
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) expect(check("/api/executions/{executionId}/live", "GET", 200, JSON.parse(message.split("\n")[1]!.slice("data: ".length)))).toBeNull();
    expect((await call("GET", "/api/executions/{executionId}/live", { executionId: id }, { query: "?after=x" })).status).toBe(400);
    expect((await call("GET", "/api/executions/{executionId}/live", { executionId: "missing" })).status).toBe(404);
    expect((await call("POST", "/api/executions/{executionId}/restart", { executionId: id, operation: "restart" })).status).toBe(201);
    const preview = await call("POST", "/api/executions/{executionId}/rerun", { executionId: id, operation: "rerun" }, { body: { fromTaskKey: "second", dryRun: true } });
    expect(preview.body).toEqual({ dryRun: true, reset: ["second"], kept: ["first"] });
    const unknownTask = await call("POST", "/api/executions/{executionId}/rerun", { executionId: id, operation: "rerun" }, { body: { fromTaskKey: "nope" } });
    expect(unknownTask.status).toBe(400);
    expect((await call("POST", "/api/executions/{executionId}/rerun", { executionId: id, operation: "rerun" }, { body: { fromTaskKey: "first" } })).status).toBe(200);
    expect((await call("POST", "/api/executions/{executionId}/retry", { executionId: id, operation: "retry" }, { body: { dryRun: true } })).status).toBe(409); // refused (the rerun runs): the 409 body is documented too
    const running = await call("POST", "/api/executions", {}, { body: { workflow: "contract", input: { n: 1 } } });
    expect(running.status).toBe(202);
    const terminate = await call("POST", "/api/executions/{executionId}/terminate", { executionId: running.body.id as string, operation: "terminate" }, { body: {} });
    expect(terminate.status).toBe(400);
    expect((await call("POST", "/api/executions/{executionId}/pause", { executionId: "missing", operation: "pause" })).status).toBe(404);
  });

  it("workers, tokens, users and secrets", async () => {
    expect((await call("POST", "/api/workers/poll", {}, { body: { taskType: "contract.none", workerId: "w1" }, token: workerToken })).body).toEqual({ tasks: [] });
    expect((await call("POST", "/api/workers/poll", {}, { body: { taskType: "", workerId: "w1" }, token: workerToken })).status).toBe(400);
    expect((await call("POST", "/api/workers/tasks/{taskId}/heartbeat", { taskId: "missing" }, { body: { workerId: "w1" }, token: workerToken })).status).toBe(404);
    const token = await call("POST", "/api/tokens", {}, { body: { name: "contract", role: "viewer", expiresInDays: 1 } });
    expect(token.status).toBe(201);
    expect((await call("GET", "/api/tokens")).status).toBe(200);
    expect((await call("DELETE", "/api/tokens/{tokenId}", { tokenId: token.body.id as string })).body).toMatchObject({ name: "contract" });
    const user = await call("POST", "/api/users", {}, { body: { email: "contract@example.com", password: "a long enough password", role: "operator" } });
    expect(user.status).toBe(201);
    expect((await call("POST", "/api/users", {}, { body: { email: "not-an-email", password: "x" } })).status).toBe(400);
    expect((await call("GET", "/api/users")).status).toBe(200);
    expect((await call("PATCH", "/api/users/{userId}", { userId: user.body.id as string }, { body: { name: "Contract" } })).body).toMatchObject({ name: "Contract" });
    expect((await call("DELETE", "/api/users/{userId}", { userId: user.body.id as string })).status).toBe(204);
    expect((await call("PUT", "/api/secrets/{name}", { name: "CONTRACT_KEY" }, { body: { value: "s3cret" } })).status).toBe(201);
    expect((await call("PUT", "/api/secrets/{name}", { name: "CONTRACT_KEY" }, { body: { value: "s3cret2" } })).status).toBe(200);
    expect((await call("GET", "/api/secrets")).status).toBe(200);
    expect((await call("DELETE", "/api/secrets/{name}", { name: "CONTRACT_KEY" })).body).toEqual({ deleted: "CONTRACT_KEY" });
    expect(TEST_ADMIN_TOKEN).toBeTruthy();
  });
});
