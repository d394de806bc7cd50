// The operators' side of triggers through the real route handlers, on a real SQLite file with
// the server's bootstrap: list, pause and resume (409 when already so), run now (the execution is
// the operator's), read the webhook secret (operator) and rotate it (designer only): the old
// secret stops working, the new one works. Every action is recorded with who did it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRoute, tokenFor, withTestAdminToken, type RouteFn } from "@/tests/helpers/api";

const dir = mkdtempSync(join(tmpdir(), "flowdeck-trigger-routes-"));
process.env.DATABASE_URL = `file:${join(dir, "flowdeck.db")}`;
process.env.FLOWDECK_DATA_DIR = join(dir, "data");
process.env.FLOWDECK_ENGINE = "off";
delete process.env.FLOWDECK_SECRETS_KEY;
withTestAdminToken();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let db: import("@/lib/db/client").Db;
let operator: string;
let designer: string;
const routes = {} as Record<"list" | "one" | "pause" | "resume" | "run" | "secret" | "rotate" | "hook", RouteFn>;

async function call(handler: RouteFn, method: string, url: string, options: Parameters<typeof callRoute>[3] = {}): Promise<{ status: number; json: Json }> {
  const response = await callRoute(handler, method, url, options);
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as Json };
}
const params = { workflow: "ops", key: "hook" };
const at = (action: string) => `/api/triggers/ops/hook/${action}`;

beforeAll(async () => {
  const { ensureReady } = await import("@/lib/server/bootstrap");
  await ensureReady();
  db = (await import("@/lib/db/client")).getDb();
  operator = await tokenFor(db, "olga", "operator");
  designer = await tokenFor(db, "dana", "designer");
  const { saveWorkflow } = await import("@/lib/services/workflows");
  await saveWorkflow(db, { name: "ops", tasks: [{ key: "a", type: "transform", params: { output: 1 } }], triggers: [{ type: "webhook", key: "hook" }, { type: "schedule", key: "nightly", cron: "0 2 * * *", timezone: "Europe/Berlin", enabled: false }] }, "test");
  routes.list = (await import("@/app/api/triggers/route")).GET as unknown as RouteFn;
  routes.one = (await import("@/app/api/triggers/[workflow]/[key]/route")).GET as unknown as RouteFn;
  routes.pause = (await import("@/app/api/triggers/[workflow]/[key]/pause/route")).POST as unknown as RouteFn;
  routes.resume = (await import("@/app/api/triggers/[workflow]/[key]/resume/route")).POST as unknown as RouteFn;
  routes.run = (await import("@/app/api/triggers/[workflow]/[key]/run/route")).POST as unknown as RouteFn;
  routes.secret = (await import("@/app/api/triggers/[workflow]/[key]/secret/route")).GET as unknown as RouteFn;
  routes.rotate = (await import("@/app/api/triggers/[workflow]/[key]/rotate-secret/route")).POST as unknown as RouteFn;
  routes.hook = (await import("@/app/api/hooks/[workflow]/[key]/route")).POST as unknown as RouteFn;
});
afterAll(async () => {
  const { closeDb } = await import("@/lib/db/client");
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

describe("trigger operations", () => {
  it("lists every trigger with its state and next fire", async () => {
    const { status, json } = await call(routes.list, "GET", "/api/triggers?workflow=ops");
    expect(status).toBe(200);
    expect(json.triggers.map((t: Json) => [t.key, t.type, t.state, t.hookPath])).toEqual([
      ["hook", "webhook", "active", "/api/hooks/ops/hook"],
      ["nightly", "schedule", "disabled", null],
    ]);
    expect(json.triggers[1].nextFireAt).toMatch(/T(00|01):00:00.000Z$/); // 02:00 in Berlin
  });

  it("pauses and resumes, refusing a second pause, and records who did it", async () => {
    expect((await call(routes.pause, "POST", at("pause"), { token: operator, params })).json).toMatchObject({ state: "paused", pausedBy: "token:olga" });
    expect(await call(routes.pause, "POST", at("pause"), { token: operator, params })).toMatchObject({ status: 409, json: { error: { message: "trigger 'ops/hook' is already paused (by token:olga)" } } });
    expect((await call(routes.resume, "POST", at("resume"), { token: designer, params })).json).toMatchObject({ state: "active", pausedBy: null });
    const { json } = await call(routes.one, "GET", "/api/triggers/ops/hook", { params });
    expect(json.events.map((e: Json) => `${e.type} ${e.actor}`)).toEqual(expect.arrayContaining(["PAUSED token:olga", "RESUMED token:dana"]));
  });

  it("runs a trigger now as the operator", async () => {
    const { status, json } = await call(routes.run, "POST", at("run"), { token: operator, params });
    expect(status).toBe(201);
    const execution = await db.execution.findUniqueOrThrow({ where: { id: json.executionId } });
    expect(execution.createdBy).toBe("token:olga");
    expect(JSON.parse(execution.trigger!)).toMatchObject({ type: "webhook", key: "hook", manual: true });
  });

  it("shows the secret to operators, rotates it for designers only; the old one stops working", async () => {
    const old = (await call(routes.secret, "GET", at("secret"), { token: operator, params })).json.secret as string;
    expect(old).toMatch(/^whsec_/);
    const hook = (secret: string) => call(routes.hook, "POST", "/api/hooks/ops/hook", { token: null, params, body: {}, headers: { "x-flowdeck-token": secret } });
    expect((await hook(old)).status).toBe(202);
    expect((await call(routes.rotate, "POST", at("rotate-secret"), { token: operator, params })).status).toBe(403);
    const rotated = await call(routes.rotate, "POST", at("rotate-secret"), { token: designer, params });
    expect(rotated.status).toBe(200);
    expect(rotated.json.trigger).toMatchObject({ secretRotatedBy: "token:dana" });
    expect(rotated.json.secret).not.toBe(old);
    expect((await hook(old)).status).toBe(401);
    expect((await hook(rotated.json.secret)).status).toBe(202);
    const { json } = await call(routes.one, "GET", "/api/triggers/ops/hook", { params });
    expect(json.events.map((e: Json) => `${e.type} ${e.actor}`)).toEqual(expect.arrayContaining(["SECRET_VIEWED token:olga", "SECRET_ROTATED token:dana", "RUN_NOW token:olga"]));
    // The secret is never stored in clear.
    const row = await db.trigger.findFirstOrThrow({ where: { key: "hook" } });
    expect(JSON.stringify(row)).not.toContain(rotated.json.secret);
  });

  it("a schedule has no secret; an unknown trigger is 404", async () => {
    expect(await call(routes.secret, "GET", "/api/triggers/ops/nightly/secret", { token: operator, params: { workflow: "ops", key: "nightly" } })).toMatchObject({ status: 400, json: { error: { message: "trigger 'ops/nightly' is a schedule trigger; only webhooks have a secret" } } });
    expect((await call(routes.pause, "POST", "/api/triggers/ops/none/pause", { token: operator, params: { workflow: "ops", key: "none" } })).status).toBe(404);
  });
});
