import { describe, expect, it } from "vitest";
import { validateDefinition } from "./validate";
import { parseBranchId, switchBranches, switchJoins } from "./switch-branches";
import type { WorkflowDefinition } from "./schema";

const transform = (key: string, dependsOn: string[], extra: Record<string, unknown> = {}) => ({ key, type: "transform", dependsOn, params: { output: key }, ...extra });

function warningsOf(definition: Record<string, unknown>) {
  const result = validateDefinition(definition);
  if (!result.ok) throw new Error(`invalid: ${JSON.stringify(result.errors)}`);
  return result.warnings.map((warning) => `${warning.code} @ ${warning.path}: ${warning.message}`);
}

//            ┌ few ───── small ─┐
//   route ───┤                  ├─ join
//            └ default ─ large ─┘
const joinAfterSwitch = (joinExtra: Record<string, unknown> = {}) => ({
  name: "join-after-switch",
  tasks: [
    { key: "route", type: "switch", params: { cases: [{ name: "few", when: "{% $input.n < 5 %}", next: ["small"] }], default: ["large"] } },
    transform("small", ["route"]),
    transform("large", ["route"]),
    transform("join", ["small", "large"], joinExtra),
  ],
});

describe("switchBranches", () => {
  it("lists every case by position, then the default (also when absent)", () => {
    expect(switchBranches({ cases: [{ name: "a", when: "{% true %}", next: ["x", "y"] }, { name: "", next: "nope" }] })).toEqual([
      { id: "case-0", name: "a", targets: ["x", "y"] },
      { id: "case-1", name: "case 2", targets: [] },
      { id: "default", name: "default", targets: [] },
    ]);
    expect(switchBranches(undefined)).toEqual([{ id: "default", name: "default", targets: [] }]);
  });

  it.each([
    ["case-0", 0],
    ["case-12", 12],
    ["default", "default"],
    ["case-", undefined],
    [null, undefined],
    ["other", undefined],
  ] as const)("parseBranchId(%j) = %j", (id, expected) => {
    expect(parseBranchId(id)).toBe(expected);
  });
});

describe("switch warnings", () => {
  it("a join of two branches under all_success never runs: warned at its trigger rule, naming the branches and the rules that fit", () => {
    expect(warningsOf(joinAfterSwitch())).toEqual([
      'join_after_switch @ tasks[3].triggerRule: "join" joins the branches few and default of switch "route": only one of them runs, so under all_success "join" is always SKIPPED. Set its trigger rule to none_failed (or one_success)',
    ]);
    expect(switchJoins(joinAfterSwitch() as unknown as WorkflowDefinition)).toEqual([
      { taskKey: "join", switchKey: "route", branches: ["few", "default"], rules: ["none_failed", "one_success"] },
    ]);
  });

  it.each(["none_failed", "one_success", "all_done"])("no warning once the join's rule is %s", (triggerRule) => {
    expect(warningsOf(joinAfterSwitch({ triggerRule }))).toEqual([]);
  });

  it("follows chains below the branches, and a join with a parent outside the switch only suggests none_failed", () => {
    //   route ─ few ─ a ─ a2 ─┐
    //         └ many ─ b ─────┼─ join
    //   other ────────────────┘
    const definition = {
      name: "chains",
      tasks: [
        { key: "route", type: "switch", params: { cases: [{ name: "few", when: "{% true %}", next: ["a"] }, { name: "many", when: "{% false %}", next: ["b"] }] } },
        transform("a", ["route"]),
        transform("a2", ["a"]),
        transform("b", ["route"]),
        transform("other", []),
        transform("join", ["a2", "b", "other"]),
      ],
    };
    expect(warningsOf(definition)).toEqual([
      'join_after_switch @ tasks[5].triggerRule: "join" joins the branches few and many of switch "route": only one of them runs, so under all_success "join" is always SKIPPED. Set its trigger rule to none_failed',
    ]);
  });

  it("no warning for a task that runs on one branch only, or after a task in two branches", () => {
    const definition = {
      name: "fine",
      tasks: [
        { key: "route", type: "switch", params: { cases: [{ name: "few", when: "{% true %}", next: ["a", "both"] }, { name: "many", when: "{% false %}", next: ["both"] }] } },
        transform("a", ["route"]),
        transform("both", ["route"]),
        transform("other", []),
        transform("after_a", ["a", "other"]),
        transform("after_both", ["a", "both"]),
      ],
    };
    expect(warningsOf(definition)).toEqual([]);
  });

  it("a task listed twice in one branch, and a task in every branch, are warned about", () => {
    const definition = {
      name: "twice",
      tasks: [
        { key: "route", type: "switch", params: { cases: [{ name: "few", when: "{% true %}", next: ["a", "b", "a"] }], default: ["b", "b"] } },
        transform("a", ["route"]),
        transform("b", ["route"]),
      ],
    };
    expect(warningsOf(definition)).toEqual([
      'duplicate_branch_task @ tasks[0].params.cases[0].next[2]: "a" is listed twice in branch few of switch "route"',
      'duplicate_branch_task @ tasks[0].params.default[1]: "b" is listed twice in branch default of switch "route"',
      'task_in_every_branch @ tasks[0].params.default: "b" is in every branch of switch "route" (each case and the default), so it runs whichever is taken: take it out of all but one, or let it depend on the switch\'s upstream instead',
    ]);
  });
});
