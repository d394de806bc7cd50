// History order (issue 10): an attempt cancelled after the engine claimed it, but before its runner
// started it, never gets a TASK_STARTED (or any other event) after its TASK_CANCELLED, whatever the
// task type. The race is driven step by step, with no engine running: decide, claim, terminate,
// then the runner with the state it was handed before the cancel (as the engine's dispatcher
// hands a decision step's state to its runners). The worker poll's side of the same race
// (claim → cancel → recordStarts) is tested in workers.test.ts ("a task cancelled between its
// claim and the record of its start …").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, TEST_PROVIDERS, type TestDatabase } from "../helpers/db";
import { claimDueTasks } from "@/lib/runtime/writes/claim";
import { runClaimedTask } from "@/lib/runtime/run-task";
import { loadState, runDecisionStep } from "@/lib/runtime/step";
import { getExecution, listExecutionEvents, startExecution } from "@/lib/services/executions";
import { terminateExecution } from "@/lib/services/operations";
import { saveWorkflow } from "@/lib/services/workflows";
import { startTestServer, type TestServer } from "./engine-task-types.support";

const ENGINE = "engine-race";

/** One task of each type the engine runs itself (worker tasks: prepared by the engine, then polled). */
function taskOfType(type: string, url: string): Record<string, unknown> {
  switch (type) {
    case "transform":
      return { type, params: { output: 1 } };
    case "switch":
      return { type, params: { cases: [{ name: "yes", when: "{% true %}", next: [] }] } };
    case "http":
      return { type, params: { url } };
    case "shell":
      return { type, params: { command: "echo hi" } };
    case "wait":
      return { type, params: { durationMs: 50 } };
    case "approval":
      return { type, params: { prompt: "ok?" } };
    case "map":
      return { type, params: { items: [1, 2], task: { type: "transform", params: { output: "{% $item %}" } } } };
    case "subworkflow":
      return { type, params: { workflow: "race-child" } };
    case "terminate":
      return { type, params: { status: "COMPLETED", reason: "done early" } };
    case "worker":
      return { type, params: { taskType: "race-worker" } };
    default:
      throw new Error(type);
  }
}

const TYPES = ["transform", "switch", "http", "shell", "wait", "approval", "map", "subworkflow", "terminate", "worker"];

describe.each(TEST_PROVIDERS)("an attempt cancelled between the engine's claim and its start on %s", (provider) => {
  let t: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    t = await createTestDatabase(provider);
    server = await startTestServer((_request, response) => void response.end("{}"));
    // Opened so that a call that wrongly happens reaches the server (and is counted), not the policy.
    process.env.FLOWDECK_HTTP_ALLOWED_HOSTS = new URL(server.url).host;
    await saveWorkflow(t.db, { name: "race-child", tasks: [{ key: "c", type: "transform", params: { output: 1 } }] }, "test");
  });
  afterAll(async () => {
    delete process.env.FLOWDECK_HTTP_ALLOWED_HOSTS;
    await server?.close();
    await t?.cleanup();
  });

  it.each(TYPES)("%s: no TASK_STARTED after TASK_CANCELLED, no side effect", async (type) => {
    const name = `race-${type}`;
    await saveWorkflow(t.db, { name, tasks: [{ key: "work", ...taskOfType(type, `${server.url}/${type}`) }] }, "test");
    const { id } = await startExecution(t.db, { workflow: name }, "test");
    await runDecisionStep(t.db, id);
    const now = new Date();
    const claimed = (await claimDueTasks(t.db, provider, ENGINE, now, new Date(now.getTime() + 60_000), 100, { shellEnabled: true })).filter((c) => c.executionId === id);
    expect(claimed).toHaveLength(1);
    // The state a decision step hands to its runner, read before the cancel.
    const handed = (await loadState(t.db, id))!;
    await terminateExecution(t.db, id, { actor: "alice", reason: "changed my mind" });

    await runClaimedTask(t.db, { ...claimed[0]!, leaseExpiresAt: new Date(now.getTime() + 60_000) }, { engineId: ENGINE, shellEnabled: true, leaseMs: 60_000 }, handed);

    const events = await listExecutionEvents(t.db, id);
    expect(events.filter((event) => event.taskKey === "work").map((event) => event.type)).toEqual(["TASK_SCHEDULED", "TASK_CANCELLED"]);
    expect(events.at(-1)!.type).toBe("EXECUTION_TERMINATED");
    const execution = await getExecution(t.db, id);
    expect(execution.status).toBe("TERMINATED");
    expect(execution.tasks.filter((task) => task.taskKey === "work").map((task) => task.attempts.map((a) => a.status))).toEqual([["CANCELLED"]]);
    expect(server.requests.filter((request) => request.path === `/${type}`)).toEqual([]);
    expect(await t.db.execution.count({ where: { parentExecutionId: id } })).toBe(0);
  });
});
