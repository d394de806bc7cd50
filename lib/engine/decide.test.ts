import { describe, expect, it } from "vitest";
import type { TaskDefinition, WorkflowDefinition } from "@/lib/workflow/schema";
import { applyCommands, RunBoard } from "./apply";
import { commandPatches } from "./patches";
import { decide, evaluateTriggerRule, takenBranch } from "./decide";
import type { ExecutionStatus, TaskStatus } from "./statuses";
import { FakeRuntime, T0, at, brief, execution, failedRun, mapTask, run, switchTask, task, workflow } from "./testing";
import type { DecideInput, TaskRunSnapshot } from "./types";

/** Decide, then check idempotence: deciding again on the applied state yields no command. */
function decideOnce(input: Partial<DecideInput> & { definition: WorkflowDefinition }) {
  const full: DecideInput = { execution: execution(), runs: [], now: T0, ...input };
  const decision = decide(full);
  const applied = applyCommands({ execution: full.execution, runs: full.runs }, decision.commands, full.now);
  expect(applied.problems).toEqual([]);
  expect(decide({ ...full, execution: applied.execution, runs: applied.runs }).commands).toEqual([]);
  return decision;
}

function commandsFor(definition: WorkflowDefinition, runs: TaskRunSnapshot[], options: { now?: Date; status?: ExecutionStatus } = {}) {
  return brief(decideOnce({ definition, runs, now: options.now ?? T0, execution: execution(options.status ?? "RUNNING") }).commands);
}

/*
 * build-test-deploy (CircleCI-style fan-out / fan-in):
 *
 *            ┌─ test_1 ─┐
 *   build ───┼─ test_2 ─┼─── deploy
 *            ├─ test_3 ─┤
 *            └─ test_4 ─┘
 */
const TESTS = ["test_1", "test_2", "test_3", "test_4"];
const buildTestDeploy = workflow([
  task("build"),
  ...TESTS.map((key) => task(key, { dependsOn: ["build"] })),
  task("deploy", { dependsOn: TESTS }),
]);

describe("decide: start, fan-out, fan-in", () => {
  it("a queued execution starts and schedules its roots", () => {
    const decision = decideOnce({ definition: buildTestDeploy, execution: execution("QUEUED") });
    expect(decision.commands).toEqual([
      { kind: "startExecution" },
      { kind: "schedule", taskKey: "build", mapIndex: -1, attempt: 1, runAt: T0, status: "SCHEDULED" },
    ]);
    expect(decision.wakeAt).toBeNull();
  });

  it("a completed build fans out to the four tests", () => {
    expect(commandsFor(buildTestDeploy, [run("build", "COMPLETED")])).toEqual(TESTS.map((key) => `schedule ${key}`));
  });

  it("deploy waits while one test still runs", () => {
    const runs = [run("build", "COMPLETED"), ...TESTS.slice(0, 3).map((key) => run(key, "COMPLETED")), run("test_4", "RUNNING")];
    expect(commandsFor(buildTestDeploy, runs)).toEqual([]);
  });

  it("deploy runs when all four tests completed", () => {
    const runs = [run("build", "COMPLETED"), ...TESTS.map((key) => run(key, "COMPLETED"))];
    expect(commandsFor(buildTestDeploy, runs)).toEqual(["schedule deploy"]);
  });

  it("a failed test makes deploy UPSTREAM_FAILED at once; the execution fails when the last test ends", () => {
    const runs = [run("build", "COMPLETED"), run("test_1", "COMPLETED"), failedRun("test_2"), run("test_3", "RUNNING"), run("test_4", "COMPLETED")];
    expect(commandsFor(buildTestDeploy, runs)).toEqual(["failTask test_2 (max_attempts)", "upstreamFailed deploy <- test_2"]);

    const later = [...runs.filter((entry) => entry.taskKey !== "test_3" && entry.taskKey !== "test_2"), run("test_2", "FAILED"), run("test_3", "COMPLETED"), run("deploy", "UPSTREAM_FAILED")];
    expect(decideOnce({ definition: buildTestDeploy, runs: later }).commands).toEqual([
      { kind: "failExecution", error: { code: "TASK_FAILED", message: "task test_2 ended FAILED", taskKey: "test_2" } },
    ]);
  });

  it("end to end through the fake runtime: every task completes, then the execution", () => {
    const runtime = new FakeRuntime(buildTestDeploy);
    expect(brief(runtime.decide())).toEqual(["startExecution", "schedule build"]);
    runtime.advance(1000).succeed("build", { artifact: "a.tgz" });
    expect(brief(runtime.decide())).toEqual(TESTS.map((key) => `schedule ${key}`));
    for (const key of TESTS) runtime.succeed(key);
    expect(brief(runtime.decide())).toEqual(["schedule deploy"]);
    runtime.succeed("deploy");
    expect(brief(runtime.decide())).toEqual(["completeExecution"]);
    expect(runtime.execution.status).toBe("COMPLETED");
    expect(runtime.decide()).toEqual([]);
  });
});

describe("decide: serial chain", () => {
  const chain = workflow([task("a"), task("b", { dependsOn: ["a"] }), task("c", { dependsOn: ["b"] })]);

  it("stops at the first failure: the rest of the chain is UPSTREAM_FAILED and the execution fails, in one decision", () => {
    const decision = decideOnce({ definition: chain, runs: [run("a", "COMPLETED"), failedRun("b", { error: { code: "HTTP_500", message: "server error" } })] });
    expect(decision.commands).toEqual([
      { kind: "failTask", taskKey: "b", mapIndex: -1, attempt: 1, reason: "max_attempts" },
      { kind: "upstreamFailed", taskKey: "c", mapIndex: -1, attempt: 1, upstream: ["b"] },
      { kind: "failExecution", error: { code: "TASK_FAILED", message: "task b ended FAILED: server error", taskKey: "b" } },
    ]);
  });

  it("runs one task at a time", () => {
    expect(commandsFor(chain, [run("a", "COMPLETED"), run("b", "RUNNING")])).toEqual([]);
    expect(commandsFor(chain, [run("a", "COMPLETED"), run("b", "COMPLETED")])).toEqual(["schedule c"]);
  });
});

describe("evaluateTriggerRule", () => {
  const up = (...statuses: TaskStatus[]) => statuses.map((status, index) => ({ taskKey: `u${index + 1}`, status }));
  it.each([
    // rule, upstream statuses, verdict
    ["all_success", [], "ready"],
    ["all_success", ["COMPLETED", "COMPLETED"], "ready"],
    ["all_success", ["COMPLETED", "RUNNING"], "wait"],
    ["all_success", ["COMPLETED", "RETRYING"], "wait"],
    ["all_success", ["COMPLETED", "FAILED"], "upstreamFailed u2"],
    ["all_success", ["RUNNING", "TIMED_OUT"], "upstreamFailed u2"],
    ["all_success", ["UPSTREAM_FAILED", "CANCELLED"], "upstreamFailed u1,u2"],
    ["all_success", ["COMPLETED", "SKIPPED"], "skip u2"],
    ["all_success", ["RUNNING", "SKIPPED"], "skip u2"],
    ["all_success", ["FAILED", "SKIPPED"], "upstreamFailed u1"],
    ["all_done", ["COMPLETED", "FAILED", "SKIPPED", "UPSTREAM_FAILED"], "ready"],
    ["all_done", ["COMPLETED", "WAITING"], "wait"],
    ["all_done", ["PENDING"], "wait"],
    ["one_success", ["RUNNING", "COMPLETED"], "ready"],
    ["one_success", ["FAILED", "COMPLETED"], "ready"],
    ["one_success", ["RUNNING", "FAILED"], "wait"],
    ["one_success", ["FAILED", "SKIPPED"], "upstreamFailed u1"],
    ["one_success", ["SKIPPED", "SKIPPED"], "skip u1,u2"],
    ["none_failed", ["COMPLETED", "SKIPPED"], "ready"],
    ["none_failed", ["SKIPPED", "SKIPPED"], "ready"],
    ["none_failed", ["COMPLETED", "SCHEDULED"], "wait"],
    ["none_failed", ["RUNNING", "FAILED"], "upstreamFailed u2"],
    ["none_failed", ["COMPLETED", "CANCELLED"], "upstreamFailed u2"],
  ] as const)("%s over %j → %s", (rule, statuses, expected) => {
    const verdict = evaluateTriggerRule(rule, up(...statuses));
    const text = "upstream" in verdict ? `${verdict.kind} ${verdict.upstream.join(",")}` : verdict.kind;
    expect(text).toBe(expected);
  });
});

describe("decide: trigger rules in a workflow", () => {
  const rules = (rule: TaskDefinition["triggerRule"]) =>
    workflow([task("a"), task("b"), task("after", { dependsOn: ["a", "b"], triggerRule: rule })]);

  it.each([
    ["all_success", [run("a", "COMPLETED"), run("b", "FAILED")], ["upstreamFailed after <- b", "failExecution"]],
    ["all_done", [run("a", "COMPLETED"), run("b", "FAILED")], ["schedule after"]],
    ["all_done", [run("a", "RUNNING"), run("b", "FAILED")], []],
    ["one_success", [run("a", "COMPLETED"), run("b", "RUNNING")], ["schedule after"]],
    ["one_success", [run("a", "FAILED"), run("b", "TIMED_OUT")], ["upstreamFailed after <- a,b", "failExecution"]],
    ["one_success", [run("a", "SKIPPED"), run("b", "SKIPPED")], ["skip after (upstream_skipped)", "completeExecution"]],
    ["none_failed", [run("a", "COMPLETED"), run("b", "SKIPPED")], ["schedule after"]],
    ["none_failed", [run("a", "SKIPPED"), run("b", "FAILED")], ["upstreamFailed after <- b", "failExecution"]],
  ] as const)("%s with %#", (rule, runs, expected) => {
    expect(commandsFor(rules(rule), [...runs])).toEqual(expected);
  });

  it("an unsettled failure that will be retried does not fail its dependents", () => {
    const definition = workflow([task("a", { retry: { maximumAttempts: 2 } }), task("b", { dependsOn: ["a"] })]);
    expect(commandsFor(definition, [failedRun("a", { endedAt: T0 })])).toEqual(["retry a #2 +1000ms"]);
  });
});

describe("decide: switch branches and skip propagation", () => {
  /*
   *            ┌─(big)──── big ──── big_2 ─┐
   *   route ───┼─(small)── small ──────────┼── join (none_failed)   strict_join (all_success)
   *            ├─(default) fallback        │
   *            └─ unlisted                 │
   */
  const definition = workflow([
    switchTask("route", { big: ["big"], small: ["small"] }, { defaultNext: ["fallback"] }),
    task("big", { dependsOn: ["route"] }),
    task("big_2", { dependsOn: ["big"] }),
    task("small", { dependsOn: ["route"] }),
    task("fallback", { dependsOn: ["route"] }),
    task("unlisted", { dependsOn: ["route"] }),
    task("join", { dependsOn: ["big_2", "small"], triggerRule: "none_failed" }),
    task("strict_join", { dependsOn: ["big_2", "small"] }),
  ]);

  it("takes the chosen case; every other direct dependent is skipped and the skip propagates", () => {
    expect(commandsFor(definition, [run("route", "COMPLETED", { output: { branch: "small" } })])).toEqual([
      "skip big (branch_not_taken)",
      "skip big_2 (upstream_skipped)",
      "schedule small",
      "skip fallback (branch_not_taken)",
      "skip unlisted (branch_not_taken)",
      "skip strict_join (upstream_skipped)",
    ]);
  });

  it("the join after the branches runs with none_failed", () => {
    const runs = [
      run("route", "COMPLETED", { output: { branch: "small" } }),
      run("big", "SKIPPED"),
      run("big_2", "SKIPPED"),
      run("small", "COMPLETED"),
      run("fallback", "SKIPPED"),
      run("unlisted", "SKIPPED"),
      run("strict_join", "SKIPPED"),
    ];
    expect(commandsFor(definition, runs)).toEqual(["schedule join"]);
  });

  it.each([
    ["default", ["skip big (branch_not_taken)", "skip big_2 (upstream_skipped)", "skip small (branch_not_taken)", "schedule fallback", "skip unlisted (branch_not_taken)", "schedule join", "skip strict_join (upstream_skipped)"]],
    [null, ["skip big (branch_not_taken)", "skip big_2 (upstream_skipped)", "skip small (branch_not_taken)", "skip fallback (branch_not_taken)", "skip unlisted (branch_not_taken)", "schedule join", "skip strict_join (upstream_skipped)"]],
    // none_failed runs even when every upstream was skipped (Airflow's rule); all_success skips.
  ] as const)("branch %j", (branch, expected) => {
    expect(commandsFor(definition, [run("route", "COMPLETED", { output: { branch } })])).toEqual(expected);
  });

  //   route ──(b)── on_b (one_success)
  //   fast ─────────┘
  it("a switch's dependent under one_success waits for the switch, even when its other upstream completed", () => {
    const below = workflow([
      switchTask("route", { a: [], b: ["on_b"] }),
      task("fast"),
      task("on_b", { dependsOn: ["route", "fast"], triggerRule: "one_success" }),
    ]);
    expect(commandsFor(below, [run("route", "RUNNING"), run("fast", "COMPLETED")])).toEqual([]);
    expect(commandsFor(below, [run("route", "COMPLETED", { output: { branch: "a" } }), run("fast", "COMPLETED")])).toEqual([
      "skip on_b (branch_not_taken)",
      "completeExecution",
    ]);
    expect(commandsFor(below, [run("route", "COMPLETED", { output: { branch: "b" } }), run("fast", "COMPLETED")])).toEqual(["schedule on_b"]);
    // A failed switch takes no branch: the trigger rule alone decides (one success is enough).
    expect(commandsFor(below, [run("route", "FAILED"), run("fast", "COMPLETED")])).toEqual(["schedule on_b"]);
  });

  it("a skipped task (its `when` was false) propagates the skip", () => {
    const chain = workflow([task("a"), task("b", { dependsOn: ["a"] }), task("c", { dependsOn: ["b"] })]);
    expect(commandsFor(chain, [run("a", "SKIPPED")])).toEqual([
      "skip b (upstream_skipped)",
      "skip c (upstream_skipped)",
      "completeExecution",
    ]);
  });

  it.each([
    [{ branch: "big" }, ["big"]],
    [{ branch: "default" }, ["fallback"]],
    [{ branch: null }, []],
    [{ branch: "nope" }, []],
    [null, []],
    ["big", []],
  ] as const)("takenBranch(%j) = %j", (output, expected) => {
    expect(takenBranch(definition.tasks[0]!, output)).toEqual(expected);
  });
});

describe("decide: retries", () => {
  const retrying = (retry: TaskDefinition["retry"]) => workflow([task("call", { retry }), task("next", { dependsOn: ["call"] })]);

  it("retries a failed attempt after its backoff: RETRYING until due", () => {
    const decision = decideOnce({
      definition: retrying({ maximumAttempts: 3 }),
      runs: [failedRun("call", { endedAt: at(500) })],
      now: at(600),
    });
    expect(decision.commands).toEqual([
      { kind: "retry", taskKey: "call", mapIndex: -1, attempt: 2, failedAttempt: 1, runAt: at(1500), delayMs: 1000, status: "RETRYING" },
    ]);
  });

  it("a retry already due when decided is SCHEDULED", () => {
    const decision = decideOnce({ definition: retrying({ maximumAttempts: 3 }), runs: [failedRun("call", { endedAt: at(0) })], now: at(5000) });
    expect(decision.commands).toEqual([
      { kind: "retry", taskKey: "call", mapIndex: -1, attempt: 2, failedAttempt: 1, runAt: at(1000), delayMs: 1000, status: "SCHEDULED" },
    ]);
  });

  it("backs off exponentially, 1000 / 2000 / 4000, then gives up after the last attempt", () => {
    const runtime = new FakeRuntime(retrying({ maximumAttempts: 4 }));
    runtime.decide();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      runtime.crash("call");
      const commands = runtime.decide();
      const retry = commands.find((command) => command.kind === "retry");
      if (retry) {
        delays.push(retry.delayMs);
        runtime.advance(retry.delayMs);
      } else {
        expect(brief(commands)).toEqual(["failTask call (max_attempts)", "upstreamFailed next <- call", "failExecution"]);
      }
    }
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(runtime.runs.filter((entry) => entry.taskKey === "call").map((entry) => entry.status)).toEqual(["FAILED", "FAILED", "FAILED", "FAILED"]);
  });

  it("a non-retryable error fails the task at once", () => {
    const definition = retrying({ maximumAttempts: 5, nonRetryableErrors: ["HTTP_400"] });
    expect(commandsFor(definition, [failedRun("call", { error: { code: "HTTP_400", message: "bad request" } })])).toEqual([
      "failTask call (non_retryable)",
      "upstreamFailed next <- call",
      "failExecution",
    ]);
  });

  it("a retry that succeeds lets the workflow go on", () => {
    const runtime = new FakeRuntime(retrying({ maximumAttempts: 2, backoff: "fixed", initialIntervalMs: 10 }));
    runtime.decide();
    runtime.crash("call");
    expect(brief(runtime.decide())).toEqual(["retry call #2 +10ms"]);
    expect(runtime.status("call")).toBe("RETRYING");
    runtime.advance(10).succeed("call");
    expect(brief(runtime.decide())).toEqual(["schedule next"]);
  });

  it("a final failure is not answered twice", () => {
    expect(commandsFor(retrying({ maximumAttempts: 1 }), [run("call", "FAILED"), run("next", "UPSTREAM_FAILED")])).toEqual(["failExecution"]);
  });
});

describe("decide: timeouts", () => {
  const timed = (timeouts: TaskDefinition["timeouts"], retry?: TaskDefinition["retry"]) =>
    workflow([task("work", { type: "worker", params: { taskType: "w" }, timeouts, ...(retry ? { retry } : {}) }), task("next", { dependsOn: ["work"] })]);

  it("start-to-close: the attempt times out and, without retries, the task fails", () => {
    const decision = decideOnce({ definition: timed({ startToCloseMs: 30000 }), runs: [run("work", "RUNNING")], now: at(30000) });
    expect(decision.commands).toEqual([
      {
        kind: "timeoutAttempt",
        taskKey: "work",
        mapIndex: -1,
        attempt: 1,
        reason: "start_to_close",
        error: { code: "START_TO_CLOSE_TIMEOUT", message: "the attempt did not finish within its start-to-close timeout of 30000 ms" },
      },
      { kind: "failTask", taskKey: "work", mapIndex: -1, attempt: 1, reason: "max_attempts" },
      { kind: "upstreamFailed", taskKey: "next", mapIndex: -1, attempt: 1, upstream: ["work"] },
      {
        kind: "failExecution",
        error: { code: "TASK_TIMED_OUT", message: "task work ended TIMED_OUT: the attempt did not finish within its start-to-close timeout of 30000 ms", taskKey: "work" },
      },
    ]);
  });

  it("before the deadline nothing happens and wakeAt says when to look again", () => {
    const decision = decideOnce({ definition: timed({ startToCloseMs: 30000 }), runs: [run("work", "RUNNING")], now: at(29999) });
    expect(decision).toEqual({ commands: [], wakeAt: at(30000) });
  });

  it("heartbeat: counted from the last heartbeat; a timed-out attempt is retried", () => {
    const definition = timed({ heartbeatMs: 5000 }, { maximumAttempts: 2 });
    const alive = decideOnce({ definition, runs: [run("work", "RUNNING", { heartbeatAt: at(10000) })], now: at(14000) });
    expect(alive).toEqual({ commands: [], wakeAt: at(15000) });
    expect(brief(decideOnce({ definition, runs: [run("work", "RUNNING", { heartbeatAt: at(10000) })], now: at(15000) }).commands)).toEqual([
      "timeoutAttempt work (heartbeat)",
      "retry work #2 +1000ms",
    ]);
  });

  it("heartbeat does not apply while the task is waiting (a timer, an approval)", () => {
    expect(decideOnce({ definition: timed({ heartbeatMs: 5000 }), runs: [run("work", "WAITING")], now: at(60000) }).commands).toEqual([]);
  });

  it("schedule-to-close: a task nobody picked up in time fails, retries left or not", () => {
    const definition = timed({ scheduleToCloseMs: 60000 }, { maximumAttempts: 5 });
    expect(commandsFor(definition, [run("work", "SCHEDULED")], { now: at(60000) })).toEqual([
      "timeoutAttempt work (schedule_to_close)",
      "failTask work (schedule_to_close)",
      "upstreamFailed next <- work",
      "failExecution",
    ]);
  });

  it("schedule-to-close counts from the first attempt's scheduling, across retries", () => {
    const definition = timed({ scheduleToCloseMs: 10000 }, { maximumAttempts: 5 });
    const runs = [run("work", "FAILED", { scheduledAt: at(0), endedAt: at(2000) }), run("work", "RUNNING", { attempt: 2, scheduledAt: at(3000), startedAt: at(3000) })];
    expect(commandsFor(definition, runs, { now: at(10000) })).toEqual([
      "timeoutAttempt work (schedule_to_close)",
      "failTask work (schedule_to_close)",
      "upstreamFailed next <- work",
      "failExecution",
    ]);
  });

  it("no retry when the next attempt would start after the schedule-to-close deadline", () => {
    const definition = timed({ scheduleToCloseMs: 10000 }, { maximumAttempts: 5, initialIntervalMs: 4000 });
    expect(commandsFor(definition, [failedRun("work", { scheduledAt: at(0), endedAt: at(7000) })], { now: at(7000) })).toEqual([
      "failTask work (schedule_to_close)",
      "upstreamFailed next <- work",
      "failExecution",
    ]);
  });

  it("the earliest of several deadlines wins", () => {
    const definition = timed({ startToCloseMs: 20000, heartbeatMs: 5000, scheduleToCloseMs: 100000 });
    expect(decideOnce({ definition, runs: [run("work", "RUNNING", { heartbeatAt: at(4000) })], now: at(1000) }).wakeAt).toEqual(at(9000));
  });
});

describe("decide: pause", () => {
  const chain = workflow([task("a", { retry: { maximumAttempts: 3 } }), task("b", { dependsOn: ["a"] })]);

  it("schedules nothing new while paused", () => {
    expect(commandsFor(chain, [run("a", "COMPLETED")], { status: "PAUSED" })).toEqual([]);
  });

  it("defers retries while paused, and retries on resume", () => {
    expect(commandsFor(chain, [failedRun("a", { endedAt: T0 })], { status: "PAUSED" })).toEqual([]);
    expect(commandsFor(chain, [failedRun("a", { endedAt: T0 })], { status: "RUNNING" })).toEqual(["retry a #2 +1000ms"]);
  });

  it("running attempts still time out while paused; the failure is answered on resume", () => {
    const definition = workflow([task("a", { timeouts: { startToCloseMs: 1000 } })]);
    expect(commandsFor(definition, [run("a", "RUNNING")], { status: "PAUSED", now: at(1000) })).toEqual([
      "timeoutAttempt a (start_to_close)",
      "failTask a (max_attempts)",
    ]);
  });

  it("does not end while paused; ends on resume", () => {
    const runtime = new FakeRuntime(chain);
    runtime.decide();
    runtime.operator("pause").succeed("a");
    expect(runtime.decide()).toEqual([]);
    runtime.operator("resume");
    expect(brief(runtime.decide())).toEqual(["schedule b"]);
    runtime.succeed("b");
    expect(brief(runtime.decide())).toEqual(["completeExecution"]);
  });

  it("still propagates failures structurally while paused", () => {
    expect(commandsFor(workflow([task("a"), task("b", { dependsOn: ["a"] })]), [run("a", "FAILED")], { status: "PAUSED" })).toEqual([
      "upstreamFailed b <- a",
    ]);
  });
});

describe("decide: map", () => {
  const mapped = (options: Parameters<typeof mapTask>[1]) => workflow([mapTask("each", options), task("after", { dependsOn: ["each"] })]);
  const item = (index: number, status: TaskStatus, extras: Partial<TaskRunSnapshot> = {}) => run("each", status, { mapIndex: index, ...extras });

  it("schedules nothing until the runtime has recorded the item count", () => {
    expect(commandsFor(mapped({}), [run("each", "RUNNING")])).toEqual([]);
  });

  it("schedules items up to the concurrency limit, then one per freed slot", () => {
    const definition = mapped({ concurrency: 2 });
    expect(commandsFor(definition, [run("each", "RUNNING", { mapItemCount: 5 })])).toEqual(["schedule each[0]", "schedule each[1]"]);
    expect(commandsFor(definition, [run("each", "RUNNING", { mapItemCount: 5 }), item(0, "COMPLETED"), item(1, "RUNNING")])).toEqual([
      "schedule each[2]",
    ]);
  });

  it("collect (default): completes with successes and failures by index, and its dependents run at once", () => {
    const decision = decideOnce({
      definition: mapped({}),
      runs: [
        run("each", "RUNNING", { mapItemCount: 3 }),
        item(0, "COMPLETED", { output: { n: 0 } }),
        item(1, "FAILED", { error: { code: "BOOM", message: "item one broke" } }),
        item(2, "COMPLETED", { output: { n: 2 } }),
      ],
    });
    expect(decision.commands).toEqual([
      {
        kind: "completeMap",
        taskKey: "each",
        mapIndex: -1,
        attempt: 1,
        output: { success: { "0": { n: 0 }, "2": { n: 2 } }, failure: { "1": { code: "BOOM", message: "item one broke" } } },
      },
      { kind: "schedule", taskKey: "after", mapIndex: -1, attempt: 1, runAt: T0, status: "SCHEDULED" },
    ]);
  });

  it("collect waits for every item even after a failure", () => {
    expect(commandsFor(mapped({ concurrency: 1 }), [run("each", "RUNNING", { mapItemCount: 3 }), item(0, "FAILED")])).toEqual(["schedule each[1]"]);
  });

  it("fail-fast: the first failed item fails the map and cancels the rest", () => {
    const decision = decideOnce({
      definition: mapped({ failFast: true, concurrency: 3 }),
      runs: [
        run("each", "RUNNING", { mapItemCount: 10 }),
        item(0, "COMPLETED"),
        failedRun("each", { mapIndex: 1, error: { code: "BOOM", message: "item one broke" } }),
        item(2, "RUNNING"),
        item(3, "SCHEDULED"),
      ],
    });
    expect(brief(decision.commands)).toEqual([
      "failTask each[1] (max_attempts)",
      "cancelAttempt each[2] (map_failed)",
      "cancelAttempt each[3] (map_failed)",
      "failMap each",
      "upstreamFailed after <- each",
      "failExecution",
    ]);
    expect(decision.commands[3]).toEqual({
      kind: "failMap",
      taskKey: "each",
      mapIndex: -1,
      attempt: 1,
      error: {
        code: "MAP_ITEM_FAILED",
        message: "item 1 failed: item one broke",
        details: { index: 1, error: { code: "BOOM", message: "item one broke" } },
      },
    });
  });

  it("items are retried with the item task's policy", () => {
    const definition = mapped({ retry: { maximumAttempts: 2 }, failFast: true });
    expect(commandsFor(definition, [run("each", "RUNNING", { mapItemCount: 1 }), failedRun("each", { mapIndex: 0 })])).toEqual(["retry each[0] #2 +1000ms"]);
  });

  it("an empty list completes at once", () => {
    expect(commandsFor(mapped({}), [run("each", "RUNNING", { mapItemCount: 0 })])).toEqual(["completeMap each", "schedule after"]);
  });

  it("items time out with the item task's timeouts", () => {
    const definition = mapped({ timeouts: { startToCloseMs: 1000 } });
    expect(commandsFor(definition, [run("each", "RUNNING", { mapItemCount: 1 }), item(0, "RUNNING")], { now: at(1000) })).toEqual([
      "timeoutAttempt each[0] (start_to_close)",
      "failTask each[0] (max_attempts)",
      "completeMap each",
      "schedule after",
    ]);
  });

  it("a map that times out cancels its live items and fails (maps are not retried as a whole)", () => {
    const definition = workflow([mapTask("each", {}, { timeouts: { startToCloseMs: 5000 }, retry: { maximumAttempts: 3 } })]);
    expect(commandsFor(definition, [run("each", "RUNNING", { mapItemCount: 2 }), item(0, "COMPLETED"), item(1, "RUNNING")], { now: at(5000) })).toEqual([
      "timeoutAttempt each (start_to_close)",
      "cancelAttempt each[1] (map_timed_out)",
      "failTask each (max_attempts)",
      "failExecution",
    ]);
  });

  it("end to end: 5 items, 2 at a time", () => {
    const runtime = new FakeRuntime(mapped({ concurrency: 2 }));
    runtime.decide();
    runtime.startMap("each", 5);
    const started: number[][] = [];
    for (let round = 0; round < 10 && runtime.status("each") === "RUNNING"; round += 1) {
      const scheduled = runtime.decide().flatMap((command) => (command.kind === "schedule" && command.mapIndex >= 0 ? [command.mapIndex] : []));
      if (scheduled.length > 0) started.push(scheduled);
      const running = runtime.runs.filter((entry) => entry.mapIndex >= 0 && entry.status === "SCHEDULED");
      // finish one item per round, so a single slot frees up
      if (running[0]) runtime.succeed("each", running[0].mapIndex * 10, running[0].mapIndex);
      for (const entry of running.slice(1)) runtime.start("each", entry.mapIndex);
      for (const entry of runtime.runs.filter((candidate) => candidate.mapIndex >= 0 && candidate.status === "RUNNING").slice(0, 1)) {
        runtime.complete("each", entry.mapIndex * 10, entry.mapIndex);
      }
    }
    expect(started).toEqual([[0, 1], [2, 3], [4]]);
    expect(runtime.latest("each")?.output).toEqual({ success: { "0": 0, "1": 10, "2": 20, "3": 30, "4": 40 }, failure: {} });
  });
});

describe("decide: the execution's end and its timeout", () => {
  const chain = workflow([task("a"), task("b", { dependsOn: ["a"] })], { timeoutMs: 60000 });

  it("times out the whole execution and cancels what is live", () => {
    const decision = decideOnce({ definition: chain, runs: [run("a", "COMPLETED"), run("b", "RUNNING")], now: at(60000) });
    expect(decision.commands).toEqual([
      { kind: "timeoutExecution", error: { code: "WORKFLOW_TIMEOUT", message: "the execution did not finish within its timeout of 60000 ms" } },
      { kind: "cancelAttempt", taskKey: "b", mapIndex: -1, attempt: 1, reason: "execution_ended" },
    ]);
  });

  it("wakes up at the workflow deadline", () => {
    expect(decideOnce({ definition: chain, runs: [run("a", "RUNNING")], now: at(1000) }).wakeAt).toEqual(at(60000));
  });

  it("the timeout also runs while paused", () => {
    expect(commandsFor(chain, [run("a", "RUNNING")], { status: "PAUSED", now: at(60000) })).toEqual([
      "timeoutExecution",
      "cancelAttempt a (execution_ended)",
      "cancelAttempt b (execution_ended)",
    ]);
  });

  it.each(["TERMINATED", "TIMED_OUT"] as const)("a %s execution cancels the tasks it never reached, so none stays PENDING", (status) => {
    //   a ─ b ─ c      terminated while a ran: b and c never started
    const three = workflow([task("a"), task("b", { dependsOn: ["a"] }), task("c", { dependsOn: ["b"] })]);
    const decision = decideOnce({ definition: three, execution: execution(status), runs: [run("a", "CANCELLED")] });
    expect(decision.commands).toEqual([
      { kind: "cancelAttempt", taskKey: "b", mapIndex: -1, attempt: 1, reason: "execution_ended" },
      { kind: "cancelAttempt", taskKey: "c", mapIndex: -1, attempt: 1, reason: "execution_ended" },
    ]);
    const board = new RunBoard([run("a", "CANCELLED")]);
    expect(commandPatches(board, decision.commands[0]!, T0)).toMatchObject({ ok: true, writes: [{ taskKey: "b", attempt: 1, create: true, patch: { status: "CANCELLED", endedAt: T0 } }] });
  });

  it.each(["TERMINATED", "COMPLETED", "FAILED", "TIMED_OUT"] as const)("a %s execution only cancels live attempts", (status) => {
    const runs = [run("a", "COMPLETED"), run("b", "RETRYING", { attempt: 2 }), run("x", "WAITING", { mapIndex: 3 })];
    expect(commandsFor(chain, runs, { status })).toEqual(["cancelAttempt b (execution_ended)", "cancelAttempt x[3] (execution_ended)"]);
  });

  it("completes when every task ended without a failure (skips are fine)", () => {
    expect(commandsFor(workflow([task("a"), task("b")]), [run("a", "COMPLETED"), run("b", "SKIPPED")])).toEqual(["completeExecution"]);
  });

  it("fails on a cancelled task", () => {
    expect(commandsFor(workflow([task("a")]), [run("a", "CANCELLED")])).toEqual(["failExecution"]);
  });

  it("refuses a cyclic definition as a failure, not an exception", () => {
    const cyclic = workflow([task("a", { dependsOn: ["b"] }), task("b", { dependsOn: ["a"] })]);
    expect(decide({ definition: cyclic, execution: execution("QUEUED"), runs: [], now: T0 }).commands).toEqual([
      { kind: "failExecution", error: { code: "INVALID_DEFINITION", message: "the workflow's tasks form a cycle" } },
      { kind: "cancelAttempt", taskKey: "a", mapIndex: -1, attempt: 1, reason: "execution_ended" },
      { kind: "cancelAttempt", taskKey: "b", mapIndex: -1, attempt: 1, reason: "execution_ended" },
    ]);
  });
});
