/**
 * A switch's branches, and the warnings about them that a valid definition may still deserve.
 *
 * A branch is a case (by position: `case-0`, `case-1`, …) or the default (`default`). The designer
 * draws one handle per branch with these ids; validation names branches by their case names.
 */
import { buildTaskGraph } from "./graph";
import { joinPath, type ValidationIssue } from "./paths";
import { DEFAULT_TRIGGER_RULE, type TriggerRule, type WorkflowDefinition } from "./schema";

export type BranchId = `case-${number}` | "default";

export type SwitchBranch = {
  id: BranchId;
  /** The case's name, or "default". */
  name: string;
  /** The branch's task keys as written (duplicates kept, non-strings left out). */
  targets: string[];
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const keysOf = (list: unknown): string[] => (Array.isArray(list) ? list.filter((key): key is string => typeof key === "string") : []);

/**
 * The branches of a switch's params, read loosely (a draft may be malformed): every case, then the
 * default (always listed, so that it can be drawn and connected even while it has no tasks).
 */
export function switchBranches(params: unknown): SwitchBranch[] {
  const record = isRecord(params) ? params : {};
  const cases = Array.isArray(record.cases) ? record.cases : [];
  const branches: SwitchBranch[] = cases.map((branch, index) => {
    const entry = isRecord(branch) ? branch : {};
    const name = typeof entry.name === "string" && entry.name !== "" ? entry.name : `case ${index + 1}`;
    return { id: `case-${index}` as const, name, targets: keysOf(entry.next) };
  });
  branches.push({ id: "default", name: "default", targets: keysOf(record.default) });
  return branches;
}

/** `case-2` → 2, `default` → "default", anything else → undefined. */
export function parseBranchId(id: string | null | undefined): number | "default" | undefined {
  if (id === "default") return "default";
  const match = /^case-(\d+)$/.exec(id ?? "");
  return match ? Number(match[1]) : undefined;
}

/**
 * A task after a switch that waits for tasks of different branches under all_success: only one
 * branch runs, so it is always SKIPPED. `rules` are the trigger rules that fit, best first.
 */
export type SwitchJoin = { taskKey: string; switchKey: string; branches: string[]; rules: TriggerRule[] };

const ANY = null; // not limited by the switch: runs whichever branch is taken

/**
 * Joins of switch branches under all_success (see SwitchJoin). Per switch, each task below it
 * gets the set of branches under which it can run: a branch task those that list it; an
 * all_success task the intersection over its parents, a one_success task the union, and
 * all_done / none_failed tasks any branch (they run after skipped upstreams too). An all_success
 * task whose parents can each run but never all together is a join that never runs.
 */
export function switchJoins(definition: WorkflowDefinition): SwitchJoin[] {
  const graph = buildTaskGraph(definition.tasks);
  const order = graph.topologicalOrder() ?? [];
  const byKey = new Map(definition.tasks.map((task) => [task.key, task]));
  const joins = new Map<string, SwitchJoin>();
  for (const task of definition.tasks) {
    if (task.type !== "switch") continue;
    const branches = switchBranches(task.params);
    const below = new Set(graph.downstreamOf(task.key));
    const runsOn = new Map<string, Set<number> | typeof ANY>();
    const branchesOf = (parent: string, child: string): Set<number> | typeof ANY => {
      if (parent === task.key) return new Set(branches.flatMap((branch, index) => (branch.targets.includes(child) ? [index] : [])));
      return below.has(parent) ? (runsOn.get(parent) ?? ANY) : ANY;
    };
    for (const key of order) {
      if (!below.has(key)) continue;
      const child = byKey.get(key)!;
      const parents = graph.parentsOf(key).map((parent) => ({ parent, on: branchesOf(parent, key) }));
      const limited = parents.filter((entry): entry is { parent: string; on: Set<number> } => entry.on !== ANY);
      const rule = child.triggerRule ?? DEFAULT_TRIGGER_RULE;
      if (limited.length === 0 || rule === "all_done" || rule === "none_failed") {
        runsOn.set(key, ANY);
      } else if (rule === "one_success") {
        runsOn.set(key, limited.length < parents.length ? ANY : new Set(limited.flatMap((entry) => [...entry.on])));
      } else {
        const common = limited.map((entry) => entry.on).reduce((a, b) => new Set([...a].filter((index) => b.has(index))));
        runsOn.set(key, common);
        // A parent that can never run is its own problem (reported at that parent).
        if (common.size > 0 || limited.some((entry) => entry.on.size === 0) || limited.length < 2 || joins.has(key)) continue;
        const involved = [...new Set(limited.flatMap((entry) => [...entry.on]))].sort((a, b) => a - b);
        // one_success fits only when at most one parent can run: each in branches no other parent is in.
        const disjoint = limited.every((entry, i) => limited.every((other, j) => i === j || [...entry.on].every((index) => !other.on.has(index))));
        joins.set(key, {
          taskKey: key,
          switchKey: task.key,
          branches: involved.map((index) => branches[index]!.name),
          rules: disjoint && limited.length === parents.length ? ["none_failed", "one_success"] : ["none_failed"],
        });
      }
    }
  }
  return [...joins.values()];
}

const listed = (names: string[]) => (names.length <= 2 ? names.join(" and ") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`);

/**
 * Warnings about the switches of a valid definition: a task listed twice in one branch, a task in
 * every branch (the switch does not decide anything for it), and joins that never run.
 */
export function switchWarnings(definition: WorkflowDefinition): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const indexOf = new Map(definition.tasks.map((task, index) => [task.key, index]));
  definition.tasks.forEach((task, taskIndex) => {
    if (task.type !== "switch") return;
    const base = joinPath(joinPath("tasks", taskIndex), "params");
    const branches = switchBranches(task.params);
    branches.forEach((branch, index) => {
      const listPath = branch.id === "default" ? joinPath(base, "default") : `${joinPath(joinPath(base, "cases"), index)}.next`;
      branch.targets.forEach((key, position) => {
        if (branch.targets.indexOf(key) === position) return;
        issues.push({
          path: joinPath(listPath, position),
          code: "duplicate_branch_task",
          message: `"${key}" is listed twice in branch ${branch.name} of switch "${task.key}"`,
        });
      });
    });
    if (task.params.default === undefined) return;
    const everywhere = [...new Set(branches[0]!.targets)].filter((key) => branches.every((branch) => branch.targets.includes(key)));
    for (const key of everywhere) {
      issues.push({
        path: joinPath(base, "default"),
        code: "task_in_every_branch",
        message: `"${key}" is in every branch of switch "${task.key}" (each case and the default), so it runs whichever is taken: take it out of all but one, or let it depend on the switch's upstream instead`,
      });
    }
  });
  for (const join of switchJoins(definition)) {
    const others = join.rules.length > 1 ? ` (or ${join.rules.slice(1).join(", ")})` : "";
    issues.push({
      path: `${joinPath("tasks", indexOf.get(join.taskKey)!)}.triggerRule`,
      code: "join_after_switch",
      message: `"${join.taskKey}" joins the branches ${listed(join.branches)} of switch "${join.switchKey}": only one of them runs, so under all_success "${join.taskKey}" is always SKIPPED. Set its trigger rule to ${join.rules[0]}${others}`,
    });
  }
  return issues;
}
