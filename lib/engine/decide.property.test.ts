/**
 * Random workflows driven to the end by a random runtime: whatever happens, decide's commands are
 * legal transitions, deciding twice on the same state yields nothing new, and every execution ends
 * with every task ended, FAILED exactly when a task failed.
 */
import { describe, expect, it } from "vitest";
import * as fc from "fast-check";
import type { TaskDefinition } from "@/lib/workflow/schema";
import { decide } from "./decide";
import { STATUS_TABLE, TASK_STATUSES } from "./statuses";
import { FakeRuntime, mapTask, task, workflow } from "./testing";

const RULES = ["all_success", "all_done", "one_success", "none_failed"] as const;

const taskSpec = fc.record({
  parents: fc.array(fc.nat(), { maxLength: 3 }),
  rule: fc.constantFrom(...RULES),
  attempts: fc.integer({ min: 1, max: 3 }),
  isMap: fc.boolean(),
  failFast: fc.boolean(),
  concurrency: fc.integer({ min: 1, max: 3 }),
});

type TaskSpec = typeof taskSpec extends fc.Arbitrary<infer T> ? T : never;

function buildTasks(specs: TaskSpec[]): TaskDefinition[] {
  return specs.map((spec, index) => {
    const key = `t${index}`;
    const dependsOn = index === 0 ? [] : [...new Set(spec.parents.map((parent) => `t${parent % index}`))];
    const common = { dependsOn, triggerRule: spec.rule, retry: { maximumAttempts: spec.attempts, initialIntervalMs: 10 } };
    return spec.isMap
      ? mapTask(key, { failFast: spec.failFast, concurrency: spec.concurrency, retry: { maximumAttempts: spec.attempts, initialIntervalMs: 10 } }, { dependsOn, triggerRule: spec.rule })
      : task(key, common);
  });
}

describe("decide: random workflows, random outcomes", () => {
  it("always legal, idempotent, and ends with every task ended", () => {
    fc.assert(
      fc.property(
        fc.array(taskSpec, { minLength: 1, maxLength: 7 }),
        fc.array(fc.nat({ max: 99 }), { minLength: 400, maxLength: 400 }),
        (specs, choices) => {
          const definition = workflow(buildTasks(specs));
          const runtime = new FakeRuntime(definition);
          let cursor = 0;
          const choose = (n: number) => choices[cursor++ % choices.length]! % n;

          for (let step = 0; step < 400; step += 1) {
            runtime.decide(); // throws on an illegal command
            // idempotence: the same state and time decide nothing more
            expect(decide({ definition, execution: runtime.execution, runs: runtime.runs, now: runtime.now }).commands).toEqual([]);
            if (STATUS_TABLE[runtime.execution.status].terminal) break;

            const live = runtime.runs.filter((run) => {
              const latest = runtime.latest(run.taskKey, run.mapIndex);
              return latest === run && ["SCHEDULED", "RETRYING", "RUNNING"].includes(run.status);
            });
            const unstartedMaps = live.filter((run) => run.mapIndex === -1 && run.status === "RUNNING" && definition.tasks.find((t) => t.key === run.taskKey)?.type === "map" && run.mapItemCount == null);
            if (unstartedMaps[0]) {
              runtime.runs = runtime.runs.map((run) => (run === unstartedMaps[0] ? { ...run, mapItemCount: choose(4) } : run));
              continue;
            }
            // the runtime can act on work that is due, and on running attempts that are not maps
            const actionable = live.filter(
              (run) =>
                !(run.mapIndex === -1 && run.status === "RUNNING" && definition.tasks.find((t) => t.key === run.taskKey)?.type === "map") &&
                (run.status === "RUNNING" || (run.nextRunAt ?? runtime.now) <= runtime.now),
            );
            if (actionable.length === 0) {
              runtime.advance(10);
              continue;
            }
            const run = actionable[choose(actionable.length)]!;
            const isMap = run.mapIndex === -1 && definition.tasks.find((t) => t.key === run.taskKey)?.type === "map";
            if (run.status !== "RUNNING") {
              if (isMap) runtime.startMap(run.taskKey, choose(4));
              else runtime.start(run.taskKey, run.mapIndex);
            } else if (choose(3) === 0) {
              runtime.fail(run.taskKey, { code: "BOOM", message: "boom" }, run.mapIndex);
            } else {
              runtime.complete(run.taskKey, null, run.mapIndex);
            }
            runtime.advance(choose(3) * 5);
          }

          expect(STATUS_TABLE[runtime.execution.status].terminal).toBe(true);
          const statuses = Object.values(runtime.statuses());
          for (const status of statuses) expect(TASK_STATUSES).toContain(status);
          for (const status of statuses) expect(STATUS_TABLE[status].terminal).toBe(true);
          const anyFailed = statuses.some((status) => status === "FAILED" || status === "TIMED_OUT" || status === "CANCELLED");
          expect(runtime.execution.status).toBe(anyFailed ? "FAILED" : "COMPLETED");
          // nothing is left running anywhere, map items included
          for (const run of runtime.runs) {
            if (runtime.latest(run.taskKey, run.mapIndex) === run) expect(STATUS_TABLE[run.status].terminal).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
