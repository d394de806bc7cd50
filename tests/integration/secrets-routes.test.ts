// /api/secrets through the real route handlers, on a real SQLite file with the server's own
// bootstrap (which creates the key file, 0600): admins set, list and delete; every other role
// gets 403 and changes nothing; a bad name gets 400 naming the path; no answer ever holds a value.
// End to end: a workflow whose http task sends a secret to a local server that echoes it, saved
// and started through the API — GET /api/executions/{id}, its events and the export never hold
// the value. A save naming an unknown secret gets 400 naming the task's path and the secret.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRoute, tokenFor, withTestAdminToken, type RouteFn } from "@/tests/helpers/api";
import { sendJson, startTestServer, type TestServer } from "./engine-task-types.support";
import type { TokenRole } from "@/lib/auth/roles";

const dir = mkdtempSync(join(tmpdir(), "flowdeck-secrets-routes-"));
process.env.DATABASE_URL = `file:${join(dir, "flowdeck.db")}`;
process.env.FLOWDECK_DATA_DIR = join(dir, "data");
process.env.FLOWDECK_ENGINE = "off";
process.env.FLOWDECK_HTTP_ALLOWED_HOSTS = "127.0.0.1";
delete process.env.FLOWDECK_SECRETS_KEY;
withTestAdminToken();

type Json = Record<string, unknown> & { error?: { code: string; message: string; details: { path: string; message: string }[] } };

let db: import("@/lib/db/client").Db;
let server: TestServer;
let routes: {
  list: RouteFn;
  put: RouteFn;
  remove: RouteFn;
  saveWorkflow: RouteFn;
  start: RouteFn;
  execution: RouteFn;
  events: RouteFn;
  exportWorkflow: RouteFn;
};
const tokens = {} as Record<TokenRole, string>;

async function call(handler: RouteFn, method: string, url: string, options: Parameters<typeof callRoute>[3] = {}): Promise<{ status: number; text: string; json: Json }> {
  const response = await callRoute(handler, method, url, options);
  const text = await response.text();
  return { status: response.status, text, json: (text.startsWith("{") ? JSON.parse(text) : {}) as Json };
}

const put = (name: string, body: unknown, token?: string) => call(routes.put, "PUT", `/api/secrets/${encodeURIComponent(name)}`, { params: { name }, body, ...(token ? { token } : {}) });

beforeAll(async () => {
  const { ensureReady } = await import("@/lib/server/bootstrap");
  await ensureReady();
  const { getDb } = await import("@/lib/db/client");
  db = getDb();
  for (const role of ["viewer", "operator", "designer", "admin", "worker"] as const) tokens[role] = await tokenFor(db, `secrets-${role}`, role);
  routes = {
    list: (await import("@/app/api/secrets/route")).GET as unknown as RouteFn,
    put: (await import("@/app/api/secrets/[name]/route")).PUT as unknown as RouteFn,
    remove: (await import("@/app/api/secrets/[name]/route")).DELETE as unknown as RouteFn,
    saveWorkflow: (await import("@/app/api/workflows/route")).POST as unknown as RouteFn,
    start: (await import("@/app/api/executions/route")).POST as unknown as RouteFn,
    execution: (await import("@/app/api/executions/[executionId]/route")).GET as unknown as RouteFn,
    events: (await import("@/app/api/executions/[executionId]/events/route")).GET as unknown as RouteFn,
    exportWorkflow: (await import("@/app/api/workflows/[name]/export/route")).GET as unknown as RouteFn,
  };
  server = await startTestServer((request, response) => sendJson(response, 200, { headers: request.headers, query: request.query }));
});

afterAll(async () => {
  await server?.close();
  const { closeDb } = await import("@/lib/db/client");
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

describe("the secrets key", () => {
  it("is created by the server's first start in the data directory, readable by its owner only", () => {
    const path = join(dir, "data", "secrets.key");
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe("/api/secrets", () => {
  it("lets an admin set, replace, list and delete; no answer holds the value", async () => {
    const value = `v_${randomBytes(12).toString("hex")}`;
    const created = await put("DEPLOY_TOKEN", { value });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ secret: { name: "DEPLOY_TOKEN", keyId: expect.stringMatching(/^[0-9a-f]{16}$/), createdBy: "token:FLOWDECK_ADMIN_TOKEN", createdAt: expect.any(String), updatedBy: "token:FLOWDECK_ADMIN_TOKEN", updatedAt: expect.any(String) } });
    const replaced = await put("DEPLOY_TOKEN", { value: `${value}-new` }, tokens.admin);
    expect(replaced.status).toBe(200);
    expect(replaced.json.secret).toMatchObject({ createdBy: "token:FLOWDECK_ADMIN_TOKEN", updatedBy: "token:secrets-admin" });
    const listed = await call(routes.list, "GET", "/api/secrets");
    expect(listed.status).toBe(200);
    expect((listed.json.secrets as { name: string }[]).map((secret) => secret.name)).toContain("DEPLOY_TOKEN");
    for (const answer of [created, replaced, listed]) expect(answer.text).not.toContain(value);
    const removed = await call(routes.remove, "DELETE", "/api/secrets/DEPLOY_TOKEN", { params: { name: "DEPLOY_TOKEN" } });
    expect(removed).toMatchObject({ status: 200, json: { deleted: "DEPLOY_TOKEN" } });
    const again = await call(routes.remove, "DELETE", "/api/secrets/DEPLOY_TOKEN", { params: { name: "DEPLOY_TOKEN" } });
    expect(again).toMatchObject({ status: 404, json: { error: { code: "NOT_FOUND", message: "secret DEPLOY_TOKEN not found" } } });
  });

  it("answers 403 naming the admin role to every other role, and changes nothing", async () => {
    await put("GUARDED", { value: "guarded-value" });
    for (const role of ["viewer", "operator", "designer", "worker"] as const) {
      const token = tokens[role];
      const answers = [
        await call(routes.list, "GET", "/api/secrets", { token }),
        await put("GUARDED", { value: "overwritten" }, token),
        await put("NEW_ONE", { value: "x" }, token),
        await call(routes.remove, "DELETE", "/api/secrets/GUARDED", { params: { name: "GUARDED" }, token }),
      ];
      for (const answer of answers) {
        expect(answer.status, role).toBe(403);
        expect(answer.json.error?.message).toContain("the admin role");
      }
    }
    const rows = await db.secret.findMany({ select: { name: true, updatedBy: true } });
    expect(rows.map((row) => row.name).sort()).toEqual(["GUARDED"]);
    expect(rows[0]!.updatedBy).toBe("token:FLOWDECK_ADMIN_TOKEN");
    const none = await call(routes.list, "GET", "/api/secrets", { token: null });
    expect(none.status).toBe(401);
  });

  it("refuses a name with odd characters with 400 naming the path, before reading the body", async () => {
    for (const name of ["bad-name", "a b", "lower", "../ETC", "X".repeat(65), "A\u0000B"]) {
      for (const answer of [await put(name, { value: "x" }), await put(name, "not json"), await call(routes.remove, "DELETE", `/api/secrets/x`, { params: { name } })]) {
        expect(answer.status, JSON.stringify(name)).toBe(400);
        expect(answer.json.error?.code).toBe("VALIDATION_FAILED");
        expect(answer.json.error?.details).toEqual([{ path: "name", message: expect.stringContaining("is not a valid secret name") }]);
      }
    }
    expect((await put("bad-name", { value: "x" })).json.error?.message).toBe(
      "'bad-name' is not a valid secret name: secret names use A–Z, 0–9 and _, start with a letter or _, and have at most 64 characters (e.g. GITHUB_TOKEN)",
    );
    expect((await put("OK_NAME", { value: "" })).json.error?.details).toEqual([{ path: "value", message: "must not be empty" }]);
    const plain = await callRoute(routes.put, "PUT", "/api/secrets/OK_NAME", { params: { name: "OK_NAME" }, body: "x", headers: { "content-type": "text/plain" } });
    expect(plain.status).toBe(415);
    expect(await db.secret.count({ where: { name: "OK_NAME" } })).toBe(0);
  });
});

describe("workflows that read secrets, through the API", () => {
  const definition = (name: string, secret: string) => ({
    name,
    tasks: [{ key: "call", type: "http", params: { url: `${server.url}/hook`, headers: { authorization: `{% 'Bearer ' & $secrets.${secret} %}` }, query: { key: `{% $secrets.${secret} %}` } } }],
  });

  it("refuses a save naming an unknown secret with 400 naming the task's path and the secret", async () => {
    const answer = await call(routes.saveWorkflow, "POST", "/api/workflows", { body: definition("reads-missing", "MISSING_SECRET") });
    expect(answer.status).toBe(400);
    const missing = 'task "call" reads secret MISSING_SECRET, which does not exist: add it under Settings → Secrets (or PUT /api/secrets/MISSING_SECRET) first';
    expect(answer.json.error).toEqual({
      code: "VALIDATION_FAILED",
      message: `the workflow definition has 2 problems with secrets: tasks[0].params.headers.authorization: ${missing}; tasks[0].params.query.key: ${missing}`,
      details: [
        { path: "tasks[0].params.headers.authorization", message: missing },
        { path: "tasks[0].params.query.key", message: missing },
      ],
    });
    expect(await db.workflowDefinition.count({ where: { name: "reads-missing" } })).toBe(0);
  });

  it("sends the value to the server; the execution, its events and the export never hold it", async () => {
    const value = `e2e_${randomBytes(12).toString("hex")}`;
    expect((await put("HOOK_TOKEN", { value })).status).toBe(201);
    const saved = await call(routes.saveWorkflow, "POST", "/api/workflows", { body: definition("reads-hook-token", "HOOK_TOKEN") });
    expect(saved.status).toBe(201);
    const { Engine } = await import("@/lib/runtime/engine");
    const engine = new Engine(db, "sqlite", { pollIntervalMs: 20, timerIntervalMs: 20 });
    engine.start();
    try {
      const started = await call(routes.start, "POST", "/api/executions", { token: tokens.operator, body: { workflow: "reads-hook-token", waitSeconds: 20 } });
      expect(started.status).toBe(201);
      expect(started.json.status).toBe("COMPLETED");
      expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${value}`);
      expect(server.requests.at(-1)!.query).toEqual({ key: value });
      const executionId = started.json.id as string;
      const execution = await call(routes.execution, "GET", `/api/executions/${executionId}`, { token: tokens.viewer, params: { executionId } });
      const events = await call(routes.events, "GET", `/api/executions/${executionId}/events`, { token: tokens.viewer, params: { executionId } });
      const exported = await call(routes.exportWorkflow, "GET", "/api/workflows/reads-hook-token/export", { token: tokens.viewer, params: { name: "reads-hook-token" } });
      expect([execution.status, events.status, exported.status]).toEqual([200, 200, 200]);
      expect(execution.text).toContain("Bearer [secret:HOOK_TOKEN]");
      expect(exported.text).toContain("$secrets.HOOK_TOKEN");
      for (const answer of [started, execution, events, exported]) expect(answer.text).not.toContain(value);
    } finally {
      await engine.stop();
    }
  });
});
