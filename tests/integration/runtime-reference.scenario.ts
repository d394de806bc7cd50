// Scenarios of runtime-reference.property.test.ts: a random workflow (5–12 tasks), a script of
// worker outcomes, and a list of choices that picks the operator's and the worker's next action.
// Only deterministic parts: worker tasks whose outcome the test decides, transforms (one kind
// that fails on every attempt), switches with constant conditions, `when: false`, trigger rules,
// retry policies of 1–3 attempts with a 1 ms backoff (the smallest the schema allows). No timeouts,
// waits or timers, so nothing depends on the clock.
import * as fc from "fast-check";
import type { TriggerRule, WorkflowDefinition } from "@/lib/workflow/schema";
import { validateDefinition } from "@/lib/workflow/validate";

/** What the test's worker does with the n-th attempt of a task it runs (counted across reruns). */
export type Outcome = "ok" | "fail" | "fatal";

export type TaskKind = "worker" | "transform" | "broken" | "switch";

export interface TaskSpec {
  kind: TaskKind;
  parents: number[];
  rule: TriggerRule;
  attempts: number;
  /** The retry policy lists FATAL in nonRetryableErrors. */
  nonRetryable: boolean;
  /** `when: "{% false %}"`: the runtime skips the task when it claims it. */
  whenFalse: boolean;
  /** Switch only: its first case ("yes") holds; otherwise the second ("no", always true) is taken. */
  switchYes: boolean;
  /** The task's outcomes as the worker runs it (worker tasks only); "ok" once the script ends. */
  script: Outcome[];
}

export interface Scenario {
  tasks: TaskSpec[];
  /** Terminate is one of the operator's actions (at most once). */
  allowTerminate: boolean;
  /** Picks each next action among the enabled ones (and the task a rerun starts from). */
  choices: number[];
}

const RULES = ["all_success", "all_done", "one_success", "none_failed"] as const;

const taskSpecArbitrary: fc.Arbitrary<TaskSpec> = fc.record({
  kind: fc.constantFrom<TaskKind>("worker", "worker", "worker", "transform", "broken", "switch"),
  parents: fc.array(fc.nat(), { maxLength: 3 }),
  rule: fc.constantFrom(...RULES),
  attempts: fc.integer({ min: 1, max: 3 }),
  nonRetryable: fc.boolean(),
  whenFalse: fc.integer({ min: 0, max: 11 }).map((n) => n === 0),
  switchYes: fc.boolean(),
  script: fc.array(fc.constantFrom<Outcome>("ok", "ok", "fail", "fail", "fatal"), { maxLength: 5 }),
});

/**
 * Leaves out the place where decide's answer depends on the order in which concurrent
 * attempts end — the engine runs its own attempts concurrently, so the reference cannot know
 * that order (worker outcomes are never concurrent: the test reports them one at a time and waits
 * for the runtime to settle in between):
 * - An all_success task is decided as soon as one upstream says so: SKIPPED for a skipped
 *   upstream, UPSTREAM_FAILED for a failed one. So a scenario has tasks the engine fails itself
 *   (broken transforms) or tasks it skips itself (`when: false`, untaken switch branches), never both.
 * (A switch's dependent under one_success used to be a second such place: it ran when its other
 * upstream completed before the switch. It now waits for the switch, so scenarios keep that rule.)
 */
function deterministic(tasks: TaskSpec[], engineFails: boolean): TaskSpec[] {
  return tasks.map((spec) =>
    engineFails
      ? { ...spec, kind: spec.kind === "switch" ? "transform" : spec.kind, whenFalse: false }
      : { ...spec, kind: spec.kind === "broken" ? "transform" : spec.kind },
  );
}

export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .record({
    tasks: fc.array(taskSpecArbitrary, { minLength: 5, maxLength: 12 }),
    engineFails: fc.boolean(),
    allowTerminate: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    choices: fc.array(fc.nat({ max: 1000 }), { minLength: 80, maxLength: 80 }),
  })
  .map(({ engineFails, tasks, ...rest }) => ({ ...rest, tasks: deterministic(tasks, engineFails) }));

export const taskKeyOf = (index: number) => `t${index}`;

/** The parents of task `index` as task keys (earlier tasks only, so the graph is acyclic). */
export function parentKeys(scenario: Scenario, index: number): string[] {
  if (index === 0) return [];
  return [...new Set(scenario.tasks[index]!.parents.map((parent) => taskKeyOf(parent % index)))];
}

/** The definition as saved (`tag` makes the name and the worker task types unique). */
export function definitionOf(scenario: Scenario, tag: string): Record<string, unknown> {
  const dependents = (key: string) => scenario.tasks.map((_, index) => index).filter((index) => parentKeys(scenario, index).includes(key)).map(taskKeyOf);
  const tasks = scenario.tasks.map((spec, index) => {
    const key = taskKeyOf(index);
    const dependsOn = parentKeys(scenario, index);
    const firstParent = dependsOn[0];
    const retry = { maximumAttempts: spec.attempts, initialIntervalMs: 1, ...(spec.nonRetryable ? { nonRetryableErrors: ["FATAL"] } : {}) };
    const common = { key, dependsOn, triggerRule: spec.rule, retry, ...(spec.whenFalse ? { when: "{% false %}" } : {}) };
    switch (spec.kind) {
      case "worker":
        return { ...common, type: "worker", params: { taskType: workerTaskType(tag, key) } };
      case "transform":
        // Reads its first parent's output, unless one_success may run it before that parent ended.
        return { ...common, type: "transform", params: { output: { key, ...(firstParent && spec.rule !== "one_success" ? { from: `{% $tasks.${firstParent}.output.key %}` } : {}) } } };
      case "broken":
        return { ...common, type: "transform", params: { output: { key, boom: `{% $error('${key} is broken') %}` } } };
      case "switch": {
        const below = dependents(key);
        return {
          ...common,
          type: "switch",
          params: {
            cases: [
              { name: "yes", when: `{% ${spec.switchYes} %}`, next: below.filter((_, i) => i % 2 === 0) },
              { name: "no", when: "{% true %}", next: below.filter((_, i) => i % 2 === 1) },
            ],
          },
        };
      }
    }
  });
  return { name: `runtime-reference-${tag}`, tasks };
}

export function workerTaskType(tag: string, taskKey: string): string {
  return `rr_${tag}_${taskKey}`;
}

/** The definition as the runtime sees it (validated, defaults applied). */
export function parsedDefinition(raw: Record<string, unknown>): WorkflowDefinition {
  const result = validateDefinition(raw);
  if (!result.ok) throw new Error(`generated an invalid definition: ${JSON.stringify(result.errors)}`);
  return result.definition;
}

/** What the worker reports for the n-th run of a task. */
export function workerResult(taskKey: string, outcome: Outcome, n: number) {
  if (outcome === "ok") return { ok: true as const, output: { key: taskKey, n } };
  return { ok: false as const, error: { code: outcome === "fatal" ? "FATAL" : "BOOM", message: `${taskKey} run ${n}: ${outcome}` } };
}
