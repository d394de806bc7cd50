// Joins after a switch on the real engine, both databases (issue 12, point 7): what each trigger
// rule does with the branch that was not taken, and a switch's dependent under one_success, which
// must wait for the switch to pick its branch instead of starting when its other upstream completes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { run, taskOf } from "./engine-task-types.support";

//            ┌ few ───── small ─┐
//   route ───┤                  ├─ join (rule under test)
//            └ default ─ large ─┘
const joinAfterSwitch = (triggerRule?: string) => ({
  tasks: [
    { key: "route", type: "switch", params: { cases: [{ name: "few", when: "{% $input.size < 5 %}", next: ["small"] }], default: ["large"] } },
    { key: "small", type: "transform", dependsOn: ["route"], params: { output: "small" } },
    { key: "large", type: "transform", dependsOn: ["route"], params: { output: "large" } },
    {
      key: "join",
      type: "transform",
      dependsOn: ["small", "large"],
      ...(triggerRule ? { triggerRule } : {}),
      params: { output: "{% $tasks.small.status = 'COMPLETED' ? $tasks.small.output : $tasks.large.output %}" },
    },
  ],
});

describe.each(TEST_PROVIDERS)("a join after a switch on %s", (provider) => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await createEngineHarness(provider);
  });
  afterAll(async () => h?.cleanup());

  it("under all_success (the default) the join is SKIPPED, while the execution completes: what the designer warns about", async () => {
    const execution = await run(h, "join-all-success", joinAfterSwitch(), { size: 3 });
    expect(execution.status).toBe("COMPLETED");
    expect(taskOf(execution, "large").status).toBe("SKIPPED");
    expect(taskOf(execution, "join").status).toBe("SKIPPED");
  });

  it.each(["none_failed", "one_success"])("under %s the join runs after whichever branch was taken", async (rule) => {
    for (const [size, taken] of [[3, "small"], [9, "large"]] as const) {
      const execution = await run(h, `join-${rule}`, joinAfterSwitch(rule), { size });
      expect(execution.status).toBe("COMPLETED");
      expect(taskOf(execution, "join").status).toBe("COMPLETED");
      expect(taskOf(execution, "join").attempts[0]!.output).toBe(taken);
    }
  });

  it("a failure in the taken branch fails the join under none_failed (UPSTREAM_FAILED), not silently runs it", async () => {
    const definition = joinAfterSwitch("none_failed");
    definition.tasks[1] = { key: "small", type: "transform", dependsOn: ["route"], params: { output: '{% $error("small broke") %}' } };
    const execution = await run(h, "join-none-failed-broken", definition, { size: 3 });
    expect(execution.status).toBe("FAILED");
    expect(taskOf(execution, "join").status).toBe("UPSTREAM_FAILED");
  });

  //   slow (wait) ─ route ──┬ a ─ on_a
  //                         └ b ─ on_b (one_success, also after fast)
  //   fast ─────────────────────────┘
  it("a switch's dependent under one_success waits for the switch: outside the taken branch it is SKIPPED even when its other upstream completed first", async () => {
    const execution = await run(h, "one-success-below-switch", {
      tasks: [
        { key: "slow", type: "wait", params: { durationMs: 300 } },
        { key: "fast", type: "transform", params: { output: "fast" } },
        { key: "route", type: "switch", dependsOn: ["slow"], params: { cases: [{ name: "a", when: "{% true %}", next: ["on_a"] }, { name: "b", when: "{% false %}", next: ["on_b"] }] } },
        { key: "on_a", type: "transform", dependsOn: ["route"], params: { output: "a" } },
        { key: "on_b", type: "transform", dependsOn: ["route", "fast"], triggerRule: "one_success", params: { output: "b" } },
      ],
    });
    expect(execution.status).toBe("COMPLETED");
    expect(taskOf(execution, "on_a").status).toBe("COMPLETED");
    expect(taskOf(execution, "on_b").status).toBe("SKIPPED");
    expect(taskOf(execution, "on_b").attempts.length).toBeLessThanOrEqual(1);
  });

  it("in the taken branch, the same one_success task runs once the switch picked it", async () => {
    const execution = await run(h, "one-success-below-switch-taken", {
      tasks: [
        { key: "slow", type: "wait", params: { durationMs: 300 } },
        { key: "fast", type: "transform", params: { output: "fast" } },
        { key: "route", type: "switch", dependsOn: ["slow"], params: { cases: [{ name: "b", when: "{% true %}", next: ["on_b"] }] } },
        { key: "on_b", type: "transform", dependsOn: ["route", "fast"], triggerRule: "one_success", params: { output: "b" } },
      ],
    });
    expect(execution.status).toBe("COMPLETED");
    const onB = taskOf(execution, "on_b");
    expect(onB.status).toBe("COMPLETED");
    expect(new Date(onB.attempts[0]!.startedAt!).getTime()).toBeGreaterThanOrEqual(new Date(taskOf(execution, "route").attempts[0]!.endedAt!).getTime());
  });
});
