// Only JSON bodies, through the real route handlers (lib/http/api.ts readJsonBody /
// readOptionalJsonBody): a body with no Content-Type, `text/plain;charset=json`, a form or
// multipart body — what a browser sends cross-site without a CORS preflight — is refused with 415
// and nothing is stored; JSON media types (with parameters, and application/*+json) are taken; an
// operation that needs no body still works with none. Provider-independent HTTP mapping: SQLite.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN, withTestAdminToken, type RouteFn } from "@/tests/helpers/api";

withTestAdminToken();
const dir = mkdtempSync(join(tmpdir(), "flowdeck-json-bodies-"));
process.env.DATABASE_URL = `file:${join(dir, "flowdeck.db")}`;
process.env.FLOWDECK_ENGINE = "off";

type Handler = RouteFn;
let routes: Record<"workflows" | "importWorkflows" | "executions" | "poll" | "heartbeat" | "complete" | "fail" | "operation", Handler>;
let db: import("@/lib/db/client").Db;
let engine: import("@/lib/runtime/engine").Engine;

const definition = (name: string) => ({ name, tasks: [{ key: "a", type: "transform", params: { output: 1 } }] });

/**
 * Posts `body` with exactly the Content-Type given (null: none). A Uint8Array body makes fetch's
 * Request add no Content-Type of its own (a string would get text/plain;charset=UTF-8).
 */
async function post(handler: Handler, path: string, contentType: string | null, body?: string, params: Record<string, string> = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  if (contentType !== null) headers["content-type"] = contentType;
  const request = new Request(`http://localhost${path}`, { method: "POST", headers, ...(body === undefined ? {} : { body: new TextEncoder().encode(body) }) });
  expect(request.headers.get("content-type")).toBe(contentType);
  const response = await handler(request, { params: Promise.resolve(params) });
  return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } & Record<string, unknown> };
}

/** What a browser may send cross-site without a preflight, and other types that are not JSON. */
const NOT_JSON: Array<[string, string | null]> = [
  ["no Content-Type", null],
  ["text/plain;charset=json", "text/plain;charset=json"],
  ["text/plain", "text/plain;charset=UTF-8"],
  ["a form", "application/x-www-form-urlencoded"],
  ["multipart", "multipart/form-data; boundary=x"],
  ["application/jsonx", "application/jsonx"],
  ["JSON in another charset", "application/json; charset=iso-8859-1"],
  ["not a media type", "json"],
];

describe("the API takes only JSON bodies", () => {
  beforeAll(async () => {
    routes = {
      workflows: (await import("@/app/api/workflows/route")).POST as Handler,
      importWorkflows: (await import("@/app/api/workflows/import/route")).POST as Handler,
      executions: (await import("@/app/api/executions/route")).POST as Handler,
      poll: (await import("@/app/api/workers/poll/route")).POST as Handler,
      heartbeat: (await import("@/app/api/workers/tasks/[taskId]/heartbeat/route")).POST as Handler,
      complete: (await import("@/app/api/workers/tasks/[taskId]/complete/route")).POST as Handler,
      fail: (await import("@/app/api/workers/tasks/[taskId]/fail/route")).POST as Handler,
      operation: (await import("@/app/api/executions/[executionId]/[operation]/route")).POST as Handler,
    };
    const { ensureReady } = await import("@/lib/server/bootstrap");
    await ensureReady();
    const { getDb } = await import("@/lib/db/client");
    db = getDb();
    const { Engine } = await import("@/lib/runtime/engine");
    engine = new Engine(db, "sqlite", { pollIntervalMs: 25, timerIntervalMs: 20 });
    engine.start();
  });
  afterAll(async () => {
    await engine?.stop();
    const { closeDb } = await import("@/lib/db/client");
    await closeDb();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(NOT_JSON)("saving a workflow with %s: 415, nothing stored", async (_what, contentType) => {
    const saved = await post(routes.workflows, "/api/workflows", contentType, JSON.stringify(definition("csrf-save")));
    expect(saved.status).toBe(415);
    expect(saved.body.error!.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(saved.body.error!.message).toMatch(/Content-Type: application\/json|must be UTF-8/);
    const imported = await post(routes.importWorkflows, "/api/workflows/import", contentType, JSON.stringify([definition("csrf-import")]));
    expect(imported.status).toBe(415);
    expect(await db.workflowDefinition.count({ where: { name: { in: ["csrf-save", "csrf-import"] } } })).toBe(0);
  });

  it.each(NOT_JSON)("starting an execution with %s: 415, nothing started", async (_what, contentType) => {
    const before = await db.execution.count();
    const started = await post(routes.executions, "/api/executions", contentType, JSON.stringify({ workflow: "serial-chain" }));
    expect(started.status).toBe(415);
    expect(started.body.error!.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(await db.execution.count()).toBe(before);
  });

  it("the messages say what was sent and what to send", async () => {
    expect((await post(routes.executions, "/api/executions", null, '{"workflow":"serial-chain"}')).body.error!.message).toBe(
      "the request has a body but no Content-Type; send it as Content-Type: application/json",
    );
    expect((await post(routes.executions, "/api/executions", "text/plain;charset=json", "{}")).body.error!.message).toBe(
      "expected a JSON body (Content-Type: application/json), got 'text/plain;charset=json'",
    );
    expect((await post(routes.executions, "/api/executions", "application/json; charset=latin1", "{}")).body.error!.message).toBe(
      "a JSON body must be UTF-8; got charset 'latin1'",
    );
  });

  it.each(["application/json", "application/json; charset=utf-8", 'Application/JSON; Charset="UTF-8"', "application/merge-patch+json"])("%s is taken", async (contentType) => {
    const name = `json-${Math.random().toString(36).slice(2, 8)}`;
    const saved = await post(routes.workflows, "/api/workflows", contentType, JSON.stringify(definition(name)));
    expect(saved.status).toBe(201);
    expect(await db.workflowDefinition.count({ where: { name } })).toBe(1);
  });

  it.each(NOT_JSON)("the worker routes refuse %s too", async (_what, contentType) => {
    expect((await post(routes.poll, "/api/workers/poll", contentType, JSON.stringify({ taskType: "x", workerId: "w" }))).status).toBe(415);
    for (const route of ["heartbeat", "complete", "fail"] as const) {
      const response = await post(routes[route], `/api/workers/tasks/t1/${route}`, contentType, JSON.stringify({ workerId: "w", error: { message: "x" } }), { taskId: "t1" });
      expect(response.status, route).toBe(415);
    }
  });

  describe("operations", () => {
    let executionId: string;
    beforeAll(async () => {
      await post(routes.workflows, "/api/workflows", "application/json", JSON.stringify({ name: "ops-json", tasks: [{ key: "w", type: "wait", params: { durationMs: 600_000 } }] }));
      const started = await post(routes.executions, "/api/executions", "application/json", JSON.stringify({ workflow: "ops-json" }));
      executionId = started.body.id as string;
      for (let i = 0; i < 500 && (await status()) !== "RUNNING"; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await status()).toBe("RUNNING");
    });
    const operate = (operation: string, contentType: string | null, body?: string) =>
      post(routes.operation, `/api/executions/${executionId}/${operation}`, contentType, body, { executionId, operation });
    const status = async () => (await db.execution.findUniqueOrThrow({ where: { id: executionId } })).status;

    it("pause and resume need no body at all", async () => {
      expect((await operate("pause", null)).status).toBe(200);
      expect(await status()).toBe("PAUSED");
      expect((await operate("resume", null)).status).toBe(200);
      expect(await status()).toBe("RUNNING");
      expect((await operate("pause", "application/json")).status).toBe(200); // JSON type, empty body
      expect((await operate("resume", "application/json", "{}")).status).toBe(200);
    });

    it.each(NOT_JSON.filter(([, contentType]) => contentType !== null))("an empty %s body (a cross-site form without fields) is refused: 415, still running", async (_what, contentType) => {
      const refused = await operate("pause", contentType);
      expect(refused.status).toBe(415);
      expect(await status()).toBe("RUNNING");
    });

    it.each(NOT_JSON)("terminate with a %s body: 415, still running", async (_what, contentType) => {
      const refused = await operate("terminate", contentType, JSON.stringify({ reason: "cross-site" }));
      expect(refused.status).toBe(415);
      expect(refused.body.error!.code).toBe("UNSUPPORTED_MEDIA_TYPE");
      expect(await status()).toBe("RUNNING");
    });
  });
});
