// Control flow end to end on both databases: transform, when (skip propagation), switch, trigger
// rules, terminate, the workflow timeout, and the event history of each.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { startExecution } from "@/lib/services/executions";
import { eventsOf, ms, run, saveWorkflow, taskOf, typesOf } from "./engine-task-types.support";

describe.each(TEST_PROVIDERS)("control flow on %s", (provider) => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await createEngineHarness(provider);
  });
  afterAll(async () => h?.cleanup());

  describe("transform", () => {
    it("evaluates its output template with $input, $tasks, $vars and $execution", async () => {
      const workflow = await saveWorkflow(h, "transform", {
        variables: { greeting: "Hello", factor: 3 },
        tasks: [
          { key: "a", type: "transform", params: { output: { n: "{% $input.n * $vars.factor %}" } } },
          {
            key: "b",
            type: "transform",
            dependsOn: ["a"],
            input: { fromA: "{% $tasks.a.output.n %}" },
            params: {
              output: {
                tripled: "{% $tasks.a.output.n %}",
                text: "{% $vars.greeting & ', ' & $input.who %}",
                executionId: "{% $execution.id %}",
                workflow: "{% $execution.name %}",
                list: ["{% $input.n %}", "plain", { nested: "{% $input.who %}" }],
              },
            },
          },
        ],
        output: { result: "{% $tasks.b.output %}", status: "{% $tasks.b.status %}" },
      });
      const execution = await startExecution(h.db, { workflow, input: { n: 7, who: "Ada" }, waitSeconds: 20 }, "test");
      expect(execution.status).toBe("COMPLETED");
      expect(taskOf(execution, "a").attempts[0]!.output).toEqual({ n: 21 });
      const b = taskOf(execution, "b").attempts[0]!;
      expect(b.input).toEqual({ fromA: 21 });
      const expected = { tripled: 21, text: "Hello, Ada", executionId: execution.id, workflow, list: [7, "plain", { nested: "Ada" }] };
      expect(b.output).toEqual(expected);
      expect(execution.output).toEqual({ result: expected, status: "COMPLETED" });
    });

    it("a broken expression at run time fails with EXPRESSION_ERROR naming its path", async () => {
      const execution = await run(h, "transform-broken", {
        tasks: [
          { key: "raises", type: "transform", params: { output: { ok: 1, bad: '{% $error("boom") %}' } } },
          { key: "mistyped", type: "transform", params: { output: { sum: "{% $input.n + $input.word %}" } } },
          { key: "after", type: "transform", dependsOn: ["raises"], params: { output: 1 } },
        ],
      }, { n: 1, word: "one" });
      expect(execution.status).toBe("FAILED");
      const raises = taskOf(execution, "raises").attempts[0]!;
      expect(raises.status).toBe("FAILED");
      expect(raises.error).toMatchObject({ code: "EXPRESSION_ERROR" });
      expect((raises.error as { message: string }).message).toContain("tasks.raises.params.output.bad");
      expect((raises.error as { message: string }).message).toContain("boom");
      const mistyped = taskOf(execution, "mistyped").attempts[0]!;
      expect(mistyped.error).toMatchObject({ code: "EXPRESSION_ERROR", message: expect.stringContaining("tasks.mistyped.params.output.sum") });
      expect(taskOf(execution, "after").status).toBe("UPSTREAM_FAILED");
      const events = await eventsOf(h.db, execution.id);
      expect(typesOf(events, "after")).toEqual(["TASK_UPSTREAM_FAILED"]);
    });

    it("a broken input mapping fails the task with the path of the input", async () => {
      const execution = await run(h, "transform-bad-input", {
        tasks: [{ key: "t", type: "transform", input: { x: '{% $error("no input") %}' }, params: { output: 1 } }],
      });
      expect(execution.status).toBe("FAILED");
      expect(taskOf(execution, "t").attempts[0]!.error).toMatchObject({ code: "EXPRESSION_ERROR", message: expect.stringContaining("tasks.t.input.x") });
    });
  });

  describe("when", () => {
    const definition = {
      tasks: [
        { key: "start", type: "transform", params: { output: "go" } },
        { key: "gated", type: "transform", dependsOn: ["start"], when: "{% $input.go %}", params: { output: "ran" } },
        { key: "after", type: "transform", dependsOn: ["gated"], params: { output: "after" } },
        { key: "last", type: "transform", dependsOn: ["after"], params: { output: "last" } },
        { key: "independent", type: "transform", dependsOn: ["start"], params: { output: "independent" } },
      ],
    };

    it("false: the task is SKIPPED and the skip propagates downstream; the execution completes", async () => {
      const execution = await run(h, "when-false", definition, { go: false });
      expect(execution.status).toBe("COMPLETED");
      expect(taskOf(execution, "start").status).toBe("COMPLETED");
      expect(taskOf(execution, "gated").status).toBe("SKIPPED");
      expect(taskOf(execution, "after").status).toBe("SKIPPED");
      expect(taskOf(execution, "last").status).toBe("SKIPPED");
      expect(taskOf(execution, "independent").status).toBe("COMPLETED");
      const events = await eventsOf(h.db, execution.id);
      expect(typesOf(events, "gated")).toEqual(["TASK_SCHEDULED", "TASK_SKIPPED"]);
      expect(events.find((e) => e.taskKey === "gated" && e.type === "TASK_SKIPPED")!.reason).toContain("when");
      expect(events.find((e) => e.taskKey === "after" && e.type === "TASK_SKIPPED")!.reason).toContain("gated");
      expect(execution.output).toEqual({ start: "go", independent: "independent" });
    });

    it("true: the task and its dependents run", async () => {
      const execution = await run(h, "when-true", definition, { go: true });
      expect(execution.status).toBe("COMPLETED");
      for (const key of ["start", "gated", "after", "last", "independent"]) expect(taskOf(execution, key).status).toBe("COMPLETED");
      expect(taskOf(execution, "gated").attempts[0]!.output).toBe("ran");
    });
  });

  describe("switch", () => {
    const definition = {
      tasks: [
        {
          key: "route",
          type: "switch",
          params: {
            cases: [
              { name: "big", when: "{% $input.n > 10 %}", next: ["big"] },
              { name: "positive", when: "{% $input.n > 0 %}", next: ["small"] },
            ],
            default: ["other"],
          },
        },
        { key: "big", type: "transform", dependsOn: ["route"], params: { output: "big" } },
        { key: "small", type: "transform", dependsOn: ["route"], params: { output: "small" } },
        { key: "other", type: "transform", dependsOn: ["route"], params: { output: "other" } },
        {
          key: "join",
          type: "transform",
          dependsOn: ["big", "small", "other"],
          triggerRule: "none_failed",
          params: { output: "{% [$tasks.big.output, $tasks.small.output, $tasks.other.output] %}" },
        },
        { key: "strict_join", type: "transform", dependsOn: ["big", "small", "other"], params: { output: "never" } },
      ],
      output: { branch: "{% $tasks.route.output.branch %}", joined: "{% $tasks.join.output %}" },
    };

    it.each([
      { n: 50, taken: "big", branch: "big" },
      { n: 5, taken: "small", branch: "positive" },
      { n: -1, taken: "other", branch: "default" },
    ])("n = $n takes $taken (first matching case, else default); the rest is SKIPPED; a none_failed join runs", async ({ n, taken, branch }) => {
      const execution = await run(h, "switch", definition, { n });
      expect(execution.status).toBe("COMPLETED");
      expect(taskOf(execution, "route").attempts[0]!.output).toEqual({ branch });
      for (const key of ["big", "small", "other"]) expect(taskOf(execution, key).status).toBe(key === taken ? "COMPLETED" : "SKIPPED");
      expect(taskOf(execution, "join").status).toBe("COMPLETED");
      expect(taskOf(execution, "strict_join").status).toBe("SKIPPED");
      expect(execution.output).toEqual({ branch, joined: [taken] });
      const events = await eventsOf(h.db, execution.id);
      const untaken = ["big", "small", "other"].find((key) => key !== taken)!;
      expect(typesOf(events, untaken)).toEqual(["TASK_SKIPPED"]);
      expect(events.find((e) => e.taskKey === untaken)!.reason).toContain("branch not taken");
    });

    it("no case and no default: every branch is SKIPPED", async () => {
      const execution = await run(h, "switch-none", {
        tasks: [
          { key: "route", type: "switch", params: { cases: [{ name: "yes", when: "{% $input.flag %}", next: ["yes"] }] } },
          { key: "yes", type: "transform", dependsOn: ["route"], params: { output: 1 } },
        ],
      }, { flag: false });
      expect(execution.status).toBe("COMPLETED");
      expect(taskOf(execution, "route").attempts[0]!.output).toEqual({ branch: null });
      expect(taskOf(execution, "yes").status).toBe("SKIPPED");
    });
  });

  describe("trigger rules", () => {
    it("all_done runs after an upstream failure; all_success does not; one_success runs on one success", async () => {
      const execution = await run(h, "trigger-rules", {
        tasks: [
          { key: "bad", type: "transform", params: { output: '{% $error("bad on purpose") %}' } },
          { key: "good", type: "transform", params: { output: "good" } },
          { key: "cleanup", type: "transform", dependsOn: ["bad", "good"], triggerRule: "all_done", params: { output: "{% $tasks.bad.status %}" } },
          { key: "strict", type: "transform", dependsOn: ["bad", "good"], params: { output: "never" } },
          { key: "either", type: "transform", dependsOn: ["bad", "good"], triggerRule: "one_success", params: { output: "either" } },
          { key: "none", type: "transform", dependsOn: ["bad"], triggerRule: "one_success", params: { output: "never" } },
        ],
      });
      expect(execution.status).toBe("FAILED");
      expect(execution.error).toMatchObject({ taskKey: "bad" });
      expect(taskOf(execution, "cleanup").status).toBe("COMPLETED");
      expect(taskOf(execution, "cleanup").attempts[0]!.output).toBe("FAILED");
      expect(taskOf(execution, "strict").status).toBe("UPSTREAM_FAILED");
      expect(taskOf(execution, "either").status).toBe("COMPLETED");
      expect(taskOf(execution, "none").status).toBe("UPSTREAM_FAILED");
    });

    it("one_success starts as soon as one upstream completes, before the others end", async () => {
      const execution = await run(h, "one-success-early", {
        tasks: [
          { key: "fast", type: "transform", params: { output: 1 } },
          { key: "slow", type: "wait", params: { durationMs: 400 } },
          { key: "first", type: "transform", dependsOn: ["fast", "slow"], triggerRule: "one_success", params: { output: "first" } },
        ],
      });
      expect(execution.status).toBe("COMPLETED");
      expect(ms(taskOf(execution, "first").attempts[0]!.endedAt)).toBeLessThan(ms(taskOf(execution, "slow").attempts[0]!.endedAt));
    });
  });

  describe("terminate", () => {
    const definition = (status: string) => ({
      tasks: [
        { key: "slow", type: "wait", params: { durationMs: 30_000 } },
        { key: "check", type: "transform", params: { output: "{% $input.why %}" } },
        {
          key: "stop",
          type: "terminate",
          dependsOn: ["check"],
          params: { status, reason: "{% 'stopped: ' & $tasks.check.output %}", output: { why: "{% $input.why %}" } },
        },
        { key: "never", type: "transform", dependsOn: ["stop"], params: { output: 1 } },
      ],
    });

    it.each(["FAILED", "TERMINATED"])("ends the execution %s with the reason; other live tasks are CANCELLED", async (status) => {
      const execution = await run(h, "terminate", definition(status), { why: "no stock" });
      expect(execution.status).toBe(status);
      expect(execution.error).toMatchObject({ code: "TERMINATED_BY_TASK", message: "stopped: no stock", taskKey: "stop" });
      expect(execution.output).toEqual({ why: "no stock" });
      expect(taskOf(execution, "stop").status).toBe("COMPLETED");
      expect(taskOf(execution, "stop").attempts[0]!.output).toEqual({ status, reason: "stopped: no stock" });
      expect(taskOf(execution, "slow").status).toBe("CANCELLED");
      // The task it never reached ends CANCELLED, not PENDING forever (issue 12, point 15).
      expect(taskOf(execution, "never")).toMatchObject({ status: "CANCELLED", attempts: [{ attempt: 1, startedAt: null }] });
      const events = await eventsOf(h.db, execution.id);
      // check runs ahead in the start's transaction (lib/runtime/writes/decision-step.ts), so the
      // terminate may end the execution before the wait's runner started it, or after it waits.
      expect([
        ["TASK_SCHEDULED", "TASK_CANCELLED"],
        ["TASK_SCHEDULED", "TASK_STARTED", "TASK_WAITING", "TASK_CANCELLED"],
      ]).toContainEqual(typesOf(events, "slow"));
      const end = events.at(-1)!;
      expect(end).toMatchObject({ type: `EXECUTION_${status}`, reason: "stopped: no stock" });
      // Nothing happens after the end (the cancelled wait's timer never fires).
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await eventsOf(h.db, execution.id)).length).toBe(events.length);
    });

    it("status COMPLETED completes the execution with the terminate's output", async () => {
      const execution = await run(h, "terminate-ok", definition("COMPLETED"), { why: "done early" });
      expect(execution.status).toBe("COMPLETED");
      expect(execution.error).toBeNull();
      expect(execution.output).toEqual({ why: "done early" });
      expect(taskOf(execution, "slow").status).toBe("CANCELLED");
    });
  });

  describe("workflow timeout", () => {
    it("timeoutMs ends the execution TIMED_OUT and cancels its live tasks", async () => {
      const execution = await run(h, "workflow-timeout", {
        timeoutMs: 300,
        tasks: [
          { key: "done", type: "transform", params: { output: 1 } },
          { key: "slow", type: "wait", params: { durationMs: 30_000 } },
          { key: "after", type: "transform", dependsOn: ["slow"], params: { output: 1 } },
        ],
      });
      expect(execution.status).toBe("TIMED_OUT");
      expect(execution.error).toMatchObject({ code: "WORKFLOW_TIMEOUT" });
      expect(ms(execution.endedAt) - ms(execution.startedAt)).toBeGreaterThanOrEqual(300);
      expect(taskOf(execution, "done").status).toBe("COMPLETED");
      expect(taskOf(execution, "slow").status).toBe("CANCELLED");
      expect(taskOf(execution, "after")).toMatchObject({ status: "CANCELLED", attempts: [{ attempt: 1, startedAt: null }] });
      const events = await eventsOf(h.db, execution.id);
      expect(typesOf(events, "slow").at(-1)).toBe("TASK_CANCELLED");
      expect(typesOf(events, null).at(-1)).toBe("EXECUTION_TIMED_OUT");
    });
  });

  describe("events", () => {
    it("record every transition of a run, in order, with strictly increasing ids", async () => {
      const execution = await run(h, "events", {
        tasks: [
          { key: "a", type: "transform", params: { output: 1 } },
          { key: "b", type: "transform", dependsOn: ["a"], params: { output: 2 } },
        ],
      });
      expect(execution.status).toBe("COMPLETED");
      const events = await eventsOf(h.db, execution.id);
      expect(events.map((e) => [e.type, e.taskKey])).toEqual([
        ["EXECUTION_CREATED", null],
        ["EXECUTION_STARTED", null],
        ["TASK_SCHEDULED", "a"],
        ["TASK_STARTED", "a"],
        ["TASK_COMPLETED", "a"],
        ["TASK_SCHEDULED", "b"],
        ["TASK_STARTED", "b"],
        ["TASK_COMPLETED", "b"],
        ["EXECUTION_COMPLETED", null],
      ]);
      expect(events[0]!.actor).toBe("test");
    });
  });
});
