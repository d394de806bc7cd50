import type { ReplayMoment } from "@/lib/canvas/replay";
import type { SupersededAttempt } from "@/lib/services/execution-history";
import type { ExecutionView, TaskAttemptView, TaskView } from "@/lib/services/executions";

// The live view's shapes at a moment of the replay, for the inspector: statuses and stamps from
// the moment (lib/canvas/replay.ts), the rest of an attempt (input, output, whether it logged) joined from its
// row or its archive (a rerun's TASK_RESET) by id, and only what was known by then.

type Detail = Pick<TaskAttemptView, "input" | "output" | "error" | "logBytes" | "worker">;

function detailsById(execution: ExecutionView): Map<string, Detail> {
  const details = new Map<string, Detail>();
  for (const task of execution.tasks) for (const attempt of task.attempts) details.set(attempt.id, attempt);
  for (const attempt of execution.history.superseded) details.set(attempt.id, { ...attempt, worker: null });
  return details;
}

const ENDED = new Set(["COMPLETED", "FAILED", "TIMED_OUT", "CANCELLED", "SKIPPED", "UPSTREAM_FAILED"]);

/** The tasks of `taskKey` (itself and its map items) as they were at `moment`. */
export function tasksAtMoment(moment: ReplayMoment, execution: ExecutionView, taskKey: string): TaskView[] {
  const details = detailsById(execution);
  return moment.tasks
    .filter((task) => task.taskKey === taskKey)
    .map((task) => ({
      ...task,
      attempts: task.attempts.map((attempt, index): TaskAttemptView => {
        const detail = attempt.id ? details.get(attempt.id) : undefined;
        const started = attempt.startedAt !== null;
        const ended = ENDED.has(attempt.status);
        return {
          id: attempt.id ?? `${task.taskKey}#${task.mapIndex}#${attempt.attempt}#${index}`,
          attempt: attempt.attempt,
          status: attempt.status,
          input: started ? (detail?.input ?? null) : null,
          output: attempt.status === "COMPLETED" ? (detail?.output ?? null) : null,
          error: attempt.error ?? (ended ? (detail?.error ?? null) : null),
          logBytes: started ? (detail?.logBytes ?? 0) : 0,
          heartbeatDetails: null,
          heartbeatAt: null,
          worker: started ? (detail?.worker ?? null) : null,
          childExecutionId: attempt.childExecutionId,
          scheduledAt: attempt.scheduledAt,
          startedAt: attempt.startedAt,
          endedAt: attempt.endedAt,
          nextRunAt: null,
        };
      }),
    }));
}

const upTo = (moment: ReplayMoment) => (moment.event ? BigInt(moment.event.id) : BigInt(0));

/**
 * The execution's overview at `moment`: its status and clock then; output and error only once it
 * had them; the input it ran with then (a later rerun's new input is not shown yet).
 */
export function executionAtMoment(moment: ReplayMoment, execution: ExecutionView): ExecutionView {
  const same = moment.executionStatus === execution.status && moment.endedAt === execution.endedAt;
  const at = upTo(moment);
  const inputs = execution.history.inputs.filter((record) => record.eventId === null || BigInt(record.eventId) <= at);
  return {
    ...execution,
    input: inputs.length > 0 ? inputs[inputs.length - 1]!.input : execution.input,
    history: { inputs, superseded: supersededAtMoment(moment, execution.history.superseded) },
    status: moment.executionStatus,
    startedAt: moment.startedAt,
    endedAt: moment.endedAt,
    pausedAt: moment.executionStatus === "PAUSED" && moment.event ? moment.event.createdAt : null,
    output: same ? execution.output : null,
    error: same ? execution.error : null,
  };
}

/** The attempts superseded by then: those whose rerun, retry or skip is at or before the moment's event. */
export function supersededAtMoment(moment: ReplayMoment, superseded: readonly SupersededAttempt[]): SupersededAttempt[] {
  const at = upTo(moment);
  return superseded.filter((attempt) => attempt.supersededBy !== null && BigInt(attempt.supersededBy.eventId) <= at);
}
