// map and subworkflow tasks end to end on both databases: items with $item/$index, the concurrency
// limit, collect and failFast modes, bad and empty item lists; child executions linked both ways,
// pinned versions, child failures and cancellation of children.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { getExecution, type ExecutionEventView } from "@/lib/services/executions";
import { eventsOf, itemsOf, ms, run, saveWorkflow, sendJson, sleep, startTestServer, taskOf, typesOf, uniqueName } from "./engine-task-types.support";

/** Most map items live at once, replaying the event history in commit order (scheduled → ended). */
function maxLiveItems(events: ExecutionEventView[], taskKey: string): number {
  const ends = new Set(["TASK_COMPLETED", "TASK_FAILED", "TASK_TIMED_OUT", "TASK_CANCELLED", "TASK_SKIPPED"]);
  const live = new Set<number>();
  let max = 0;
  for (const event of events) {
    if (event.taskKey !== taskKey || event.mapIndex === null) continue;
    if (event.type === "TASK_SCHEDULED" || event.type === "TASK_RETRY_SCHEDULED") live.add(event.mapIndex);
    else if (ends.has(event.type)) live.delete(event.mapIndex);
    max = Math.max(max, live.size);
  }
  return max;
}

/** Most attempts overlapping in time ([startedAt, endedAt)). */
function maxOverlap(intervals: Array<[number, number]>): number {
  const points = intervals.flatMap(([start, end]) => [[start, 1] as const, [end, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let max = 0;
  for (const [, delta] of points) max = Math.max(max, (current += delta));
  return max;
}

describe.each(TEST_PROVIDERS)("map and subworkflow tasks on %s", (provider) => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await createEngineHarness(provider);
    // The http items call local test servers on random ports: open 127.0.0.1 (loopback is refused by default).
    process.env.FLOWDECK_HTTP_ALLOWED_HOSTS = "127.0.0.1";
  });
  afterAll(async () => {
    delete process.env.FLOWDECK_HTTP_ALLOWED_HOSTS;
    await h?.cleanup();
  });

  describe("map", () => {
    it("runs an inline transform per item with $item and $index; output { success, failure }", async () => {
      const execution = await run(h, "map-transform", {
        tasks: [
          {
            key: "each",
            type: "map",
            params: {
              items: "{% $input.list %}",
              concurrency: 2,
              task: { type: "transform", params: { output: { value: "{% $uppercase($item) %}", index: "{% $index %}" } } },
            },
          },
          { key: "after", type: "transform", dependsOn: ["each"], params: { output: "{% $tasks.each.output.success.`2`.value %}" } },
        ],
      }, { list: ["a", "b", "c"] });
      expect(execution.status).toBe("COMPLETED");
      const map = taskOf(execution, "each");
      expect(map.status).toBe("COMPLETED");
      expect(map.attempts[0]!.output).toEqual({
        success: { "0": { value: "A", index: 0 }, "1": { value: "B", index: 1 }, "2": { value: "C", index: 2 } },
        failure: {},
      });
      expect(map.attempts[0]!.input).toEqual({ items: ["a", "b", "c"] });
      const items = itemsOf(execution, "each");
      expect(items.map((item) => [item.mapIndex, item.taskType, item.status])).toEqual([[0, "transform", "COMPLETED"], [1, "transform", "COMPLETED"], [2, "transform", "COMPLETED"]]);
      expect(items[1]!.attempts[0]!.input).toEqual({ item: "b", index: 1 });
      expect(taskOf(execution, "after").attempts[0]!.output).toBe("C");
      const events = await eventsOf(h.db, execution.id);
      expect(maxLiveItems(events, "each")).toBeLessThanOrEqual(2);
      expect(typesOf(events, "each")).toEqual(["TASK_SCHEDULED", "TASK_STARTED", "TASK_COMPLETED"]);
      expect(typesOf(events, "each", 0)).toEqual(["TASK_SCHEDULED", "TASK_STARTED", "TASK_COMPLETED"]);
    });

    it("concurrency 2: never more than two items run at once", async () => {
      const server = await startTestServer(async (_request, response) => {
        await sleep(60);
        sendJson(response, 200, { ok: true });
      });
      try {
        const execution = await run(h, "map-concurrency", {
          tasks: [
            {
              key: "calls",
              type: "map",
              params: {
                items: [10, 11, 12, 13, 14, 15],
                concurrency: 2,
                task: { type: "http", params: { url: "{% $input.base & '/item/' & $string($item) %}", query: { index: "{% $index %}" } } },
              },
            },
          ],
        }, { base: server.url });
        expect(execution.status).toBe("COMPLETED");
        const items = itemsOf(execution, "calls");
        expect(items.map((item) => item.status)).toEqual(Array(6).fill("COMPLETED"));
        expect(server.requests.map((r) => r.path).sort()).toEqual(["/item/10", "/item/11", "/item/12", "/item/13", "/item/14", "/item/15"]);
        expect(server.requests.find((r) => r.path === "/item/13")!.query).toEqual({ index: "3" });
        // Three independent views of the limit: the server, the attempts' times, the event history.
        expect(server.maxInFlight()).toBeLessThanOrEqual(2);
        expect(maxOverlap(items.map((item) => [ms(item.attempts[0]!.startedAt), ms(item.attempts[0]!.endedAt)]))).toBeLessThanOrEqual(2);
        expect(maxLiveItems(await eventsOf(h.db, execution.id), "calls")).toBeLessThanOrEqual(2);
        expect(Object.keys((taskOf(execution, "calls").attempts[0]!.output as { success: object }).success)).toHaveLength(6);
      } finally {
        await server.close();
      }
    });

    it("collect mode: failed items land in failure, the map completes", async () => {
      const execution = await run(h, "map-collect", {
        tasks: [
          {
            key: "each",
            type: "map",
            params: { items: [1, 2, 3], task: { type: "transform", params: { output: '{% $item = 2 ? $error("two is bad") : $item * 10 %}' } } },
          },
        ],
      });
      expect(execution.status).toBe("COMPLETED");
      const output = taskOf(execution, "each").attempts[0]!.output as { success: Record<string, unknown>; failure: Record<string, { code: string; message: string }> };
      expect(output.success).toEqual({ "0": 10, "2": 30 });
      expect(Object.keys(output.failure)).toEqual(["1"]);
      expect(output.failure["1"]).toMatchObject({ code: "EXPRESSION_ERROR", message: expect.stringContaining("two is bad") });
    });

    it("each item follows the item task's retry policy", async () => {
      const calls = new Map<string, number>();
      const server = await startTestServer((request, response) => {
        const n = (calls.get(request.path) ?? 0) + 1;
        calls.set(request.path, n);
        // Item "b" fails on its first call only; item "c" always fails.
        if ((request.path === "/item/b" && n === 1) || request.path === "/item/c") return sendJson(response, 503, { call: n });
        sendJson(response, 200, { call: n });
      });
      try {
        const execution = await run(h, "map-item-retry", {
          tasks: [
            {
              key: "calls",
              type: "map",
              params: {
                items: ["a", "b", "c"],
                task: { type: "http", params: { url: "{% $input.base & '/item/' & $item %}" }, retry: { maximumAttempts: 2, initialIntervalMs: 50 } },
              },
            },
          ],
        }, { base: server.url });
        expect(execution.status).toBe("COMPLETED");
        const items = itemsOf(execution, "calls");
        expect(items.map((item) => item.attempts.map((a) => a.status))).toEqual([["COMPLETED"], ["FAILED", "COMPLETED"], ["FAILED", "FAILED"]]);
        expect(ms(items[1]!.attempts[1]!.startedAt) - ms(items[1]!.attempts[0]!.endedAt)).toBeGreaterThanOrEqual(50);
        const output = taskOf(execution, "calls").attempts[0]!.output as { success: Record<string, unknown>; failure: Record<string, unknown> };
        expect(Object.keys(output.success).sort()).toEqual(["0", "1"]);
        expect(output.success["1"]).toMatchObject({ body: { call: 2 } });
        expect(output.failure["2"]).toMatchObject({ code: "HTTP_503" });
        const events = await eventsOf(h.db, execution.id);
        expect(typesOf(events, "calls", 1)).toEqual(["TASK_SCHEDULED", "TASK_STARTED", "TASK_FAILED", "TASK_RETRY_SCHEDULED", "TASK_STARTED", "TASK_COMPLETED"]);
      } finally {
        await server.close();
      }
    });

    it("failFast: the first failed item fails the map; the rest are CANCELLED or never start", async () => {
      const server = await startTestServer(async (request, response) => {
        if (request.path === "/item/1") return sendJson(response, 500, { error: "item one broke" });
        await sleep(20_000); // the others hang until the server closes
        sendJson(response, 200, {});
      });
      try {
        const execution = await run(h, "map-fail-fast", {
          tasks: [
            {
              key: "calls",
              type: "map",
              params: {
                items: [0, 1, 2, 3, 4, 5],
                concurrency: 2,
                failFast: true,
                task: { type: "http", params: { url: "{% $input.base & '/item/' & $string($item) %}" } },
              },
            },
            { key: "after", type: "transform", dependsOn: ["calls"], params: { output: 1 } },
          ],
        }, { base: server.url });
        expect(execution.status).toBe("FAILED");
        const map = taskOf(execution, "calls");
        expect(map.status).toBe("FAILED");
        expect(map.attempts[0]!.error).toMatchObject({ code: "MAP_ITEM_FAILED", message: expect.stringContaining("item 1 failed"), details: { index: 1, error: { code: "HTTP_500" } } });
        const items = itemsOf(execution, "calls");
        expect(items.find((item) => item.mapIndex === 1)!.status).toBe("FAILED");
        expect(items.find((item) => item.mapIndex === 0)!.status).toBe("CANCELLED");
        for (const item of items.filter((i) => i.mapIndex >= 2)) expect(item.status).toBe("CANCELLED");
        expect(server.requests.filter((r) => !["/item/0", "/item/1"].includes(r.path))).toEqual([]);
        expect(taskOf(execution, "after").status).toBe("UPSTREAM_FAILED");
        const events = await eventsOf(h.db, execution.id);
        expect(events.find((e) => e.type === "TASK_CANCELLED" && e.mapIndex === 0)).toMatchObject({ reason: "map_failed" });
      } finally {
        await server.close();
      }
    });

    it("items that are not a list fail with ITEMS_NOT_A_LIST", async () => {
      const execution = await run(h, "map-not-list", {
        tasks: [{ key: "each", type: "map", params: { items: "{% $input.items %}", task: { type: "transform", params: { output: 1 } } } }],
      }, { items: "abc" });
      expect(execution.status).toBe("FAILED");
      expect(taskOf(execution, "each").attempts[0]!.error).toMatchObject({ code: "ITEMS_NOT_A_LIST", message: expect.stringContaining("got string") });
      expect(itemsOf(execution, "each")).toEqual([]);
    });

    it.each([
      { how: "a literal", items: [] as unknown },
      { how: "an expression", items: "{% $input.list %}" as unknown },
    ])("an empty list ($how) completes with empty maps", async ({ items }) => {
      const execution = await run(h, "map-empty", {
        tasks: [
          { key: "each", type: "map", params: { items, task: { type: "transform", params: { output: 1 } } } },
          { key: "after", type: "transform", dependsOn: ["each"], params: { output: "{% $tasks.each.output %}" } },
        ],
      }, { list: [] });
      expect(execution.status).toBe("COMPLETED");
      expect(taskOf(execution, "each").attempts[0]!.output).toEqual({ success: {}, failure: {} });
      expect(itemsOf(execution, "each")).toEqual([]);
      expect(taskOf(execution, "after").status).toBe("COMPLETED");
    });
    // Defect (issue 10): with the map as the workflow's last task, decide completes the map and the
    // execution in one step, and the output mapping was evaluated on the rows before that step, so
    // `$tasks.<map>.output` was still empty.
    it("a map as the last task: the workflow's output mapping reads its { success, failure }", async () => {
      const execution = await run(h, "map-last-mapped", {
        tasks: [
          { key: "prep", type: "transform", params: { output: { factor: 10 } } },
          {
            key: "each",
            type: "map",
            dependsOn: ["prep"],
            params: { items: "{% $input.list %}", task: { type: "transform", params: { output: "{% $item * $tasks.prep.output.factor %}" } } },
          },
        ],
        output: { all: "{% $tasks.each.output %}", second: "{% $tasks.each.output.success.`1` %}", status: "{% $tasks.each.status %}" },
      }, { list: [1, 2, 3] });
      expect(execution.status).toBe("COMPLETED");
      const expected = { success: { "0": 10, "1": 20, "2": 30 }, failure: {} };
      expect(taskOf(execution, "each").attempts[0]!.output).toEqual(expected);
      expect(execution.output).toEqual({ all: expected, second: 20, status: "COMPLETED" });
    });

    it("a map as the last task, no output mapping: the execution's output has the map's output", async () => {
      const execution = await run(h, "map-last-unmapped", {
        tasks: [{ key: "each", type: "map", params: { items: ["x", "y"], task: { type: "transform", params: { output: "{% $uppercase($item) %}" } } } }],
      });
      expect(execution.status).toBe("COMPLETED");
      expect(execution.output).toEqual({ each: { success: { "0": "X", "1": "Y" }, failure: {} } });
    });

    it("an empty map as the last task: the output mapping reads its empty output", async () => {
      const execution = await run(h, "map-last-empty", {
        tasks: [{ key: "each", type: "map", params: { items: [], task: { type: "transform", params: { output: 1 } } } }],
        output: { all: "{% $tasks.each.output %}" },
      });
      expect(execution.status).toBe("COMPLETED");
      expect(execution.output).toEqual({ all: { success: {}, failure: {} } });
    });
  });

  describe("subworkflow", () => {
    let child: string;
    beforeAll(async () => {
      child = uniqueName("child");
      await h.save({
        name: child,
        tasks: [{ key: "double", type: "transform", params: { output: { doubled: "{% $input.n * 2 %}", version: 1 } } }],
        output: { result: "{% $tasks.double.output.doubled %}", version: "{% $tasks.double.output.version %}" },
      });
      await h.save({
        name: child,
        tasks: [{ key: "double", type: "transform", params: { output: { doubled: "{% $input.n * 2 %}", version: 2 } } }],
        output: { result: "{% $tasks.double.output.doubled %}", version: "{% $tasks.double.output.version %}" },
      });
    });

    it("runs a child execution linked both ways; the task's output is the child's output", async () => {
      const execution = await run(h, "sub-parent", {
        tasks: [
          { key: "sub", type: "subworkflow", params: { workflow: child, input: { n: "{% $input.n %}" } } },
          { key: "after", type: "transform", dependsOn: ["sub"], params: { output: "{% $tasks.sub.output.result + 1 %}" } },
        ],
      }, { n: 21 });
      expect(execution.status).toBe("COMPLETED");
      const sub = taskOf(execution, "sub").attempts[0]!;
      expect(sub.status).toBe("COMPLETED");
      expect(sub.output).toEqual({ result: 42, version: 2 });
      expect(taskOf(execution, "after").attempts[0]!.output).toBe(43);

      const children = await h.db.execution.findMany({ where: { parentExecutionId: execution.id } });
      expect(children).toHaveLength(1);
      const childView = await getExecution(h.db, children[0]!.id);
      expect(childView).toMatchObject({ workflowName: child, workflowVersion: 2, status: "COMPLETED", parentExecutionId: execution.id, parentTaskRunId: sub.id, input: { n: 21 } });
      expect(childView.output).toEqual(sub.output);

      const events = await eventsOf(h.db, execution.id);
      expect(events.find((e) => e.taskKey === "sub" && e.type === "TASK_STARTED")!.payload).toMatchObject({ childExecutionId: childView.id });
      expect(events.find((e) => e.taskKey === "sub" && e.type === "TASK_COMPLETED")!.payload).toMatchObject({ childExecutionId: childView.id });
      const childEvents = await eventsOf(h.db, childView.id);
      expect(childEvents[0]).toMatchObject({ type: "EXECUTION_CREATED", payload: { parentExecutionId: execution.id, parentTaskKey: "sub" } });
      expect(childEvents.at(-1)!.type).toBe("EXECUTION_COMPLETED");
    });

    it("runs the pinned version when one is given", async () => {
      const execution = await run(h, "sub-pinned", { tasks: [{ key: "sub", type: "subworkflow", params: { workflow: child, version: 1, input: { n: 1 } } }] });
      expect(execution.status).toBe("COMPLETED");
      expect(taskOf(execution, "sub").attempts[0]!.output).toEqual({ result: 2, version: 1 });
    });

    it("a failed child fails the parent task with CHILD_FAILED", async () => {
      const failing = await saveWorkflow(h, "child-fails", { tasks: [{ key: "broken", type: "transform", params: { output: '{% $error("child broke") %}' } }] });
      const execution = await run(h, "sub-child-fails", { tasks: [{ key: "sub", type: "subworkflow", params: { workflow: failing } }] });
      expect(execution.status).toBe("FAILED");
      const sub = taskOf(execution, "sub").attempts[0]!;
      expect(sub.status).toBe("FAILED");
      expect(sub.error).toMatchObject({ code: "CHILD_FAILED", message: expect.stringContaining("child broke") });
      const [childRow] = await h.db.execution.findMany({ where: { parentExecutionId: execution.id } });
      expect(childRow!.status).toBe("FAILED");
      expect(sub.error).toMatchObject({ details: { childExecutionId: childRow!.id } });
      expect(execution.error).toMatchObject({ taskKey: "sub" });
    });

    it("a child ended by a terminate task settles the parent task (COMPLETED: its output; FAILED: CHILD_FAILED)", async () => {
      const terminating = await saveWorkflow(h, "child-terminates", {
        tasks: [{ key: "stop", type: "terminate", params: { status: "COMPLETED", reason: "early", output: { early: true } } }],
      });
      const failing = await saveWorkflow(h, "child-terminates-failed", { tasks: [{ key: "stop", type: "terminate", params: { status: "FAILED", reason: "refused by child" } }] });
      const execution = await run(h, "sub-terminated-child", {
        tasks: [
          { key: "ok", type: "subworkflow", params: { workflow: terminating } },
          { key: "refused", type: "subworkflow", params: { workflow: failing } },
        ],
      });
      expect(execution.status).toBe("FAILED");
      expect(taskOf(execution, "ok").attempts[0]!).toMatchObject({ status: "COMPLETED", output: { early: true } });
      expect(taskOf(execution, "refused").attempts[0]!.error).toMatchObject({ code: "CHILD_FAILED", message: expect.stringContaining("refused by child") });
    });

    it("an unknown child workflow fails with WORKFLOW_NOT_FOUND", async () => {
      // Starting a workflow that runs an unknown one is refused (workflow-references.test.ts); a
      // child's own references are not checked at the root's start, so the engine meets them.
      const middle = await saveWorkflow(h, "sub-unknown-middle", {
        tasks: [
          { key: "sub", type: "subworkflow", params: { workflow: "no-such-workflow" } },
          { key: "sub_v", type: "subworkflow", params: { workflow: child, version: 99 } },
        ],
      });
      const root = await run(h, "sub-unknown", { tasks: [{ key: "middle", type: "subworkflow", params: { workflow: middle } }] });
      expect(root.status).toBe("FAILED");
      const [execution] = await h.db.execution.findMany({ where: { parentExecutionId: root.id } });
      const view = await getExecution(h.db, execution!.id);
      expect(view.status).toBe("FAILED");
      expect(taskOf(view, "sub").attempts[0]!.error).toMatchObject({ code: "WORKFLOW_NOT_FOUND", message: expect.stringContaining("no-such-workflow") });
      expect(taskOf(view, "sub_v").attempts[0]!.error).toMatchObject({ code: "WORKFLOW_NOT_FOUND", message: expect.stringContaining("version 99") });
      expect(await h.db.execution.count({ where: { parentExecutionId: view.id } })).toBe(0);
    });

    it("a child outliving its task's startToCloseMs is terminated with it", async () => {
      const slow = await saveWorkflow(h, "child-slow", { tasks: [{ key: "pause", type: "wait", params: { durationMs: 30_000 } }] });
      const execution = await run(h, "sub-start-to-close", {
        tasks: [{ key: "sub", type: "subworkflow", params: { workflow: slow }, timeouts: { startToCloseMs: 200 } }],
      });
      expect(execution.status).toBe("FAILED");
      const sub = taskOf(execution, "sub").attempts[0]!;
      expect(sub.status).toBe("TIMED_OUT");
      expect(sub.error).toMatchObject({ code: "START_TO_CLOSE_TIMEOUT" });
      const [childRow] = await h.db.execution.findMany({ where: { parentExecutionId: execution.id } });
      const childView = await getExecution(h.db, childRow!.id);
      expect(childView.status).toBe("TERMINATED");
      expect(taskOf(childView, "pause").status).toBe("CANCELLED");
    });

    it("the parent's workflow timeout terminates its running child", async () => {
      const slow = await saveWorkflow(h, "child-slow", { tasks: [{ key: "pause", type: "wait", params: { durationMs: 30_000 } }] });
      const execution = await run(h, "sub-parent-timeout", { timeoutMs: 250, tasks: [{ key: "sub", type: "subworkflow", params: { workflow: slow } }] });
      expect(execution.status).toBe("TIMED_OUT");
      expect(taskOf(execution, "sub").status).toBe("CANCELLED");
      const [childRow] = await h.db.execution.findMany({ where: { parentExecutionId: execution.id } });
      expect(childRow!.status).toBe("TERMINATED");
      const childEvents = await eventsOf(h.db, childRow!.id);
      expect(typesOf(childEvents, "pause").at(-1)).toBe("TASK_CANCELLED");
      expect(childEvents.at(-1)!.type).toBe("EXECUTION_TERMINATED");
    });
  });
});
