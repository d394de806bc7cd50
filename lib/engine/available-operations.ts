/**
 * Which operator operations would do something now, so the monitor offers only those (issue 12,
 * point 15: "Retry failed" with nothing failed was offered and refused). The answers come from the
 * same plans the operations run (rerun.ts) and the same state checks (lib/services/operations:
 * nothing live, a finished or paused execution), so the button and the server agree. Pure.
 */
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import { isTaskStatus, isTerminalExecutionStatus, isExecutionStatus, isLiveTaskStatus } from "./statuses";
import { planRerun, planRetry } from "./rerun";
import type { TaskRunSnapshot } from "./types";
import type { JsonValue } from "@/lib/workflow/schema";

export type Availability = { ok: true } | { ok: false; why: string };

/** An attempt as the API's execution view carries it (lib/services/executions.ts). */
export type ViewedTask = {
  taskKey: string;
  mapIndex: number;
  attempts: readonly { attempt: number; status: string; output: unknown; nextRunAt: string | null }[];
};

/** The view's attempts as the pure core's snapshots (what planRetry and planRerun read). */
export function snapshotsOf(tasks: readonly ViewedTask[]): TaskRunSnapshot[] {
  return tasks.flatMap((task) =>
    task.attempts.flatMap((attempt) =>
      isTaskStatus(attempt.status)
        ? [{ taskKey: task.taskKey, mapIndex: task.mapIndex, attempt: attempt.attempt, status: attempt.status, output: attempt.output as JsonValue, nextRunAt: attempt.nextRunAt ? new Date(attempt.nextRunAt) : null }]
        : [],
    ),
  );
}

/** The operations' own state check: something live, or a running execution, refuses a reset. */
function stateRefusal(status: string, runs: readonly TaskRunSnapshot[]): string | null {
  if (status === "RUNNING" || status === "QUEUED") return `the execution is ${status.toLowerCase()}`;
  const live = [...new Set(runs.filter((run) => isLiveTaskStatus(run.status)).map((run) => run.taskKey))];
  if (live.length > 0) return `tasks are still active (${live.join(", ")})`;
  return null;
}

/** "Retry failed": a finished execution with a task that failed, timed out or was cancelled. */
export function retryAvailability(definition: WorkflowDefinition, status: string, runs: readonly TaskRunSnapshot[]): Availability {
  if (!isExecutionStatus(status) || !isTerminalExecutionStatus(status) || status === "COMPLETED") return { ok: false, why: "only a failed, timed-out or terminated execution is retried" };
  const refusal = stateRefusal(status, runs);
  if (refusal) return { ok: false, why: refusal };
  const plan = planRetry(definition, runs);
  return plan.ok ? { ok: true } : { ok: false, why: plan.error.message };
}

/** "Rerun from here": a finished or paused execution, nothing live, and the task can run (rerun.ts). */
export function rerunAvailability(definition: WorkflowDefinition, status: string, runs: readonly TaskRunSnapshot[], taskKey: string): Availability {
  const finished = isExecutionStatus(status) && isTerminalExecutionStatus(status);
  if (!finished && status !== "PAUSED") return { ok: false, why: "pause or wait for the execution to end first" };
  const refusal = stateRefusal(status, runs);
  if (refusal) return { ok: false, why: refusal };
  const plan = planRerun(definition, runs, taskKey);
  return plan.ok ? { ok: true } : { ok: false, why: plan.error.message };
}
