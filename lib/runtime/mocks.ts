// Mocked attempts for workflow tests (POST /api/workflows/test, lib/services/workflow-test).
// An engine given `mocks` (EngineOptions) runs a mocked task's attempt through `runMockedAttempt`
// in run-task.ts instead of its runner: no call, no command, no worker, no child. Everything else
// (when, input mapping, retries, timeouts, switch, map, joins, trigger rules) is the engine's own.
import type { TaskRunError } from "@/lib/engine/types";

/** What one mocked attempt does: complete with `output`, or fail with `error`, after `delayMs`. */
export type MockStep = { output?: unknown; error?: TaskRunError; delayMs?: number };

/** The mocks of one run, by task key. For a map task they apply to each item's attempts. */
export interface TaskMocks {
  /** The step for attempt `attempt` (1-based) of `taskKey` in `executionId`, or undefined when the task is not mocked. */
  stepFor(taskKey: string, attempt: number, executionId: string): MockStep | undefined;
}

/** Mocks from a table: a step for every attempt, or a sequence (attempt n takes step n; the last one repeats). */
export function mocksFrom<M>(table: Readonly<Record<string, M | readonly M[]>>, toStep: (mock: M) => MockStep): TaskMocks {
  return {
    stepFor(taskKey, attempt) {
      if (!Object.hasOwn(table, taskKey)) return undefined;
      const mock = table[taskKey]!;
      if (!Array.isArray(mock)) return toStep(mock as M);
      return mock.length === 0 ? undefined : toStep(mock[Math.min(attempt, mock.length) - 1] as M);
    },
  };
}
