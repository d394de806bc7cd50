// wait and approval tasks end to end on both databases: durable timers in the database, approval
// timeouts, and a wait that survives its engine being replaced.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { Engine } from "@/lib/runtime/engine";
import { getExecution, startExecution } from "@/lib/services/executions";
import { eventsOf, ms, run, saveWorkflow, sleep, taskOf, typesOf, waitFor, waitForEnd } from "./engine-task-types.support";

describe.each(TEST_PROVIDERS)("wait and approval tasks on %s", (provider) => {
  let h: EngineHarness;
  /** An engine a test started in place of the harness's (stopped on cleanup). */
  let replacement: Engine | null = null;
  beforeAll(async () => {
    h = await createEngineHarness(provider);
  });
  afterAll(async () => {
    await replacement?.stop();
    await h?.cleanup();
  });

  /** Starts without waiting, returns once `taskKey` is WAITING. */
  async function startUntilWaiting(prefix: string, definition: Record<string, unknown>, taskKey: string, input: unknown = {}) {
    const workflow = await saveWorkflow(h, prefix, definition);
    const started = await startExecution(h.db, { workflow, input: input as never }, "test");
    const waiting = await waitFor(`${taskKey} to wait`, async () => {
      const execution = await getExecution(h.db, started.id);
      return execution.tasks.find((t) => t.taskKey === taskKey)?.status === "WAITING" ? execution : undefined;
    });
    return waiting;
  }

  describe("wait", () => {
    it("durationMs: WAITING, then COMPLETED no sooner than the duration", async () => {
      const execution = await run(h, "wait-duration", {
        tasks: [
          { key: "pause", type: "wait", params: { durationMs: 150 } },
          { key: "after", type: "transform", dependsOn: ["pause"], params: { output: "{% $tasks.pause.output %}" } },
        ],
      });
      expect(execution.status).toBe("COMPLETED");
      const pause = taskOf(execution, "pause").attempts[0]!;
      expect(pause.status).toBe("COMPLETED");
      expect(ms(pause.endedAt) - ms(pause.startedAt)).toBeGreaterThanOrEqual(150);
      expect((pause.output as { waitedMs: number }).waitedMs).toBeGreaterThanOrEqual(150);
      expect(taskOf(execution, "after").attempts[0]!.output).toEqual(pause.output);
      const events = await eventsOf(h.db, execution.id);
      expect(typesOf(events, "pause")).toEqual(["TASK_SCHEDULED", "TASK_STARTED", "TASK_WAITING", "TASK_COMPLETED"]);
      // It waited on a timer due at start + duration.
      const { until } = events.find((e) => e.type === "TASK_WAITING")!.payload as { until: string };
      expect(ms(until) - ms(pause.startedAt)).toBe(150);
      expect(pause.input).toEqual({ until });
    });

    it("until a past date (literal or expression) completes at once", async () => {
      const execution = await run(h, "wait-until-past", {
        tasks: [
          { key: "literal", type: "wait", params: { until: "2020-01-01T00:00:00Z" } },
          { key: "computed", type: "wait", params: { until: "{% $input.at %}" } },
        ],
      }, { at: "2021-06-01T12:00:00+02:00" });
      expect(execution.status).toBe("COMPLETED");
      expect(taskOf(execution, "literal").status).toBe("COMPLETED");
      expect(taskOf(execution, "computed").attempts[0]!.input).toEqual({ until: "2021-06-01T10:00:00.000Z" });
    });

    it("an until that is not a date fails with EXPRESSION_ERROR", async () => {
      const execution = await run(h, "wait-until-bad", { tasks: [{ key: "pause", type: "wait", params: { until: "{% $input.at %}" } }] }, { at: "tomorrow-ish" });
      expect(execution.status).toBe("FAILED");
      expect(taskOf(execution, "pause").attempts[0]!.error).toMatchObject({ code: "EXPRESSION_ERROR", message: expect.stringContaining("tasks.pause.params.until") });
    });

    it("startToCloseMs shorter than the wait times it out", async () => {
      const execution = await run(h, "wait-start-to-close", {
        tasks: [{ key: "pause", type: "wait", params: { durationMs: 30_000 }, timeouts: { startToCloseMs: 120 } }],
      });
      expect(execution.status).toBe("FAILED");
      const attempt = taskOf(execution, "pause").attempts[0]!;
      expect(attempt.status).toBe("TIMED_OUT");
      expect(attempt.error).toMatchObject({ code: "START_TO_CLOSE_TIMEOUT" });
      expect(ms(attempt.endedAt) - ms(attempt.startedAt)).toBeGreaterThanOrEqual(120);
    });
  });

  describe("approval", () => {
    it("waits with its prompt, approvers and input", async () => {
      const waiting = await startUntilWaiting("approval", {
        tasks: [
          {
            key: "approve",
            type: "approval",
            input: { amount: "{% $input.amount %}" },
            params: { prompt: "Ship it?", approvers: ["alice", "role:admin"] },
          },
          { key: "after", type: "transform", dependsOn: ["approve"], params: { output: 1 } },
        ],
      }, "approve", { amount: 42 });
      expect(waiting.status).toBe("RUNNING");
      const attempt = taskOf(waiting, "approve").attempts[0]!;
      expect(attempt.input).toEqual({ prompt: "Ship it?", approvers: ["alice", "role:admin"], input: { amount: 42 } });
      expect(attempt.nextRunAt).toBeNull(); // no timeout: no timer
      await sleep(150);
      const later = await getExecution(h.db, waiting.id);
      expect(later.status).toBe("RUNNING");
      expect(taskOf(later, "approve").status).toBe("WAITING");
      expect(later.tasks.some((t) => t.taskKey === "after")).toBe(false);
    });

    it("timeoutMs: TIMED_OUT with code APPROVAL_TIMEOUT; the execution fails", async () => {
      const execution = await run(h, "approval-timeout", {
        tasks: [{ key: "approve", type: "approval", params: { prompt: "Anyone?", timeoutMs: 150 } }],
      });
      expect(execution.status).toBe("FAILED");
      const attempt = taskOf(execution, "approve").attempts[0]!;
      expect(attempt.status).toBe("TIMED_OUT");
      expect(attempt.error).toMatchObject({ code: "APPROVAL_TIMEOUT" });
      expect(ms(attempt.endedAt) - ms(attempt.startedAt)).toBeGreaterThanOrEqual(150);
      expect(execution.error).toMatchObject({ code: "TASK_TIMED_OUT", taskKey: "approve" });
      const events = await eventsOf(h.db, execution.id);
      expect(typesOf(events, "approve")).toEqual(["TASK_SCHEDULED", "TASK_STARTED", "TASK_WAITING", "TASK_TIMED_OUT", "TASK_FAILED_FINAL"]);
      expect(typesOf(events, null).at(-1)).toBe("EXECUTION_FAILED");
    });

    it("a timed-out approval is asked again per its retry policy", async () => {
      const execution = await run(h, "approval-retry", {
        tasks: [{ key: "approve", type: "approval", params: { timeoutMs: 60 }, retry: { maximumAttempts: 2, initialIntervalMs: 30 } }],
      });
      expect(execution.status).toBe("FAILED");
      const attempts = taskOf(execution, "approve").attempts;
      expect(attempts.map((a) => [a.attempt, a.status])).toEqual([[1, "TIMED_OUT"], [2, "TIMED_OUT"]]);
      expect(ms(attempts[1]!.startedAt) - ms(attempts[0]!.endedAt)).toBeGreaterThanOrEqual(30);
    });
  });

  // Last: it replaces the harness's engine.
  it("a wait is durable: its timer lives in the database and fires in another engine", async () => {
    await h.engine.stop();
    // This engine runs the wait; it would fire the timer at its due time (it heard of it), and its
    // periodic sweep is a minute away. It is stopped as soon as the wait is WAITING, long before then.
    const first = new Engine(h.db, provider, { pollIntervalMs: 25, timerIntervalMs: 60_000 });
    first.start();
    let waiting;
    try {
      waiting = await startUntilWaiting("wait-durable", {
        tasks: [
          { key: "pause", type: "wait", params: { durationMs: 1_500 } },
          { key: "after", type: "transform", dependsOn: ["pause"], params: { output: "resumed" } },
        ],
      }, "pause");
    } finally {
      await first.stop();
    }
    const row = await h.db.taskRun.findFirstOrThrow({ where: { executionId: waiting.id, taskKey: "pause" } });
    expect(row.status).toBe("WAITING");
    expect(row.nextRunAt!.getTime() - row.startedAt!.getTime()).toBe(1_500);
    await sleep(Math.max(0, row.nextRunAt!.getTime() - Date.now()) + 100); // past due: nobody fires it
    const stalled = await getExecution(h.db, waiting.id);
    expect(stalled.status).toBe("RUNNING");
    expect(taskOf(stalled, "pause").status).toBe("WAITING");

    replacement = new Engine(h.db, provider, { pollIntervalMs: 25, timerIntervalMs: 20 });
    replacement.start();
    const execution = await waitForEnd(h.db, waiting.id);
    expect(execution.status).toBe("COMPLETED");
    expect(taskOf(execution, "pause").status).toBe("COMPLETED");
    expect(taskOf(execution, "after").attempts[0]!.output).toBe("resumed");
    const pause = taskOf(execution, "pause").attempts[0]!;
    expect(ms(pause.endedAt)).toBeGreaterThan(row.nextRunAt!.getTime() + 100);
  });
});

// Timers this process announced fire at their own moments, each one: with the periodic sweep a
// minute away, waits of different lengths started together all end (before, only the earliest
// known timer woke the engine, and the rest waited for the sweep).
describe.each(TEST_PROVIDERS)("timers of many executions on %s", (provider) => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await createEngineHarness(provider, { timerIntervalMs: 60_000 });
  });
  afterAll(async () => {
    await h?.cleanup();
  });

  it("fires each announced timer at its time, not at the next sweep", async () => {
    const durations = [100, 250, 400, 550, 700];
    const workflows = await Promise.all(durations.map((durationMs) => saveWorkflow(h, `wait-many-${durationMs}`, { tasks: [{ key: "pause", type: "wait", params: { durationMs } }] })));
    const started = await Promise.all(workflows.map((workflow) => startExecution(h.db, { workflow, input: {} }, "test")));
    const ended = await Promise.all(started.map((execution) => waitForEnd(h.db, execution.id, 20_000)));
    for (const [i, execution] of ended.entries()) {
      expect(execution.status).toBe("COMPLETED");
      const pause = taskOf(execution, "pause").attempts[0]!;
      expect(ms(pause.endedAt) - ms(pause.startedAt)).toBeGreaterThanOrEqual(durations[i]!);
    }
  });
});
