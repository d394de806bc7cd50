// Operator operations end to end, on both databases, with a running engine.
//
//   build ─┬─ test_1 ─┬─ deploy        (build-test-deploy, the seed example)
//          ├─ test_2 ─┤
//          ├─ test_3 ─┤
//          └─ test_4 ─┘
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { getExecution, listExecutionEvents, startExecution, waitForExecutionEnd, type ExecutionView } from "@/lib/services/executions";
import { ServiceError } from "@/lib/services/errors";
import type { JsonObject } from "@/lib/workflow/schema";
import {
  approveTask,
  pauseExecution,
  rejectTask,
  rerunExecution,
  restartExecution,
  resumeExecution,
  retryExecution,
  skipTask,
  terminateExecution,
  type ArchivedAttempt,
} from "@/lib/services/operations";

/** wait → after: a task that takes a moment, and one that must not start while paused. */
const waitThenWorkflow = {
  name: "ops-wait-then",
  tasks: [
    { key: "w", type: "wait", params: { durationMs: 700 } },
    { key: "after", type: "transform", dependsOn: ["w"], params: { output: { done: true } } },
  ],
};

/** Two tasks that wait until someone acts, and one below them never reached. */
const longWorkflow = {
  name: "ops-long",
  tasks: [
    { key: "hold", type: "wait", params: { durationMs: 600_000 } },
    { key: "ask", type: "approval", params: { prompt: "go on?" } },
    { key: "next", type: "transform", dependsOn: ["hold", "ask"], params: { output: { done: true } } },
  ],
};

/** An approval with approvers and a retry policy (which a reject must not use). */
const approvalWorkflow = {
  name: "ops-approval",
  tasks: [
    { key: "ask", type: "approval", params: { prompt: "ship it?", approvers: ["alice", "bob"] }, retry: { maximumAttempts: 3, initialIntervalMs: 10 } },
    { key: "ship", type: "transform", dependsOn: ["ask"], params: { output: { approvedBy: "{% $tasks.ask.output.by %}" } } },
  ],
};

/**
 *   a ─┬─ b (none_failed)
 *      ├─ c (all_success)
 *      └─ d (all_done)
 */
const skipWorkflow = {
  name: "ops-skip",
  input: { type: "object", properties: { fail: { type: "boolean", default: false } } },
  tasks: [
    { key: "a", type: "transform", params: { output: { ok: "{% $input.fail ? $error('a failed on purpose') : true %}" } } },
    { key: "b", type: "transform", dependsOn: ["a"], triggerRule: "none_failed", params: { output: { ran: true } } },
    { key: "c", type: "transform", dependsOn: ["a"], params: { output: { ran: true } } },
    { key: "d", type: "transform", dependsOn: ["a"], triggerRule: "all_done", params: { output: { ran: true } } },
  ],
};

/** w → x → y (all_done): x can be skipped before it is reached. */
const skipPendingWorkflow = {
  name: "ops-skip-pending",
  tasks: [
    { key: "w", type: "wait", params: { durationMs: 500 } },
    { key: "x", type: "transform", dependsOn: ["w"], params: { output: { ran: true } } },
    { key: "y", type: "transform", dependsOn: ["x"], triggerRule: "all_done", params: { output: { ran: true } } },
  ],
};

const versionedWorkflow = (version: number) => ({
  name: "ops-versions",
  input: { type: "object", properties: { who: { type: "string" } } },
  tasks: [{ key: "hello", type: "transform", params: { output: { version, who: "{% $input.who %}" } } }],
  output: { version: "{% $tasks.hello.output.version %}", who: "{% $tasks.hello.output.who %}" },
});

function task(execution: ExecutionView, taskKey: string) {
  const found = execution.tasks.find((t) => t.taskKey === taskKey && t.mapIndex === -1);
  if (!found) throw new Error(`no task ${taskKey} in ${execution.tasks.map((t) => t.taskKey).join(",")}`);
  return found;
}

function hasTask(execution: ExecutionView, taskKey: string): boolean {
  return execution.tasks.some((t) => t.taskKey === taskKey && t.mapIndex === -1);
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with the ServiceError the operation threw (fails the test if it succeeded). */
async function serviceError(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => new Error("expected the operation to fail"),
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ServiceError)) throw error;
  return error;
}

describe.each(TEST_PROVIDERS)("operator operations on %s", (provider) => {
  let h: EngineHarness;

  const start = (workflow: string, input?: JsonObject, waitSeconds?: number) =>
    startExecution(h.db, { workflow, ...(input ? { input } : {}), ...(waitSeconds ? { waitSeconds } : {}) }, "test");
  const get = (executionId: string) => getExecution(h.db, executionId);
  const events = (executionId: string) => listExecutionEvents(h.db, executionId);
  const finish = async (executionId: string) => {
    await waitForExecutionEnd(h.db, executionId, 20_000);
    return get(executionId);
  };
  async function until(executionId: string, ok: (execution: ExecutionView) => boolean, what: string, timeoutMs = 15_000): Promise<ExecutionView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const execution = await get(executionId);
      if (ok(execution)) return execution;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; execution is ${execution.status}: ${JSON.stringify(execution.tasks.map((t) => [t.taskKey, t.mapIndex, t.status]))}`);
      await sleep(20);
    }
  }
  const taskIs = (taskKey: string, status: string) => (execution: ExecutionView) => hasTask(execution, taskKey) && task(execution, taskKey).status === status;

  beforeAll(async () => {
    h = await createEngineHarness(provider);
    for (const definition of [waitThenWorkflow, longWorkflow, approvalWorkflow, skipWorkflow, skipPendingWorkflow, versionedWorkflow(1)]) await h.save(definition);
  });
  afterAll(async () => h?.cleanup());

  describe("rerun from a failed task", () => {
    let failed: ExecutionView;
    beforeAll(async () => {
      failed = await start("build-test-deploy", { failTest: "test_3" }, 20);
    });

    it("the fan-out fails at test_3", () => {
      expect(failed.status).toBe("FAILED");
      expect(task(failed, "test_3").status).toBe("FAILED");
      expect(task(failed, "deploy").status).toBe("UPSTREAM_FAILED");
    });

    it("a dry run previews test_3 and deploy as reset, the rest as kept, and changes nothing", async () => {
      const eventsBefore = await events(failed.id);
      const preview = await rerunExecution(h.db, failed.id, { actor: "carol", fromTaskKey: "test_3", input: { failTest: "" }, dryRun: true });
      expect(preview).toEqual({ dryRun: true, reset: ["test_3", "deploy"], kept: ["build", "test_1", "test_2", "test_4"] });
      expect(await get(failed.id)).toEqual(failed);
      expect(await events(failed.id)).toEqual(eventsBefore);
    });

    it("an unknown task is a 400 that lists the valid keys; input that does not fit is a 400", async () => {
      const unknown = await serviceError(rerunExecution(h.db, failed.id, { actor: "carol", fromTaskKey: "test_9" }));
      expect(unknown.httpStatus).toBe(400);
      expect(unknown.message).toContain("valid task keys: build, test_1, test_2, test_3, test_4, deploy");
      expect(unknown.details).toEqual([{ path: "fromTaskKey", message: expect.stringContaining("test_9") }]);
      const badInput = await serviceError(rerunExecution(h.db, failed.id, { actor: "carol", fromTaskKey: "test_3", input: { failTest: "test_9" } }));
      expect(badInput.httpStatus).toBe(400);
      expect(badInput.details[0]).toMatchObject({ path: "input.failTest" });
    });

    it("rerun with corrected input completes without re-running build or the other tests", async () => {
      const before = failed;
      const reopened = await rerunExecution(h.db, failed.id, { actor: "carol", reason: "test_3 fixed", fromTaskKey: "test_3", input: { failTest: "" } });
      expect(reopened).toMatchObject({ status: "RUNNING", endedAt: null, error: null, input: { failTest: "" } });
      const after = await finish(failed.id);
      expect(after.status).toBe("COMPLETED");
      expect(after.output).toEqual({ artifact: "app-main.tar.gz", deployed: true });
      for (const key of ["build", "test_1", "test_2", "test_4"]) {
        expect(task(after, key).attempts).toEqual(task(before, key).attempts);
      }
      const test3 = task(after, "test_3");
      expect(test3.attempts).toHaveLength(1);
      expect(test3.attempts[0]).toMatchObject({ attempt: 1, status: "COMPLETED" });
      expect(test3.attempts[0]!.id).not.toBe(task(before, "test_3").attempts[0]!.id);
      expect(task(after, "deploy").status).toBe("COMPLETED");

      const history = await events(failed.id);
      const rerun = history.find((event) => event.type === "EXECUTION_RERUN")!;
      expect(rerun).toMatchObject({ actor: "carol", reason: "test_3 fixed", taskKey: "test_3" });
      expect(rerun.payload).toMatchObject({
        previousStatus: "FAILED",
        reset: ["test_3", "deploy"],
        kept: ["build", "test_1", "test_2", "test_4"],
        input: { failTest: "" },
        previousInput: { failTest: "test_3" },
      });
      const resets = history.filter((event) => event.type === "TASK_RESET");
      expect(resets.map((event) => event.taskKey)).toEqual(["test_3", "deploy"]);
      const archived = (resets[0]!.payload as { attempts: ArchivedAttempt[] }).attempts;
      expect(archived).toEqual([expect.objectContaining({ id: task(before, "test_3").attempts[0]!.id, status: "FAILED", error: expect.objectContaining({ message: expect.stringContaining("test_3") }) })]);
      expect(resets.every((event) => event.actor === "carol" && event.reason === "test_3 fixed")).toBe(true);

      // The view keeps what the rerun superseded, marked with the rerun, and both inputs (issue 12, point 4).
      expect(after.history.superseded.map((attempt) => [attempt.taskKey, attempt.attempt, attempt.status, attempt.supersededBy?.type, attempt.supersededBy?.taskKey, attempt.supersededBy?.actor])).toEqual([
        ["test_3", 1, "FAILED", "EXECUTION_RERUN", "test_3", "carol"],
        ["deploy", 1, "UPSTREAM_FAILED", "EXECUTION_RERUN", "test_3", "carol"],
      ]);
      expect(after.history.superseded[0]!.id).toBe(task(before, "test_3").attempts[0]!.id);
      expect(after.history.superseded[0]!.supersededBy!.eventId).toBe(rerun.id);
      expect(after.history.inputs).toEqual([
        { kind: "start", input: { branch: "main", failTest: "test_3" }, at: before.createdAt, actor: before.createdBy, eventId: null, taskKey: null },
        { kind: "rerun", input: { branch: "main", failTest: "" }, at: rerun.createdAt, actor: "carol", eventId: rerun.id, taskKey: "test_3" },
      ]);
    });

    it("a rerun with a task input records it after the reset, for the runtime to use", async () => {
      await rerunExecution(h.db, failed.id, { actor: "carol", fromTaskKey: "deploy", taskInput: { environment: "staging" } });
      await finish(failed.id);
      const history = await events(failed.id);
      const lastReset = history.findLastIndex((event) => event.type === "TASK_RESET" && event.taskKey === "deploy");
      const inputSet = history.findLastIndex((event) => event.type === "TASK_INPUT_SET");
      expect(inputSet).toBeGreaterThan(lastReset);
      expect(history[inputSet]).toMatchObject({ taskKey: "deploy", actor: "carol", payload: { input: { environment: "staging" } } });
    });
  });

  it("retry re-runs the failed tasks only", async () => {
    const failed = await start("build-test-deploy", { failTest: "test_2" }, 20);
    expect(failed.status).toBe("FAILED");
    expect(await retryExecution(h.db, failed.id, { actor: "dave", dryRun: true })).toEqual({
      dryRun: true,
      reset: ["test_2", "deploy"],
      kept: ["build", "test_1", "test_3", "test_4"],
    });
    await retryExecution(h.db, failed.id, { actor: "dave", reason: "flaky?" });
    const after = await finish(failed.id);
    // Same input, so test_2 fails again; nothing else ran again.
    expect(after.status).toBe("FAILED");
    for (const key of ["build", "test_1", "test_3", "test_4"]) expect(task(after, key).attempts).toEqual(task(failed, key).attempts);
    expect(task(after, "test_2").attempts).toEqual([expect.objectContaining({ attempt: 1, status: "FAILED" })]);
    expect(task(after, "test_2").attempts[0]!.id).not.toBe(task(failed, "test_2").attempts[0]!.id);
    const retried = (await events(failed.id)).find((event) => event.type === "EXECUTION_RETRIED")!;
    expect(retried).toMatchObject({ actor: "dave", reason: "flaky?", payload: { previousStatus: "FAILED", reset: ["test_2", "deploy"] } });

    const completed = await start("build-test-deploy", {}, 20);
    const nothing = await serviceError(retryExecution(h.db, completed.id, { actor: "dave" }));
    expect(nothing.httpStatus).toBe(409);
    expect(nothing.message).toBe(`cannot retry execution ${completed.id}: no task failed, timed out or was cancelled`);
  });

  it("pause while a wait task runs: nothing new is scheduled until resume", async () => {
    const started = await start("ops-wait-then");
    await until(started.id, taskIs("w", "WAITING"), "w to wait");
    const beforePause = Date.now();
    const paused = await pauseExecution(h.db, started.id, { actor: "alice", reason: "maintenance window" });
    expect(paused.status).toBe("PAUSED");
    // The view says since when (the monitor's clock stops there, issue 12 point 15).
    expect(Date.parse(paused.pausedAt!)).toBeGreaterThanOrEqual(beforePause - 5);
    expect((await get(started.id)).pausedAt).toBe(paused.pausedAt);
    // The running wait finishes while paused; its dependent does not start.
    await until(started.id, taskIs("w", "COMPLETED"), "w to complete");
    await sleep(300);
    const still = await get(started.id);
    expect(still.status).toBe("PAUSED");
    expect(hasTask(still, "after")).toBe(false);

    const again = await serviceError(pauseExecution(h.db, started.id, { actor: "alice" }));
    expect(again.message).toBe(`cannot pause execution ${started.id}: it is PAUSED`);

    const resumedAt = Date.now();
    const resumed = await resumeExecution(h.db, started.id, { actor: "bob" });
    expect(resumed.status).toBe("RUNNING");
    expect(resumed.pausedAt).toBeNull();
    const done = await finish(started.id);
    expect(done.status).toBe("COMPLETED");
    expect(new Date(task(done, "after").attempts[0]!.startedAt!).getTime()).toBeGreaterThanOrEqual(resumedAt - 5);
    const history = await events(started.id);
    expect(history.find((event) => event.type === "EXECUTION_PAUSED")).toMatchObject({ actor: "alice", reason: "maintenance window" });
    expect(history.find((event) => event.type === "EXECUTION_RESUMED")).toMatchObject({ actor: "bob", reason: null });
  });

  it("terminate with a reason cancels live tasks and records who and why", async () => {
    const started = await start("ops-long");
    await until(started.id, (e) => taskIs("hold", "WAITING")(e) && taskIs("ask", "WAITING")(e), "hold and ask to wait");
    const terminated = await terminateExecution(h.db, started.id, { actor: "bob", reason: "no longer needed" });
    expect(terminated.status).toBe("TERMINATED");
    expect(terminated.error).toEqual({ code: "TERMINATED", message: "no longer needed" });
    expect(task(terminated, "hold").status).toBe("CANCELLED");
    expect(task(terminated, "ask").status).toBe("CANCELLED");
    // The task it never reached ends too (issue 12, point 15): CANCELLED, not PENDING forever.
    expect(task(terminated, "next")).toMatchObject({ status: "CANCELLED", attempts: [{ attempt: 1, status: "CANCELLED", startedAt: null }] });
    expect(task(terminated, "next").attempts[0]!.endedAt).not.toBeNull();
    const history = await events(started.id);
    expect(history.find((event) => event.type === "EXECUTION_TERMINATED")).toMatchObject({ actor: "bob", reason: "no longer needed" });
    expect(history.filter((event) => event.type === "TASK_CANCELLED").map((event) => [event.taskKey, event.actor])).toEqual(
      expect.arrayContaining([["hold", "bob"], ["ask", "bob"], ["next", "bob"]]),
    );
    expect(history.find((event) => event.type === "TASK_CANCELLED" && event.taskKey === "next")).toMatchObject({ reason: "no longer needed", payload: { neverStarted: true } });
    await sleep(100);
    expect((await get(started.id)).status).toBe("TERMINATED");

    const twice = await serviceError(terminateExecution(h.db, started.id, { actor: "bob", reason: "again" }));
    expect(twice.message).toBe(`cannot terminate execution ${started.id}: it is TERMINATED`);
    const late = await serviceError(approveTask(h.db, started.id, { actor: "bob", taskKey: "ask" }));
    expect(late.httpStatus).toBe(409);
    expect(late.message).toContain("it is CANCELLED");
  });

  it("refuses what does not fit the state with a 409 naming it; unknown executions are 404", async () => {
    const completed = await start("build-test-deploy", {}, 20);
    const resume = await serviceError(resumeExecution(h.db, completed.id, { actor: "alice" }));
    expect(resume.httpStatus).toBe(409);
    expect(resume.message).toBe(`cannot resume execution ${completed.id}: it is COMPLETED`);

    const running = await start("ops-wait-then");
    await until(running.id, taskIs("w", "WAITING"), "w to wait");
    const rerun = await serviceError(rerunExecution(h.db, running.id, { actor: "alice", fromTaskKey: "w" }));
    expect(rerun.httpStatus).toBe(409);
    expect(rerun.message).toContain(`cannot rerun execution ${running.id}: task w is still WAITING`);
    const restart = await serviceError(restartExecution(h.db, running.id, { actor: "alice" }));
    expect(restart.message).toContain(`cannot restart execution ${running.id}: it is RUNNING`);
    const skipRunning = await serviceError(skipTask(h.db, running.id, { actor: "alice", taskKey: "w", reason: "x" }));
    expect(skipRunning.message).toContain(`cannot skip task w of execution ${running.id}: it is WAITING`);
    const skipUnknown = await serviceError(skipTask(h.db, running.id, { actor: "alice", taskKey: "zz", reason: "x" }));
    expect(skipUnknown.httpStatus).toBe(400);
    expect(skipUnknown.message).toContain("valid task keys: w, after");
    await finish(running.id);

    const missing = await serviceError(pauseExecution(h.db, "no-such-execution", { actor: "alice" }));
    expect(missing.httpStatus).toBe(404);
  });

  describe("approval", () => {
    it("approve: only an approver, with who and why in the output and the event", async () => {
      const started = await start("ops-approval");
      await until(started.id, taskIs("ask", "WAITING"), "ask to wait");
      const stranger = await serviceError(approveTask(h.db, started.id, { actor: "mallory", taskKey: "ask" }));
      expect(stranger.httpStatus).toBe(403);
      expect(stranger.message).toContain("its approvers are alice, bob");
      const wrongTask = await serviceError(approveTask(h.db, started.id, { actor: "alice", taskKey: "ship" }));
      expect(wrongTask.httpStatus).toBe(400);
      expect(wrongTask.message).toContain("task ship is a transform task, not an approval");

      const approved = await approveTask(h.db, started.id, { actor: "alice", taskKey: "ask", reason: "looks good" });
      expect(task(approved, "ask").attempts[0]!.output).toEqual({ approved: true, by: "alice", reason: "looks good", at: expect.any(String) });
      const done = await finish(started.id);
      expect(done.status).toBe("COMPLETED");
      expect(task(done, "ship").attempts[0]!.output).toEqual({ approvedBy: "alice" });
      const event = (await events(started.id)).find((e) => e.type === "TASK_APPROVED")!;
      expect(event).toMatchObject({ taskKey: "ask", actor: "alice", reason: "looks good" });

      const twice = await serviceError(approveTask(h.db, started.id, { actor: "bob", taskKey: "ask" }));
      expect(twice.message).toBe(`cannot approve task ask of execution ${started.id}: it is COMPLETED, not WAITING for a decision`);
    });

    it("reject is final despite the retry policy; retry asks again", async () => {
      const started = await start("ops-approval");
      await until(started.id, taskIs("ask", "WAITING"), "ask to wait");
      await rejectTask(h.db, started.id, { actor: "bob", taskKey: "ask", reason: "too risky" });
      const failed = await finish(started.id);
      expect(failed.status).toBe("FAILED");
      expect(task(failed, "ask").attempts).toEqual([
        expect.objectContaining({ status: "FAILED", error: { code: "REJECTED", message: "rejected by bob: too risky", details: { by: "bob", reason: "too risky", at: expect.any(String) } } }),
      ]);
      expect(task(failed, "ship").status).toBe("UPSTREAM_FAILED");
      expect((await events(started.id)).find((e) => e.type === "TASK_REJECTED")).toMatchObject({ actor: "bob", reason: "too risky" });

      await retryExecution(h.db, started.id, { actor: "bob", reason: "ask again" });
      await until(started.id, taskIs("ask", "WAITING"), "ask to wait again");
      await approveTask(h.db, started.id, { actor: "alice", taskKey: "ask" });
      const done = await finish(started.id);
      expect(done.status).toBe("COMPLETED");
      expect(task(done, "ask").attempts).toHaveLength(1);
    });
  });

  describe("skip", () => {
    it("skipping a failed task lets none_failed / all_done tasks run and propagates to all_success", async () => {
      const failed = await start("ops-skip", { fail: true }, 20);
      expect(failed.status).toBe("FAILED");
      expect([task(failed, "b").status, task(failed, "c").status, task(failed, "d").status]).toEqual(["UPSTREAM_FAILED", "UPSTREAM_FAILED", "COMPLETED"]);

      await skipTask(h.db, failed.id, { actor: "erin", taskKey: "a", reason: "a is optional today" });
      const done = await finish(failed.id);
      expect(done.status).toBe("COMPLETED");
      expect(task(done, "a").attempts.map((attempt) => attempt.status)).toEqual(["FAILED", "SKIPPED"]);
      expect(task(done, "b").status).toBe("COMPLETED");
      expect(task(done, "c").status).toBe("SKIPPED");
      expect(task(done, "d").attempts).toEqual(task(failed, "d").attempts);
      const skipped = (await events(failed.id)).find((event) => event.type === "TASK_SKIPPED" && event.actor === "erin")!;
      expect(skipped).toMatchObject({ taskKey: "a", reason: "a is optional today", payload: { previousStatus: "FAILED", reset: ["b", "c"], reopened: "FAILED" } });

      const again = await serviceError(skipTask(h.db, failed.id, { actor: "erin", taskKey: "b", reason: "x" }));
      expect(again.message).toBe(`cannot skip task b of execution ${failed.id}: the execution is COMPLETED`);
    });

    it("skipping a task not reached yet: it never runs, an all_done task below it does", async () => {
      const started = await start("ops-skip-pending");
      await until(started.id, taskIs("w", "WAITING"), "w to wait");
      await skipTask(h.db, started.id, { actor: "erin", taskKey: "x", reason: "not needed" });
      const done = await finish(started.id);
      expect(done.status).toBe("COMPLETED");
      expect(task(done, "x").attempts).toEqual([expect.objectContaining({ attempt: 1, status: "SKIPPED", startedAt: null })]);
      expect(task(done, "y").status).toBe("COMPLETED");
    });
  });

  describe("concurrency", () => {
    it("concurrent pause and terminate on one execution end consistently", async () => {
      const executions = await Promise.all([1, 2, 3, 4].map(() => start("ops-long")));
      for (const execution of executions) {
        await until(execution.id, (e) => taskIs("hold", "WAITING")(e) && taskIs("ask", "WAITING")(e), "hold and ask to wait");
      }
      await Promise.all(
        executions.map(async (execution, index) => {
          const operations = [
            pauseExecution(h.db, execution.id, { actor: "p" }),
            terminateExecution(h.db, execution.id, { actor: "t", reason: "race" }),
          ];
          if (index % 2 === 1) operations.reverse();
          const [first, second] = await Promise.allSettled(operations);
          const [pause, terminate] = index % 2 === 1 ? [second!, first!] : [first!, second!];
          expect(terminate.status).toBe("fulfilled");
          const after = await get(execution.id);
          expect(after.status).toBe("TERMINATED");
          expect(after.tasks.every((t) => ["CANCELLED"].includes(t.status))).toBe(true);
          const types = (await events(execution.id)).map((event) => event.type).filter((type) => type.startsWith("EXECUTION_"));
          if (pause.status === "fulfilled") {
            expect(types.slice(-2)).toEqual(["EXECUTION_PAUSED", "EXECUTION_TERMINATED"]);
          } else {
            expect((pause.reason as ServiceError).message).toBe(`cannot pause execution ${execution.id}: it is TERMINATED`);
            expect(types).not.toContain("EXECUTION_PAUSED");
          }
          expect(types.filter((type) => type === "EXECUTION_TERMINATED")).toHaveLength(1);
        }),
      );
    });

    it("two concurrent retries: one applies, the other is refused", async () => {
      const started = await start("ops-approval");
      await until(started.id, taskIs("ask", "WAITING"), "ask to wait");
      await rejectTask(h.db, started.id, { actor: "bob", taskKey: "ask" });
      await finish(started.id);
      const results = await Promise.allSettled([1, 2, 3].map(() => retryExecution(h.db, started.id, { actor: "ops" })));
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      for (const result of results.filter((r) => r.status === "rejected")) {
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ServiceError);
        expect(((result as PromiseRejectedResult).reason as ServiceError).httpStatus).toBe(409);
      }
      expect((await events(started.id)).filter((event) => event.type === "EXECUTION_RETRIED")).toHaveLength(1);
      await until(started.id, taskIs("ask", "WAITING"), "ask to wait again");
      await terminateExecution(h.db, started.id, { actor: "ops", reason: "cleanup" });
    });
  });

  it("restart creates a new execution on the original or the latest version, linked both ways", async () => {
    const original = await start("ops-versions", { who: "ada" }, 20);
    expect(original.output).toEqual({ version: 1, who: "ada" });
    await h.save(versionedWorkflow(2));

    const again = await restartExecution(h.db, original.id, { actor: "frank", reason: "once more" });
    expect(again.id).not.toBe(original.id);
    expect(again).toMatchObject({ workflowVersion: 1, input: { who: "ada" }, createdBy: "frank" });
    expect((await finish(again.id)).output).toEqual({ version: 1, who: "ada" });

    const latest = await restartExecution(h.db, original.id, { actor: "frank", useLatestVersion: true });
    expect(latest.workflowVersion).toBe(2);
    expect((await finish(latest.id)).output).toEqual({ version: 2, who: "ada" });

    expect(await get(original.id)).toEqual(original);
    const links = (await events(original.id)).filter((event) => event.type === "EXECUTION_RESTARTED");
    expect(links.map((event) => event.payload)).toEqual([
      { newExecutionId: again.id, workflowVersion: 1 },
      { newExecutionId: latest.id, workflowVersion: 2 },
    ]);
    expect(links[0]).toMatchObject({ actor: "frank", reason: "once more" });
    const created = (await events(latest.id)).find((event) => event.type === "EXECUTION_CREATED")!;
    expect(created).toMatchObject({ actor: "frank", payload: { workflow: "ops-versions", version: 2, restartOf: original.id } });
  });
});
