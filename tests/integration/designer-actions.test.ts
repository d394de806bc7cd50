// The designer's server actions (app/workflows/actions.ts) on a real SQLite file: saving a version,
// an unchanged save, the problems of an invalid definition with their paths, and starting a run.
// Each action is `runAction(label, access, body)` around lib/services/designer.ts; a server action
// needs a request scope (its cookie) that vitest has not, so these run the same bodies through
// `runActionAs` with a signed-in designer — the part of runAction after the session lookup (the
// lookup itself is tested in auth-routes.test.ts, the actions in the browser by the e2e suite).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ActionResult } from "@/lib/http/action";
import type { SavedWorkflow } from "@/lib/services/designer";
import { actorOf, type Principal } from "@/lib/auth/principal";

const dir = mkdtempSync(join(tmpdir(), "flowdeck-designer-actions-"));
process.env.DATABASE_URL = `file:${join(dir, "flowdeck.db")}`;
process.env.FLOWDECK_ENGINE = "off";

type Actions = {
  saveWorkflowAction: (definition: unknown) => Promise<ActionResult<SavedWorkflow>>;
  startExecutionAction: (request: unknown) => Promise<ActionResult<{ executionId: string }>>;
};
let actions: Actions;
const designer: Principal = { kind: "user", userId: "usr_d", email: "dora@example.com", name: null, role: "designer", via: "session", sessionId: "s" };
let db: import("@/lib/db/client").Db;

const definition = {
  name: "actions-e2e",
  tasks: [{ key: "hello", type: "transform", params: { output: { greeting: "{% 'hi ' & $input.who %}" } } }],
  layout: { hello: { x: 0, y: 0 } },
};

describe("designer server actions", () => {
  beforeAll(async () => {
    const { getDb } = await import("@/lib/db/client");
    db = getDb();
    const { runActionAs } = await import("@/lib/http/action");
    const { saveFromDesigner, runFromDesigner } = await import("@/lib/services/designer");
    actions = {
      saveWorkflowAction: (definition) => runActionAs(designer, "save workflow", "designer", (p) => saveFromDesigner(db, definition, actorOf(p))),
      startExecutionAction: (request) => runActionAs(designer, "start execution", "operator", (p) => runFromDesigner(db, request, actorOf(p))),
    };
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
      [2, "dora@example.com"],
      [1, "dora@example.com"],
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

  it("starts an execution of a saved version and answers with its id", async () => {
    const started = await actions.startExecutionAction({ workflow: "actions-e2e", version: 1, input: { who: "ada" } });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const { getExecution } = await import("@/lib/services/executions");
    const execution = await getExecution(db, started.value.executionId);
    expect(execution).toMatchObject({ workflowName: "actions-e2e", workflowVersion: 1, input: { who: "ada" }, createdBy: "dora@example.com" });
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
    const { runActionAs } = await import("@/lib/http/action");
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const result = await runActionAs(designer, "explode", "viewer", async () => {
      throw new Error("secret detail");
    });
    expect(result).toEqual({ ok: false, error: { code: "INTERNAL", message: "internal error; see the server log", details: [] } });
    expect(log).toHaveBeenCalledWith("[actions] explode failed", expect.any(Error));
    log.mockRestore();
  });

  it("refuses a user whose role does not allow the action, and saves nothing", async () => {
    const { runActionAs } = await import("@/lib/http/action");
    const { saveFromDesigner } = await import("@/lib/services/designer");
    const viewer: Principal = { ...designer, email: "vic@example.com", role: "viewer" };
    const result = await runActionAs(viewer, "save workflow", "designer", (p) => saveFromDesigner(db, { ...definition, name: "never-saved" }, actorOf(p)));
    expect(result).toEqual({
      ok: false,
      error: { code: "FORBIDDEN", message: "this needs the designer role (or higher); vic@example.com has the viewer role", details: [] },
    });
    const { getWorkflowVersions } = await import("@/lib/services/workflows");
    await expect(getWorkflowVersions(db, "never-saved")).rejects.toThrow("not found");
  });
});
