import { describe, expect, it } from "vitest";
import { decide } from "./decide";
import { planRerun, planRestart, planRetry } from "./rerun";
import { transitionExecution } from "./transitions";
import { T0, brief, run, switchTask, task, workflow } from "./testing";
import type { TaskRunSnapshot } from "./types";

/*
 *            ┌─ test_1 ─┐
 *   build ───┤          ├─── deploy ─── notify
 *            └─ test_2 ─┘
 *                          cleanup (all_done, after deploy)
 */
const definition = workflow([
  task("build"),
  task("test_1", { dependsOn: ["build"] }),
  task("test_2", { dependsOn: ["build"] }),
  task("deploy", { dependsOn: ["test_1", "test_2"] }),
  task("notify", { dependsOn: ["deploy"] }),
  task("cleanup", { dependsOn: ["deploy"], triggerRule: "all_done" }),
]);

const failedAtTest2: TaskRunSnapshot[] = [
  run("build", "COMPLETED", { output: { artifact: "a.tgz" } }),
  run("test_1", "COMPLETED"),
  run("test_2", "FAILED", { attempt: 1 }),
  run("test_2", "FAILED", { attempt: 2 }),
  run("deploy", "UPSTREAM_FAILED"),
  run("notify", "UPSTREAM_FAILED"),
  run("cleanup", "COMPLETED"),
];

const allCompleted: TaskRunSnapshot[] = definition.tasks.map((entry) => run(entry.key, "COMPLETED"));

describe("planRerun", () => {
  it.each([
    ["build", allCompleted, ["build", "test_1", "test_2", "deploy", "notify", "cleanup"], []],
    ["deploy", allCompleted, ["deploy", "notify", "cleanup"], ["build", "test_1", "test_2"]],
    ["notify", allCompleted, ["notify"], ["build", "test_1", "test_2", "deploy", "cleanup"]],
    ["test_2", failedAtTest2, ["test_2", "deploy", "notify", "cleanup"], ["build", "test_1"]],
    ["test_1", failedAtTest2, ["test_1", "deploy", "notify", "cleanup"], ["build", "test_2"]],
  ] as const)("from %s", (fromTaskKey, runs, reset, kept) => {
    expect(planRerun(definition, runs, fromTaskKey)).toEqual({ ok: true, reset, kept });
  });

  it.each([
    [
      "an unknown task",
      allCompleted,
      "ship",
      { code: "UNKNOWN_TASK", message: 'there is no task "ship" in this workflow version' },
    ],
    [
      "a task whose upstream failed",
      failedAtTest2,
      "deploy",
      {
        code: "NOT_RUNNABLE",
        message: "cannot rerun from deploy: its upstream task test_2 is FAILED; retry the execution or rerun from test_2 instead",
      },
    ],
    [
      "while tasks are active",
      [run("build", "COMPLETED"), run("test_1", "RUNNING"), run("test_2", "RETRYING", { attempt: 2 })],
      "build",
      { code: "TASKS_ACTIVE", message: "tasks are still active (test_1, test_2); wait for them or terminate the execution first" },
    ],
  ] as const)("refuses %s, as a value", (_name, runs, fromTaskKey, error) => {
    expect(planRerun(definition, [...runs], fromTaskKey)).toEqual({ ok: false, error });
  });

  it("refuses a task in a branch the switch did not take", () => {
    const branched = workflow([switchTask("route", { a: ["a"], b: ["b"] }), task("a", { dependsOn: ["route"] }), task("b", { dependsOn: ["route"] })]);
    const runs = [run("route", "COMPLETED", { output: { branch: "a" } }), run("a", "COMPLETED"), run("b", "SKIPPED")];
    expect(planRerun(branched, runs, "b")).toEqual({
      ok: false,
      error: { code: "NOT_RUNNABLE", message: "cannot rerun from b: switch route did not take its branch; rerun from route instead" },
    });
    expect(planRerun(branched, runs, "route")).toEqual({ ok: true, reset: ["route", "a", "b"], kept: [] });
  });

  it("refuses a cyclic definition", () => {
    const cyclic = workflow([task("a", { dependsOn: ["b"] }), task("b", { dependsOn: ["a"] })]);
    expect(planRerun(cyclic, [], "a")).toMatchObject({ ok: false, error: { code: "INVALID_DEFINITION" } });
  });

  it("applied as the runtime would (archive, reopen, decide), the reset task runs again with the kept outputs", () => {
    const plan = planRerun(definition, allCompleted, "deploy");
    if (!plan.ok) throw new Error(plan.error.message);
    const reopened = transitionExecution("COMPLETED", "reset", T0);
    expect(reopened).toMatchObject({ ok: true, status: "RUNNING" });
    const runs = allCompleted.filter((entry) => !plan.reset.includes(entry.taskKey));
    const decision = decide({ definition, execution: { status: "RUNNING", createdAt: T0, startedAt: T0 }, runs, now: T0 });
    expect(brief(decision.commands)).toEqual(["schedule deploy"]);
  });
});

describe("planRetry", () => {
  it("resets the failed task and what it kept from running; keeps the rest", () => {
    expect(planRetry(definition, failedAtTest2)).toEqual({
      ok: true,
      reset: ["test_2", "deploy", "notify"],
      kept: ["build", "test_1", "cleanup"],
    });
  });

  it("resets timed-out and cancelled tasks, and skips by propagation", () => {
    const chain = workflow([task("a"), task("b"), task("c", { dependsOn: ["a"] }), task("d", { dependsOn: ["b"], triggerRule: "all_done" }), task("e", { dependsOn: ["d"] })]);
    const runs = [run("a", "TIMED_OUT"), run("b", "CANCELLED"), run("c", "UPSTREAM_FAILED"), run("d", "SKIPPED"), run("e", "SKIPPED")];
    expect(planRetry(chain, runs)).toEqual({ ok: true, reset: ["a", "b", "c", "d", "e"], kept: [] });
  });

  it("after the reset, decide retries the failed task first and the rest follows", () => {
    const plan = planRetry(definition, failedAtTest2);
    if (!plan.ok) throw new Error(plan.error.message);
    const runs = failedAtTest2.filter((entry) => !plan.reset.includes(entry.taskKey));
    const decision = decide({ definition, execution: { status: "RUNNING", createdAt: T0, startedAt: T0 }, runs, now: T0 });
    expect(brief(decision.commands)).toEqual(["schedule test_2"]);
  });

  it.each([
    ["nothing failed", allCompleted, { code: "NOTHING_TO_RETRY", message: "no task failed, timed out or was cancelled" }],
    [
      "tasks are active",
      [run("build", "FAILED"), run("test_1", "WAITING")],
      { code: "TASKS_ACTIVE", message: "tasks are still active (test_1); wait for them or terminate the execution first" },
    ],
  ] as const)("refuses when %s", (_name, runs, error) => {
    expect(planRetry(definition, [...runs])).toEqual({ ok: false, error });
  });
});

describe("planRestart", () => {
  it("resets every task, in topological order", () => {
    expect(planRestart(definition)).toEqual({
      ok: true,
      reset: ["build", "test_1", "test_2", "deploy", "notify", "cleanup"],
      kept: [],
    });
  });
});
