// POST /api/workflows/test's service on both databases (issue 14, point 4): the real engine on a
// throwaway database with mocked tasks; nothing of the run is left in the server's database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { ServiceError } from "@/lib/services/errors";
import { searchExecutions } from "@/lib/services/execution-search";
import { runWorkflowTest } from "@/lib/services/workflow-test/run";
import { workflowTestRequestSchema, workflowTestResultSchema, type WorkflowTestResult } from "@/lib/services/workflow-test/schema";
import { renderMetrics } from "@/lib/metrics/render";

const metricsText = async () => (await renderMetrics()).text;

const orders = {
  name: "orders-under-test",
  tasks: [
    { key: "fetch", type: "http", params: { url: "https://orders.invalid/api", method: "GET" }, retry: { maximumAttempts: 3, backoff: "fixed", initialIntervalMs: 10 } },
    { key: "total", type: "transform", dependsOn: ["fetch"], params: { output: "{% $sum($tasks.fetch.output.items.price) %}" } },
    { key: "route", type: "switch", dependsOn: ["total"], params: { cases: [{ name: "big", when: "{% $tasks.total.output > 100 %}", next: ["approve"] }], default: ["ship"] } },
    { key: "approve", type: "worker", dependsOn: ["route"], params: { taskType: "approve_order" } },
    { key: "ship", type: "transform", dependsOn: ["route"], params: { output: "shipped" } },
  ],
  output: { total: "{% $tasks.total.output %}", shipped: "{% $tasks.ship.output %}", approved: "{% $tasks.approve.output %}" },
};

const items = (...prices: number[]) => ({ output: { items: prices.map((price) => ({ price })) } });
const taskOf = (result: WorkflowTestResult, key: string) => result.tasks.find((task) => task.key === key && task.mapIndex === -1)!;

async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe.each(TEST_PROVIDERS)("workflow test runs on %s", (provider) => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await createEngineHarness(provider);
  });
  afterAll(async () => h?.cleanup());

  const test = (body: unknown) => runWorkflowTest(h.db, workflowTestRequestSchema.parse(body), "tester");

  it("a mocked output flows into the downstream transforms, switch and output; the answer fits its schema", async () => {
    const result = await test({ definition: orders, mocks: { fetch: items(10, 20), approve: { output: "yes" } } });
    expect(workflowTestResultSchema.parse(result)).toBeTruthy();
    expect(result.status).toBe("COMPLETED");
    expect(result.timedOut).toBe(false);
    expect(result.output).toEqual({ total: 30, shipped: "shipped", approved: null });
    expect(taskOf(result, "total")).toMatchObject({ status: "COMPLETED", mocked: false, attempts: [{ status: "COMPLETED", output: 30 }] });
    expect(taskOf(result, "approve").status).toBe("SKIPPED");
    expect(taskOf(result, "fetch")).toMatchObject({ type: "http", mocked: true, attempts: [{ attempt: 1, status: "COMPLETED" }] });
  });

  it("an error then an output: the retry policy retries and the run completes on the second attempt", async () => {
    const result = await test({
      definition: orders,
      mocks: { fetch: [{ error: { code: "HTTP_503", message: "unavailable" } }, items(100, 50)], approve: { output: "approved by mock" } },
    });
    expect(result.status).toBe("COMPLETED");
    const fetch = taskOf(result, "fetch");
    expect(fetch.status).toBe("COMPLETED");
    expect(fetch.attempts.map((attempt) => attempt.status)).toEqual(["FAILED", "COMPLETED"]);
    expect(fetch.attempts[0]!.error).toMatchObject({ code: "HTTP_503", message: "unavailable" });
    expect(result.output).toEqual({ total: 150, shipped: null, approved: "approved by mock" });
  });

  it("errors past the retry policy fail the run, naming the error", async () => {
    const result = await test({ definition: orders, mocks: { fetch: { error: { code: "HTTP_500", message: "down" } }, approve: { output: 1 } } });
    expect(result.status).toBe("FAILED");
    expect(taskOf(result, "fetch").attempts).toHaveLength(3);
    expect(taskOf(result, "total").status).toBe("UPSTREAM_FAILED");
  });

  it("a delay longer than the attempt's timeout is timed out by the engine", async () => {
    const slow = { name: "slow-under-test", tasks: [{ key: "call", type: "worker", params: { taskType: "x" }, timeouts: { startToCloseMs: 100 } }] };
    const result = await test({ definition: slow, mocks: { call: { delay: 2000, output: 1 } } });
    expect(result.status).toBe("FAILED");
    expect(taskOf(result, "call").attempts[0]!.status).toBe("TIMED_OUT");
  });

  it("a map's mock applies to each item; a subworkflow in allowReal runs the stored child in the throwaway database", async () => {
    await h.save({ name: "wt-child", tasks: [{ key: "triple", type: "transform", params: { output: "{% $input.n * 3 %}" } }], output: "{% $tasks.triple.output %}" });
    const parent = {
      name: "wt-parent",
      tasks: [
        { key: "each", type: "map", params: { items: [1, 2, 3], task: { type: "worker", params: { taskType: "x" }, retry: { maximumAttempts: 2, backoff: "fixed", initialIntervalMs: 10 } } } },
        { key: "child", type: "subworkflow", params: { workflow: "wt-child", input: { n: 5 } } },
        { key: "sum", type: "transform", dependsOn: ["each", "child"], params: { output: "{% $count($keys($tasks.each.output.success)) + $tasks.child.output %}" } },
      ],
      output: "{% $tasks.sum.output %}",
    };
    expect((await refusal(test({ definition: parent, mocks: { each: { output: 1 } } }))).details).toEqual([expect.objectContaining({ path: "tasks[1]" })]);
    const result = await test({ definition: parent, mocks: { each: [{ error: { message: "flaky" } }, { output: "ok" }] }, allowReal: ["child"] });
    expect(result.status).toBe("COMPLETED");
    const items = result.tasks.filter((task) => task.key === "each" && task.mapIndex >= 0);
    expect(items.map((item) => item.attempts.map((attempt) => attempt.status))).toEqual([["FAILED", "COMPLETED"], ["FAILED", "COMPLETED"], ["FAILED", "COMPLETED"]]);
    expect(result.output).toBe(18); // three items succeeded on their second attempt + the real child's 5 × 3
    expect(await h.db.execution.count()).toBe(0);
  });

  it("refuses unmocked http and worker tasks, naming them, and runs nothing", async () => {
    const error = await refusal(test({ definition: orders, mocks: {} }));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toContain("fetch, approve");
    expect(error.details.map((detail) => detail.path)).toEqual(["tasks[0]", "tasks[3]"]);
    expect((await refusal(test({ definition: orders, mocks: { fetch: items(1) } }))).details).toEqual([expect.objectContaining({ path: "tasks[3]" })]);
  });

  it("refuses a mock or an allowReal entry for an unknown task key, naming it", async () => {
    const error = await refusal(test({ definition: orders, mocks: { fetch: items(1), approve: { output: 1 }, fecth: { output: 1 } }, allowReal: ["nope"] }));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.details).toEqual([
      { path: "mocks.fecth", message: "workflow 'orders-under-test' has no task 'fecth'" },
      { path: "allowReal[0]", message: "workflow 'orders-under-test' has no task 'nope'" },
    ]);
  });

  it("refuses an invalid definition with its problems' paths, and a request with both definition and workflow", async () => {
    const invalid = await refusal(test({ definition: { name: "broken", tasks: [{ key: "a", type: "transform", dependsOn: ["ghost"], params: { output: 1 } }] } }));
    expect(invalid.code).toBe("VALIDATION_FAILED");
    expect(invalid.details.some((detail) => detail.path.startsWith("definition") || detail.path.startsWith("tasks"))).toBe(true);
    expect(workflowTestRequestSchema.safeParse({ definition: orders, workflow: "x" }).success).toBe(false);
  });

  it("tests a saved workflow by name; the throwaway run is not in the executions list nor the metrics, and the saved workflow is unchanged", async () => {
    await h.save({ ...orders, name: "orders-saved" });
    const before = await metricsText();
    const result = await test({ workflow: "orders-saved", mocks: { fetch: items(1), approve: { output: 1 } } });
    expect(result).toMatchObject({ status: "COMPLETED", workflow: { name: "orders-saved", version: 1 } });
    expect((await searchExecutions(h.db, {})).executions).toEqual([]);
    expect(await h.db.execution.count()).toBe(0);
    expect(await h.db.executionEvent.count()).toBe(0);
    expect(await h.db.workflowDefinition.count({ where: { name: "orders-saved" } })).toBe(1);
    expect(countOf(before, "orders-saved")).toBe(0);
    expect(countOf(await metricsText(), "orders-saved")).toBe(0);
    const missing = await refusal(test({ workflow: "no-such-workflow" }));
    expect(missing.code).toBe("NOT_FOUND");
  });
});

/** Lines of the metrics that name the workflow (executions started, ended, tasks). */
function countOf(text: string, workflow: string): number {
  return text.split("\n").filter((line) => line.includes(`workflow="${workflow}"`)).length;
}
