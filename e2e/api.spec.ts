import http from "node:http";
import { expect, test, type APIRequestContext } from "./fixtures";

// The workflow API against the real production server and a fresh database.

const provider = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "") ? "postgresql" : "sqlite";

function definition(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    description: "e2e test workflow",
    tasks: [
      { key: "first", type: "transform", params: { output: { n: 1 } } },
      { key: "second", type: "transform", dependsOn: ["first"], params: { output: "{% $tasks.first.output.n + 1 %}" } },
    ],
    ...extra,
  };
}

async function save(request: APIRequestContext, body: unknown) {
  return request.post("/api/workflows", { data: body });
}

test("health reports the provider, applied migrations and the engine state", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const health = await response.json();
  expect(health.status).toBe("ok");
  expect(health.database.provider).toBe(provider);
  expect(health.migrations.applied.length).toBeGreaterThan(0);
  expect(health.migrations.pending).toEqual([]);
  // npm start runs the engine on a thread of its own (FLOWDECK_ENGINE_THREAD defaults to on).
  expect(health.engine).toMatchObject({ mode: "embedded", state: "running", thread: true });
  expect(JSON.stringify(health)).not.toMatch(/password|:postgres@/);
});

test("a bad definition gets a 400 listing each problem with its path", async ({ request }) => {
  const response = await save(request, {
    name: "Bad Name!",
    tasks: [
      { key: "a", type: "transform", params: { output: 1 }, dependsOn: ["c"] },
      { key: "c", type: "transform", params: { output: 1 }, dependsOn: ["a"] },
      { key: "c", type: "transform", params: { output: 1 } },
      { key: "d", type: "teleport", params: {} },
      { key: "e", type: "transform", params: { output: "{% 1 + %}" } },
      { key: "f", type: "transform", params: { output: 1 }, dependsOn: ["nope"] },
    ],
  });
  expect(response.status()).toBe(400);
  const body = await response.json();
  expect(body.error.code).toBe("VALIDATION_FAILED");
  const paths: string[] = body.error.details.map((d: { path: string }) => d.path);
  const text = JSON.stringify(body.error.details);
  expect(paths).toContain("name");
  expect(paths).toContain("tasks[2].key"); // duplicate key
  expect(paths).toContain("tasks[3].type"); // unknown task type
  expect(paths).toContain("tasks[4].params.output"); // JSONata that does not parse
  expect(paths).toContain("tasks[5].dependsOn[0]"); // unknown dependency
  expect(text).toMatch(/cycle/i);
  expect(text).not.toMatch(/at .*\.ts:\d+/); // no stack traces
  // Nothing was stored.
  expect((await request.get("/api/workflows/Bad%20Name!")).status()).toBe(404);
});

test("saving creates versions; saving an identical definition does not", async ({ request }) => {
  const name = `e2e-versions-${Date.now()}`;
  const first = await save(request, definition(name));
  expect(first.status()).toBe(201);
  expect((await first.json()).workflow.version).toBe(1);

  const again = await save(request, definition(name));
  expect(again.status()).toBe(200);
  const againBody = await again.json();
  expect(againBody.created).toBe(false);
  expect(againBody.workflow.version).toBe(1);

  const changed = await save(request, definition(name, { description: "changed" }));
  expect(changed.status()).toBe(201);
  expect((await changed.json()).workflow.version).toBe(2);

  const latest = await (await request.get(`/api/workflows/${name}`)).json();
  expect(latest.version).toBe(2);
  expect(latest.definition.description).toBe("changed");
  const v1 = await (await request.get(`/api/workflows/${name}?version=1`)).json();
  expect(v1.definition.description).toBe("e2e test workflow");

  const versions = await (await request.get(`/api/workflows/${name}/versions`)).json();
  expect(versions.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);

  expect((await request.get(`/api/workflows/${name}?version=9`)).status()).toBe(404);
  const badVersion = await request.get(`/api/workflows/${name}?version=abc`);
  expect(badVersion.status()).toBe(400);
  expect((await badVersion.json()).error.details[0].message).toMatch(/positive integer/);
});

test("export gives the canonical file; importing it back changes nothing", async ({ request }) => {
  const name = `e2e-export-${Date.now()}`;
  await save(request, definition(name));
  const exported = await request.get(`/api/workflows/${name}/export`);
  expect(exported.status()).toBe(200);
  expect(exported.headers()["content-disposition"]).toBe(`attachment; filename="${name}.json"`);
  const text = await exported.text();
  expect(text.endsWith("}\n")).toBe(true);
  expect(text).toContain('\n  "name": ');
  expect(JSON.parse(text).version).toBe(1);

  const reimported = await request.post("/api/workflows/import", { data: JSON.parse(text) });
  expect(reimported.status()).toBe(200);
  const result = (await reimported.json()).results[0];
  expect(result.created).toBe(false);
  expect(result.workflow.version).toBe(1);
  expect(await (await request.get(`/api/workflows/${name}/export`)).text()).toBe(text);
});

test("import is all or nothing and names the failing item in each path", async ({ request }) => {
  const good = `e2e-import-good-${Date.now()}`;
  const bad = { ...definition(`e2e-import-bad-${Date.now()}`), tasks: [{ key: "x", type: "http", params: {} }] };
  const response = await request.post("/api/workflows/import", { data: [definition(good), bad] });
  expect(response.status()).toBe(400);
  const body = await response.json();
  expect(body.error.message).toMatch(/nothing was saved/);
  expect(body.error.details.every((d: { path: string }) => d.path.startsWith("[1]"))).toBe(true);
  expect(body.error.details.map((d: { path: string }) => d.path)).toContain("[1].tasks[0].params.url");
  expect((await request.get(`/api/workflows/${good}`)).status()).toBe(404);

  const ok = await request.post("/api/workflows/import", { data: [definition(good), definition(`${good}-2`)] });
  expect(ok.status()).toBe(201);
  expect((await ok.json()).results.map((r: { created: boolean }) => r.created)).toEqual([true, true]);
});

test("malformed requests get clear 4xx errors", async ({ request }) => {
  const notJson = await request.post("/api/workflows", { headers: { "content-type": "application/json" }, data: Buffer.from("{ nope") });
  expect(notJson.status()).toBe(400);
  expect((await notJson.json()).error.message).toMatch(/not valid JSON/);

  const wrongType = await request.post("/api/workflows", { headers: { "content-type": "text/plain" }, data: Buffer.from("hello") });
  expect(wrongType.status()).toBe(415);

  const huge = await request.post("/api/workflows", {
    headers: { "content-type": "application/json" },
    data: Buffer.from(JSON.stringify({ name: "big", description: "x".repeat(6 * 1024 * 1024), tasks: [] })),
  });
  expect(huge.status()).toBe(413);
  expect((await huge.json()).error.code).toBe("PAYLOAD_TOO_LARGE");

  const missing = await request.get("/api/workflows/no-such-workflow");
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error).toEqual({ code: "NOT_FOUND", message: "workflow 'no-such-workflow' not found", details: [] });
});

test("the JSON Schema is served", async ({ request }) => {
  const response = await request.get("/schema/workflow.json");
  expect(response.status()).toBe(200);
  const schema = await response.json();
  expect(schema.$id).toBe("https://flowdeck.dev/schema/workflow.json");
  expect(schema.properties.tasks).toBeTruthy();
});

test("an idle kept-alive connection is still served after 6 s (the server keeps it 65 s, not Node's 5 s)", async ({ baseURL }) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
      const request = http.get(`${baseURL}/api/health`, { agent }, (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0, socket: request.socket }));
      });
      request.on("error", reject);
    });
  const first = await get();
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  const second = await get();
  agent.destroy();
  expect([first.status, second.status]).toEqual([200, 200]);
  expect(second.socket).toBe(first.socket); // the same connection, reused after 6 s idle
});
