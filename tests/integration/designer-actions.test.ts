// The designer's server actions (app/workflows/actions.ts) on a real SQLite file: saving a version,
// an unchanged save, the problems of an invalid definition with their paths, and starting a run.
// They call the same services as POST /api/workflows and POST /api/executions; what is tested here
// is that their results carry what the designer reads (version, name, created, error details).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "flowdeck-designer-actions-"));
process.env.DATABASE_URL = `file:${join(dir, "flowdeck.db")}`;
process.env.FLOWDECK_ENGINE = "off";

let actions: typeof import("@/app/workflows/actions");
let db: import("@/lib/db/client").Db;

const definition = {
  name: "actions-e2e",
  tasks: [{ key: "hello", type: "transform", params: { output: { greeting: "{% 'hi ' & $input.who %}" } } }],
  layout: { hello: { x: 0, y: 0 } },
};

describe("designer server actions", () => {
  beforeAll(async () => {
    actions = await import("@/app/workflows/actions");
    const { getDb } = await import("@/lib/db/client");
    db = getDb();
  });
  afterAll(async () => {
    const { closeDb } = await import("@/lib/db/client");
    await closeDb();
    rmSync(dir, { recursive: true, force: true });
  });

  it("saves a new version, and the same content again as no change", async () => {
    expect(await actions.saveWorkflowAction(definition)).toEqual({ ok: true, value: { created: true, name: "actions-e2e", version: 1, warnings: [] } });
    expect(await actions.saveWorkflowAction(definition)).toEqual({ ok: true, value: { created: false, name: "actions-e2e", version: 1, warnings: [] } });
    const changed = { ...definition, description: "now described" };
    expect(await actions.saveWorkflowAction(changed)).toEqual({ ok: true, value: { created: true, name: "actions-e2e", version: 2, warnings: [] } });
    const { getWorkflowVersions } = await import("@/lib/services/workflows");
    const versions = await getWorkflowVersions(db, "actions-e2e");
    expect(versions.map((v) => [v.version, v.createdBy])).toEqual([
      [2, "api"],
      [1, "api"],
    ]);
  });

  it("saves a definition running an unknown workflow, with a warning for the problems panel", async () => {
    const parent = { name: "actions-parent", tasks: [{ key: "child", type: "subworkflow", params: { workflow: "actions-ghost" } }] };
    expect(await actions.saveWorkflowAction(parent)).toEqual({
      ok: true,
      value: {
        created: true,
        name: "actions-parent",
        version: 1,
        warnings: [
          {
            path: "tasks[0].params.workflow",
            code: "unknown_workflow",
            message: 'task "child" runs workflow "actions-ghost", which does not exist (yet): executions of this workflow cannot start until it is saved',
          },
        ],
      },
    });
  });

  it("answers an invalid definition with every problem and its path, and saves nothing", async () => {
    const result = await actions.saveWorkflowAction({ name: "new", tasks: [{ key: "x", type: "http", params: {} }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("VALIDATION_FAILED");
    const paths = result.error.details.map((detail) => detail.path);
    expect(paths[0]).toBe("name");
    expect(result.error.details[0]!.message).toBe("'new' is reserved; choose another workflow name");
    expect(paths).toContain("tasks[0].params.url");
  });

  it("refuses a new workflow over an existing name, and a save based on an older version, with the versions involved", async () => {
    const created = await actions.saveWorkflowAction({ ...definition, name: "actions-conflict" }, { create: true });
    expect(created).toMatchObject({ ok: true, value: { created: true, version: 1 } });
    const again = await actions.saveWorkflowAction({ ...definition, name: "actions-conflict", description: "a new one" }, { create: true });
    expect(again).toMatchObject({ ok: false, error: { code: "CONFLICT" }, conflict: { kind: "exists", href: "/workflows/actions-conflict/edit", latest: { version: 1 } } });
    expect(await actions.saveWorkflowAction({ ...definition, name: "actions-conflict", description: "theirs" }, { baseVersion: 1 })).toMatchObject({ ok: true, value: { version: 2 } });
    const stale = await actions.saveWorkflowAction({ ...definition, name: "actions-conflict", description: "mine" }, { baseVersion: 1 });
    expect(stale).toMatchObject({ ok: false, error: { code: "CONFLICT" }, conflict: { kind: "stale", base: { version: 1 }, latest: { version: 2, definition: { description: "theirs" } } } });
    expect(await actions.saveWorkflowAction({ ...definition, name: "actions-conflict" }, { baseVersion: 0 } as never)).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED" } });
  });

  it("starts an execution of a saved version and answers with its id", async () => {
    const started = await actions.startExecutionAction({ workflow: "actions-e2e", version: 1, input: { who: "ada" } });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const { getExecution } = await import("@/lib/services/executions");
    const execution = await getExecution(db, started.value.executionId);
    expect(execution).toMatchObject({ workflowName: "actions-e2e", workflowVersion: 1, input: { who: "ada" }, createdBy: "api" });
  });

  it("refuses a run of an unknown workflow or a malformed request, as the API would", async () => {
    expect(await actions.startExecutionAction({ workflow: "nope" })).toEqual({
      ok: false,
      error: { code: "NOT_FOUND", message: "workflow 'nope' not found", details: [] },
    });
    const malformed = await actions.startExecutionAction({ workflow: "actions-e2e", version: 0 });
    expect(malformed).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED", message: "the request is invalid", details: [{ path: "version" }] } });
  });

  it("turns an unexpected error into INTERNAL without its message, and logs it", async () => {
    const { runAction } = await import("@/lib/http/action");
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const result = await runAction("explode", async () => {
      throw new Error("secret detail");
    });
    expect(result).toEqual({ ok: false, error: { code: "INTERNAL", message: "internal error; see the server log", details: [] } });
    expect(log).toHaveBeenCalledWith("[actions] explode failed", expect.any(Error));
    log.mockRestore();
  });
});
