// POST /api/workflows's preconditions through the real route handlers (issue 12, points 1 and 2):
// ?baseVersion=0 / If-None-Match: * create (409 naming the existing workflow with a link),
// ?baseVersion=N / If-Match on the checksum (409 with both versions), and a plain save as scripts
// make it. The services behind are covered on both databases by workflow-services.test.ts; the
// HTTP mapping is provider-independent, so SQLite only.
process.env.FLOWDECK_ADMIN_TOKEN ??= "test-admin-token-0123456789abcdef";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "flowdeck-save-route-"));
process.env.DATABASE_URL = `file:${join(dir, "flowdeck.db")}`;
process.env.FLOWDECK_ENGINE = "off";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
let save: Handler;
let read: Handler;

type Body = Record<string, unknown> & { error?: { code: string; message: string; details: unknown[]; conflict?: Record<string, unknown> } };

async function call(handler: Handler, url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}, params: Record<string, string> = {}) {
  const request = new Request(`http://localhost${url}`, {
    method: init.method ?? "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${process.env.FLOWDECK_ADMIN_TOKEN}`, ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const response = await handler(request, { params: Promise.resolve(params) });
  return { status: response.status, etag: response.headers.get("etag"), body: (await response.json()) as Body };
}

const oneTask = (name: string, output: unknown = 1) => ({ name, tasks: [{ key: "only", type: "transform", params: { output } }] });

describe("POST /api/workflows preconditions", () => {
  beforeAll(async () => {
    save = (await import("@/app/api/workflows/route")).POST as unknown as Handler;
    read = (await import("@/app/api/workflows/[name]/route")).GET as unknown as Handler;
    const { ensureReady } = await import("@/lib/server/bootstrap");
    await ensureReady(); // seeds build-test-deploy (6 tasks)
  });
  afterAll(async () => {
    const { closeDb } = await import("@/lib/db/client");
    await closeDb();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to create over the seeded build-test-deploy, naming it with a link; its 6 tasks stay", async () => {
    for (const [url, headers] of [
      ["/api/workflows?baseVersion=0", {}],
      ["/api/workflows", { "if-none-match": "*" }],
    ] as const) {
      const refused = await call(save, url, { body: oneTask("build-test-deploy"), headers });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({
        code: "CONFLICT",
        message: "workflow 'build-test-deploy' already exists (v1, 6 tasks); open /workflows/build-test-deploy/edit to change it, or choose another name",
        details: [{ path: "name", message: "a workflow named 'build-test-deploy' already exists (v1); creating it again would overwrite it" }],
        conflict: { kind: "exists", workflow: "build-test-deploy", href: "/workflows/build-test-deploy/edit", base: null, latest: { version: 1, taskCount: 6, createdBy: "seed" } },
      });
    }
    const stored = await call(read, "/api/workflows/build-test-deploy", { method: "GET" }, { name: "build-test-deploy" });
    expect(stored.body).toMatchObject({ version: 1, taskCount: 6 });
    // A new name is created (201).
    expect((await call(save, "/api/workflows?baseVersion=0", { body: oneTask("route-fresh") })).status).toBe(201);
  });

  it("refuses a save based on an older version with both versions; based on the latest, or by ETag, it saves", async () => {
    const first = await call(save, "/api/workflows", { body: oneTask("route-edit", 1) });
    expect(first.status).toBe(201);
    expect(first.etag).toBe(`"${(first.body.workflow as { checksum: string }).checksum}"`);
    const got = await call(read, "/api/workflows/route-edit", { method: "GET" }, { name: "route-edit" });
    expect(got.etag).toBe(first.etag);
    expect((await call(save, "/api/workflows?baseVersion=1", { body: oneTask("route-edit", 2) })).status).toBe(201);

    const stale = await call(save, "/api/workflows?baseVersion=1", { body: oneTask("route-edit", 3) });
    expect(stale.status).toBe(409);
    expect(stale.body.error!.message).toBe("workflow 'route-edit' changed since v1: the latest version is v2 (by token:FLOWDECK_ADMIN_TOKEN); nothing was saved — merge with it or save again based on v2");
    const conflict = stale.body.error!.conflict as { kind: string; base: { version: number; definition: { tasks: { params: unknown }[] } }; latest: { version: number; definition: { tasks: { params: unknown }[] } } };
    expect(conflict.kind).toBe("stale");
    expect([conflict.base.version, conflict.base.definition.tasks[0]!.params]).toEqual([1, { output: 1 }]);
    expect([conflict.latest.version, conflict.latest.definition.tasks[0]!.params]).toEqual([2, { output: 2 }]);

    const byEtag = await call(save, "/api/workflows", { body: oneTask("route-edit", 3), headers: { "if-match": first.etag! } });
    expect(byEtag.status).toBe(409);
    expect(byEtag.body.error!.conflict).toMatchObject({ base: { version: 1 }, latest: { version: 2 } });
    const latest = await call(read, "/api/workflows/route-edit", { method: "GET" }, { name: "route-edit" });
    expect((await call(save, "/api/workflows", { body: oneTask("route-edit", 3), headers: { "if-match": latest.etag! } })).status).toBe(201);
    expect((await call(save, "/api/workflows?baseVersion=3", { body: oneTask("route-edit", 4) })).status).toBe(201);
    // A script's plain save is still the next version, whatever was saved before.
    expect((await call(save, "/api/workflows", { body: oneTask("route-edit", 5) })).body.workflow).toMatchObject({ version: 5 });
  });

  it("refuses malformed or contradictory preconditions with 400", async () => {
    const bad = await call(save, "/api/workflows?baseVersion=-1", { body: oneTask("route-bad") });
    expect(bad.status).toBe(400);
    expect(bad.body.error!.details).toEqual([{ path: "baseVersion", message: "must be a non-negative integer; got '-1'" }]);
    const both = await call(save, "/api/workflows?baseVersion=1", { body: oneTask("route-bad"), headers: { "if-match": "*" } });
    expect(both).toMatchObject({ status: 400, body: { error: { message: "give one of ?baseVersion, If-Match and If-None-Match, not ?baseVersion and If-Match" } } });
    expect((await call(save, "/api/workflows", { body: oneTask("route-bad"), headers: { "if-match": '"abc"' } })).status).toBe(400);
    expect((await call(save, "/api/workflows", { body: oneTask("route-bad"), headers: { "if-none-match": '"abc"' } })).status).toBe(400);
    // If-Match: * needs the workflow to exist.
    expect((await call(save, "/api/workflows", { body: oneTask("route-bad"), headers: { "if-match": "*" } })).status).toBe(409);
  });
});
