// Every route in app/api, found on the file system (a new route cannot be forgotten): without
// credentials each answers 401 (health is public); with each role it passes the access check or
// gets 403 naming the role it needs, as lib/auth/roles.ts says. Also: forged, expired and revoked
// tokens, a tampered session cookie, cross-site requests with a session, role escalation, and
// worker identity bound to the worker's token. Real route handlers on a real SQLite file.
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRoute, tokenFor, withTestAdminToken, type RouteFn } from "@/tests/helpers/api";
import type { Access, TokenRole } from "@/lib/auth/roles";

const dir = mkdtempSync(join(tmpdir(), "flowdeck-auth-routes-"));
process.env.DATABASE_URL = `file:${join(dir, "flowdeck.db")}`;
process.env.FLOWDECK_ENGINE = "off";
withTestAdminToken();

/**
 * The role table of the accounts issue, per route and method. A route file or method that is not
 * here fails the test, and so does a route whose declared access differs.
 */
const EXPECTED: Record<string, Access> = {
  "GET /api/health": "public",
  // The API's description: shapes only, no data (like /schema/workflow.json); tools read it before they have credentials.
  "GET /api/openapi.json": "public",
  "GET /api/me": "viewer",
  "GET /api/metrics": "viewer",
  "GET /api/workflows": "viewer",
  "POST /api/workflows": "designer",
  "POST /api/workflows/import": "designer",
  "POST /api/workflows/test": "designer",
  "GET /api/workflows/[name]": "viewer",
  "DELETE /api/workflows/[name]": "designer",
  "GET /api/workflows/[name]/export": "viewer",
  "GET /api/workflows/[name]/versions": "viewer",
  "POST /api/workflows/[name]/versions/[version]/restore": "designer",
  "GET /api/executions": "viewer",
  "POST /api/executions": "operator",
  "GET /api/executions/[executionId]": "viewer",
  "GET /api/executions/[executionId]/events": "viewer",
  "GET /api/executions/[executionId]/logs": "viewer",
  "GET /api/executions/[executionId]/live": "viewer",
  "POST /api/executions/[executionId]/[operation]": "operator",
  "POST /api/workers/poll": "worker",
  "POST /api/workers/tasks/[taskId]/heartbeat": "worker",
  "POST /api/workers/tasks/[taskId]/logs": "worker",
  "POST /api/workers/tasks/[taskId]/complete": "worker",
  "POST /api/workers/tasks/[taskId]/fail": "worker",
  "GET /api/tokens": "admin",
  "POST /api/tokens": "admin",
  "DELETE /api/tokens/[tokenId]": "admin",
  "GET /api/users": "admin",
  "POST /api/users": "admin",
  "PATCH /api/users/[userId]": "admin",
  "DELETE /api/users/[userId]": "admin",
  "GET /api/secrets": "admin",
  "PUT /api/secrets/[name]": "admin",
  "DELETE /api/secrets/[name]": "admin",
  // Not guarded by sessions or tokens: the webhook trigger's own secret authenticates the call
  // (lib/triggers/webhook.ts), so an API token of any role is refused with 401 there too.
  "POST /api/hooks/[workflow]/[key]": "public",
  "GET /api/triggers": "viewer",
  "GET /api/triggers/[workflow]/[key]": "viewer",
  "POST /api/triggers/[workflow]/[key]/pause": "operator",
  "POST /api/triggers/[workflow]/[key]/resume": "operator",
  "POST /api/triggers/[workflow]/[key]/run": "operator",
  "GET /api/triggers/[workflow]/[key]/secret": "operator",
  "POST /api/triggers/[workflow]/[key]/rotate-secret": "designer",
};
/** Public to the session/token layer, but authenticated by a secret of their own. */
const OWN_SECRET = new Set(["POST /api/hooks/[workflow]/[key]"]);

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const ROLES: TokenRole[] = ["viewer", "operator", "designer", "admin", "worker"];

function routeFiles(root: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(root)) {
    const path = join(root, entry);
    if (statSync(path).isDirectory()) found.push(...routeFiles(path));
    else if (entry === "route.ts") found.push(path);
  }
  return found;
}

type Endpoint = { key: string; path: string; method: string; handler: RouteFn & { access?: Access } };

let endpoints: Endpoint[] = [];
let db: import("@/lib/db/client").Db;
const tokens = {} as Record<TokenRole, string>;
let fixtures: Record<string, string>;

/** A request each route can act on: real ids, and bodies that are valid where it is cheap. */
function requestFor(endpoint: Endpoint): { url: string; params: Record<string, string>; body?: unknown } {
  const params: Record<string, string> = {};
  const url = endpoint.path.replace(/\[(\w+)\]/g, (_, name: string) => (params[name] = fixtures[name] ?? "missing"));
  const bodies: Record<string, unknown> = {
    "POST /api/workflows": { name: "walked", tasks: [{ key: "a", type: "transform", params: { output: {} } }] },
    "POST /api/workflows/import": [{ name: "walked", tasks: [{ key: "a", type: "transform", params: { output: {} } }] }],
    "POST /api/workflows/test": { workflow: "walked-target" },
    "POST /api/executions": { workflow: "walked-target" },
    "POST /api/executions/[executionId]/[operation]": undefined,
    "POST /api/workers/poll": { taskType: "walk.nothing", workerId: "w", waitMs: 0 },
    "POST /api/workers/tasks/[taskId]/heartbeat": { workerId: "w" },
    "POST /api/workers/tasks/[taskId]/logs": { workerId: "w", lines: ["walked"] },
    "POST /api/workers/tasks/[taskId]/complete": { workerId: "w", output: {} },
    "POST /api/workers/tasks/[taskId]/fail": { workerId: "w", error: { message: "no" } },
    "POST /api/tokens": { name: "walk", role: "viewer" },
    "POST /api/users": { email: "walk@example.com", password: "x" },
    "PATCH /api/users/[userId]": { name: "Walked" },
    "PUT /api/secrets/[name]": { value: "walked" },
    "POST /api/hooks/[workflow]/[key]": { walked: true },
  };
  return { url, params, body: bodies[endpoint.key] };
}

beforeAll(async () => {
  const appApi = join(process.cwd(), "app", "api");
  for (const file of routeFiles(appApi)) {
    const path = "/api/" + relative(appApi, file).split(sep).slice(0, -1).join("/");
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) {
      if (typeof mod[method] === "function") endpoints.push({ key: `${method} ${path.replace(/\/$/, "")}`, path: path.replace(/\/$/, ""), method, handler: mod[method] as Endpoint["handler"] });
    }
  }
  endpoints = endpoints.sort((a, b) => a.key.localeCompare(b.key));
  const { ensureReady } = await import("@/lib/server/bootstrap");
  await ensureReady();
  const { getDb } = await import("@/lib/db/client");
  db = getDb();
  for (const role of ROLES) tokens[role] = await tokenFor(db, `walk-${role}`, role);
  const { saveWorkflow } = await import("@/lib/services/workflows");
  await saveWorkflow(db, { name: "walked-target", tasks: [{ key: "a", type: "transform", params: { output: { ok: true } } }], triggers: [{ type: "webhook", key: "walk" }] }, "test");
  const { startExecution } = await import("@/lib/services/executions");
  const execution = await startExecution(db, { workflow: "walked-target" }, "test");
  const victim = await (await import("@/lib/auth/api-tokens")).createApiToken(db, { name: "walk-victim", role: "viewer" }, "test");
  fixtures = { name: "walked-target", version: "1", workflow: "walked-target", key: "walk", executionId: execution.id, operation: "pause", taskId: "no-such-task", tokenId: victim.id, userId: "usr_missing" };
});

afterAll(async () => {
  const { closeDb } = await import("@/lib/db/client");
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

describe("every route in app/api", () => {
  it("is in the role table, and declares the access the table says", () => {
    expect(endpoints.length).toBeGreaterThanOrEqual(Object.keys(EXPECTED).length);
    for (const endpoint of endpoints) {
      expect(EXPECTED[endpoint.key], `${endpoint.key} is not in the role table of this test`).toBeDefined();
      expect(endpoint.handler.access, endpoint.key).toBe(EXPECTED[endpoint.key]);
    }
    expect(endpoints.map((e) => e.key).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it("answers 401 without credentials (health is public)", async () => {
    for (const endpoint of endpoints) {
      const { url, params, body } = requestFor(endpoint);
      const response = await callRoute(endpoint.handler, endpoint.method, url, { token: null, params, body });
      if (OWN_SECRET.has(endpoint.key)) expect(response.status, endpoint.key).toBe(401);
      else if (EXPECTED[endpoint.key] === "public") expect(response.status, endpoint.key).toBe(200);
      else {
        expect(response.status, endpoint.key).toBe(401);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
      }
    }
  });

  it("lets each role through exactly where the table allows it, and answers 403 naming the role elsewhere", async () => {
    const { allows } = await import("@/lib/auth/roles");
    for (const endpoint of endpoints) {
      const access = EXPECTED[endpoint.key]!;
      for (const role of ROLES) {
        const { url, params, body } = requestFor(endpoint);
        const response = await callRoute(endpoint.handler, endpoint.method, url, { token: tokens[role], params, body });
        const label = `${endpoint.key} as ${role}`;
        expect(response.status, label).toBeLessThan(500);
        if (OWN_SECRET.has(endpoint.key)) {
          // No API token opens a webhook: only the trigger's secret does.
          expect(response.status, label).toBe(401);
          expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/^missing or wrong webhook secret/);
        } else if (allows(role, access)) {
          expect([401, 403], `${label}: ${response.status}`).not.toContain(response.status);
        } else {
          expect(response.status, label).toBe(403);
          const error = ((await response.json()) as { error: { code: string; message: string } }).error;
          expect(error.code).toBe("FORBIDDEN");
          expect(error.message).toContain(access === "worker" ? "a worker token" : `the ${access} role`);
          expect(error.message).toContain(`token:walk-${role} has the ${role} role`);
        }
      }
    }
  });
});

describe("credentials", () => {
  const me = async (options: Parameters<typeof callRoute>[3]) => {
    const { GET } = await import("@/app/api/me/route");
    const response = await callRoute(GET as unknown as RouteFn, "GET", "/api/me", options);
    return { status: response.status, body: (await response.json()) as { error?: { message: string }; actor?: string } };
  };

  it("refuses a forged, a malformed, an expired and a revoked token with 401", async () => {
    expect(await me({ token: "fdk_forgedforgedforged" })).toMatchObject({ status: 401, body: { error: { message: "the API token is not valid (unknown token)" } } });
    expect(await me({ token: null, headers: { authorization: "Basic YWRtaW46YWRtaW4=" } })).toMatchObject({ status: 401 });
    const { createApiToken } = await import("@/lib/auth/api-tokens");
    const expiring = await createApiToken(db, { name: "soon", role: "viewer" }, "test");
    await db.apiToken.update({ where: { id: expiring.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await me({ token: expiring.token })).status).toBe(401);
    const revoked = await createApiToken(db, { name: "gone", role: "viewer" }, "test");
    expect(await me({ token: revoked.token })).toMatchObject({ status: 200, body: { actor: "token:gone" } });
    const { DELETE } = await import("@/app/api/tokens/[tokenId]/route");
    expect((await callRoute(DELETE as unknown as RouteFn, "DELETE", `/api/tokens/${revoked.id}`, { params: { tokenId: revoked.id } })).status).toBe(200);
    expect((await me({ token: revoked.token })).body.error?.message).toMatch(/^the API token 'gone' was revoked at /);
  });

  it("refuses a tampered session cookie, and takes a real one", async () => {
    const { createUser } = await import("@/lib/auth/users");
    const { createSession } = await import("@/lib/auth/sessions");
    const user = await createUser(db, { email: "vera@example.com", password: "a long enough password", role: "viewer" }, "test");
    const session = await createSession(db, user.id, null);
    expect(await me({ token: null, headers: { cookie: `flowdeck_session=${session.secret}` } })).toMatchObject({ status: 200, body: { actor: "vera@example.com" } });
    const tampered = await me({ token: null, headers: { cookie: `flowdeck_session=${session.secret.slice(0, -2)}xx` } });
    expect(tampered).toMatchObject({ status: 401, body: { error: { message: "the session has expired or is not valid; sign in again" } } });
  });

  it("refuses a cookie-authenticated state change from another site, and lets the app's own page through", async () => {
    const { createUser } = await import("@/lib/auth/users");
    const { createSession } = await import("@/lib/auth/sessions");
    const user = await createUser(db, { email: "otto@example.com", password: "a long enough password", role: "operator" }, "test");
    const { secret } = await createSession(db, user.id, null);
    const { POST } = await import("@/app/api/executions/route");
    const start = (headers: Record<string, string>) =>
      callRoute(POST as unknown as RouteFn, "POST", "/api/executions", { token: null, headers: { cookie: `flowdeck_session=${secret}`, host: "localhost", ...headers }, body: { workflow: "walked-target" } });
    const before = await db.execution.count();
    const foreign = await start({ origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toBe(
      "a request from https://evil.example may not change anything with this session; only http://localhost may",
    );
    expect((await start({ "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await start({ "sec-fetch-site": "same-site" })).status).toBe(403);
    expect(await db.execution.count()).toBe(before);
    expect((await start({ origin: "http://localhost", "sec-fetch-site": "same-origin" })).status).toBeLessThan(300);
    expect(await db.execution.count()).toBe(before + 1);
  });

  it("refuses role escalation by a non-admin: no tokens, no users, no role changes", async () => {
    const { POST: createToken } = await import("@/app/api/tokens/route");
    const { PATCH } = await import("@/app/api/users/[userId]/route");
    const before = await db.apiToken.count();
    for (const role of ["viewer", "operator", "designer", "worker"] as const) {
      const response = await callRoute(createToken as unknown as RouteFn, "POST", "/api/tokens", { token: tokens[role], body: { name: "mine", role: "admin" } });
      expect(response.status, role).toBe(403);
    }
    expect(await db.apiToken.count()).toBe(before);
    const vera = await db.user.findUniqueOrThrow({ where: { email: "vera@example.com" } });
    const escalate = await callRoute(PATCH as unknown as RouteFn, "PATCH", `/api/users/${vera.id}`, { token: tokens.designer, params: { userId: vera.id }, body: { role: "admin" } });
    expect(escalate.status).toBe(403);
    expect((await db.user.findUniqueOrThrow({ where: { id: vera.id } })).role).toBe("viewer");
  });
});

describe("worker identity", () => {
  it("binds a lease to the token that claimed it: another token with the same workerId gets 409 and changes nothing", async () => {
    const { saveWorkflow } = await import("@/lib/services/workflows");
    const { startExecution, getExecution } = await import("@/lib/services/executions");
    await saveWorkflow(db, { name: "walk-worker", tasks: [{ key: "job", type: "worker", params: { taskType: "walk.job" } }] }, "test");
    const execution = await startExecution(db, { workflow: "walk-worker" }, "test");
    const { Engine } = await import("@/lib/runtime/engine");
    const engine = new Engine(db, "sqlite", { pollIntervalMs: 20, timerIntervalMs: 20 });
    engine.start();
    try {
      const workerA = tokens.worker;
      const workerB = await tokenFor(db, "walk-worker-b", "worker");
      const { POST: poll } = await import("@/app/api/workers/poll/route");
      const { POST: complete } = await import("@/app/api/workers/tasks/[taskId]/complete/route");
      let claimed: { taskId: string } | undefined;
      for (let i = 0; i < 100 && !claimed; i++) {
        const response = await callRoute(poll as unknown as RouteFn, "POST", "/api/workers/poll", { token: workerA, body: { taskType: "walk.job", workerId: "w-1", waitMs: 200 } });
        claimed = ((await response.json()) as { tasks: { taskId: string }[] }).tasks[0];
      }
      expect(claimed).toBeDefined();
      const taskId = claimed!.taskId;
      const view = await getExecution(db, execution.id);
      const lockedBy = view.tasks.find((t) => t.taskKey === "job")!.attempts[0]!.worker as string;
      expect(lockedBy).toMatch(/^w-1@token:tok_/);
      const forged = await callRoute(complete as unknown as RouteFn, "POST", `/api/workers/tasks/${taskId}/complete`, { token: workerB, params: { taskId }, body: { workerId: "w-1", output: { forged: true } } });
      expect(forged.status).toBe(409);
      expect(((await forged.json()) as { error: { message: string } }).error.message).toContain("does not hold the lease");
      const asLockedBy = await callRoute(complete as unknown as RouteFn, "POST", `/api/workers/tasks/${taskId}/complete`, { token: workerB, params: { taskId }, body: { workerId: lockedBy, output: { forged: true } } });
      expect(asLockedBy.status).toBe(409);
      const real = await callRoute(complete as unknown as RouteFn, "POST", `/api/workers/tasks/${taskId}/complete`, { token: workerA, params: { taskId }, body: { workerId: "w-1", output: { real: true } } });
      expect(real.status).toBe(200);
      const after = await getExecution(db, execution.id);
      expect(after.tasks.find((t) => t.taskKey === "job")!.attempts[0]!.output).toEqual({ real: true });
    } finally {
      await engine.stop();
    }
  });
});
