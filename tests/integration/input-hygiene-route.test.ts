// Input hygiene through the real route handlers (lib/http/api.ts's readJsonBody): strings or keys
// with a lone surrogate and bodies that are not UTF-8 are refused with a 400 naming the path, for
// definitions, execution inputs and workers' results, and nothing is stored; saving a definition
// that runs an unknown workflow answers 201 with warnings, and starting it 409. The services behind
// are covered on both databases by workflow-references.test.ts and workflow-services.test.ts; the
// HTTP mapping is provider-independent, so SQLite only.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "@/lib/runtime/engine";
import { TEST_ADMIN_TOKEN, withTestAdminToken } from "@/tests/helpers/api";

const dir = mkdtempSync(join(tmpdir(), "flowdeck-input-hygiene-"));
process.env.DATABASE_URL = `file:${join(dir, "flowdeck.db")}`;
process.env.FLOWDECK_ENGINE = "off";
withTestAdminToken();

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
let routes: { workflows: Handler; executions: Handler; poll: Handler; complete: Handler };
let engine: Engine;
let db: import("@/lib/db/client").Db;

/** Posts a raw body (text or bytes) to a route handler. */
async function post(handler: Handler, url: string, body: string | Uint8Array, params: Record<string, string> = {}) {
  const request = new Request(`http://localhost${url}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, body: body as BodyInit });
  const response = await handler(request, { params: Promise.resolve(params) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string; message: string; details: unknown[] } } };
}

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part) : Buffer.from(part))));

const surrogateMessage = (index: number, code = "\\uD800", what = "the string") =>
  `${what} has a lone surrogate ${code} at character ${index}; strings must be well-formed Unicode (a surrogate needs its pair)`;

describe("input hygiene through the API", () => {
  beforeAll(async () => {
    routes = {
      workflows: (await import("@/app/api/workflows/route")).POST as unknown as Handler,
      executions: (await import("@/app/api/executions/route")).POST as unknown as Handler,
      poll: (await import("@/app/api/workers/poll/route")).POST as unknown as Handler,
      complete: (await import("@/app/api/workers/tasks/[taskId]/complete/route")).POST as unknown as Handler,
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

  it("refuses a definition with a lone surrogate in a string or a key, naming the path, and stores nothing", async () => {
    const inValue = await post(routes.workflows, "/api/workflows", '{"name":"lone","tasks":[{"key":"a","type":"transform","params":{"output":{"note":"ab\\ud800"}}}]}');
    expect(inValue.status).toBe(400);
    expect(inValue.body.error).toEqual({
      code: "VALIDATION_FAILED",
      message: "the request body has ill-formed text at tasks[0].params.output.note",
      details: [{ path: "tasks[0].params.output.note", message: surrogateMessage(2) }],
    });
    const inKey = await post(routes.workflows, "/api/workflows", '{"name":"lone","variables":{"\\udc00x":1},"tasks":[{"key":"a","type":"transform","params":{"output":1}}]}');
    expect(inKey.status).toBe(400);
    expect(inKey.body.error!.details).toEqual([{ path: 'variables["\\udc00x"]', message: surrogateMessage(0, "\\uDC00", "the key") }]);
    // A pair written as two escapes is one well-formed character: accepted.
    const paired = await post(routes.workflows, "/api/workflows", '{"name":"paired","tasks":[{"key":"a","type":"transform","params":{"output":"\\ud83d\\ude00"}}]}');
    expect(paired.status).toBe(201);
    expect(paired.body).toMatchObject({ created: true, warnings: [], workflow: { definition: { tasks: [{ params: { output: "😀" } }] } } });
    expect(await db.workflowDefinition.count({ where: { name: "lone" } })).toBe(0);
  });

  it("refuses a body that is not UTF-8, naming the string the bytes are in (or the byte, outside any string)", async () => {
    const inString = await post(routes.workflows, "/api/workflows", bytes('{"name":"bad-utf8","description":"caf', [0xc3, 0x28], '","tasks":[{"key":"a","type":"transform","params":{"output":1}}]}'));
    expect(inString.status).toBe(400);
    expect(inString.body.error).toEqual({
      code: "VALIDATION_FAILED",
      message: "the request body is not valid UTF-8: byte 37 (in description) is not part of a well-formed UTF-8 sequence",
      details: [{ path: "description", message: "is not valid UTF-8 (byte 37 of the body)" }],
    });
    // An encoded surrogate (ED A0 80) and an overlong encoding (C0 AF) are not UTF-8 either.
    for (const bad of [[0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0xff]]) {
      const refused = await post(routes.workflows, "/api/workflows", bytes('{"name":"bad-utf8","description":"', bad, '","tasks":[{"key":"a","type":"transform","params":{"output":1}}]}'));
      expect(refused.status, JSON.stringify(bad)).toBe(400);
      expect(refused.body.error!.details, JSON.stringify(bad)).toEqual([{ path: "description", message: "is not valid UTF-8 (byte 34 of the body)" }]);
    }
    const outside = await post(routes.workflows, "/api/workflows", bytes('{"name":"bad-utf8",', [0xff], '"tasks":[]}'));
    expect(outside.status).toBe(400);
    expect(outside.body.error).toEqual({
      code: "VALIDATION_FAILED",
      message: "the request body is not valid UTF-8: byte 19 is not part of a well-formed UTF-8 sequence",
      details: [],
    });
    // Well-formed multi-byte text and a leading byte-order mark are fine.
    const fine = await post(routes.workflows, "/api/workflows", bytes([0xef, 0xbb, 0xbf], '{"name":"good-utf8","description":"café ✓ 😀","tasks":[{"key":"a","type":"transform","params":{"output":1}}]}'));
    expect(fine.status).toBe(201);
    expect(fine.body).toMatchObject({ workflow: { description: "café ✓ 😀" } });
    expect(await db.workflowDefinition.count({ where: { name: "bad-utf8" } })).toBe(0);
  });

  it("refuses an execution input with a lone surrogate and starts nothing", async () => {
    const refused = await post(routes.executions, "/api/executions", '{"workflow":"good-utf8","input":{"names":["ok","\\ud834"]}}');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toEqual({
      code: "VALIDATION_FAILED",
      message: "the request body has ill-formed text at input.names[1]",
      details: [{ path: "input.names[1]", message: surrogateMessage(0, "\\uD834") }],
    });
    const notUtf8 = await post(routes.executions, "/api/executions", bytes('{"workflow":"good-utf8","input":{"who":"', [0x80], '"}}'));
    expect(notUtf8.status).toBe(400);
    expect(notUtf8.body.error!.details).toEqual([{ path: "input.who", message: "is not valid UTF-8 (byte 40 of the body)" }]);
    expect(await db.execution.count()).toBe(0);
  });

  it("refuses a worker's result with a lone surrogate, leaving the attempt running, and takes a good one", async () => {
    await post(routes.workflows, "/api/workflows", JSON.stringify({ name: "hygiene-worker", tasks: [{ key: "work", type: "worker", params: { taskType: "hygiene.work" } }] }));
    const started = await post(routes.executions, "/api/executions", '{"workflow":"hygiene-worker"}');
    expect(started.status).toBe(202);
    let task: { taskId: string } | undefined;
    for (let i = 0; i < 200 && !task; i++) {
      const polled = await post(routes.poll, "/api/workers/poll", JSON.stringify({ taskType: "hygiene.work", workerId: "w1" }));
      task = (polled.body.tasks as Array<{ taskId: string }>)[0];
      if (!task) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(task).toBeDefined();
    const url = `/api/workers/tasks/${task!.taskId}/complete`;
    const refused = await post(routes.complete, url, '{"workerId":"w1","output":{"text":"x\\udfff"}}', { taskId: task!.taskId });
    expect(refused.status).toBe(400);
    expect(refused.body.error!.details).toEqual([{ path: "output.text", message: surrogateMessage(1, "\\uDFFF") }]);
    expect((await db.taskRun.findUniqueOrThrow({ where: { id: task!.taskId } })).status).toBe("RUNNING");
    const done = await post(routes.complete, url, '{"workerId":"w1","output":{"text":"x\\ud83d\\ude00"}}', { taskId: task!.taskId });
    expect(done.status).toBe(200);
    expect(JSON.parse((await db.taskRun.findUniqueOrThrow({ where: { id: task!.taskId } })).output!)).toEqual({ text: "x😀" });
  });

  it("saves a definition running an unknown workflow with a warning (201), and answers its start with a 409", async () => {
    const saved = await post(routes.workflows, "/api/workflows", JSON.stringify({ name: "hygiene-parent", tasks: [{ key: "child", type: "subworkflow", params: { workflow: "hygiene-ghost" } }] }));
    expect(saved.status).toBe(201);
    expect(saved.body.warnings).toEqual([
      {
        path: "tasks[0].params.workflow",
        code: "unknown_workflow",
        message: 'task "child" runs workflow "hygiene-ghost", which does not exist (yet): executions of this workflow cannot start until it is saved',
      },
    ]);
    const start = await post(routes.executions, "/api/executions", '{"workflow":"hygiene-parent"}');
    expect(start.status).toBe(409);
    expect(start.body.error).toEqual({
      code: "CONFLICT",
      message: `workflow 'hygiene-parent' v1 cannot start: task "child" runs workflow "hygiene-ghost", which does not exist; save the missing workflow first`,
      details: [{ path: "tasks[0].params.workflow", message: 'task "child" runs workflow "hygiene-ghost", which does not exist' }],
    });
    const cycle = await post(routes.workflows, "/api/workflows", JSON.stringify({ name: "hygiene-ghost", tasks: [{ key: "back", type: "subworkflow", params: { workflow: "hygiene-parent" } }] }));
    expect(cycle.status).toBe(409);
    expect(cycle.body.error!.message).toBe("workflow 'hygiene-ghost' is not saved: it would close a cycle of workflows hygiene-ghost → hygiene-parent → hygiene-ghost");
  });
});
