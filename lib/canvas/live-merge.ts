/**
 * The monitor's live view kept up to date by deltas (lib/services/execution-delta.ts, streamed by
 * GET /api/executions/{id}/live): the pure part. No React, no I/O.
 *
 * A delta carries the execution's own fields and the tasks a batch of events named, each with all
 * of its attempts as their rows hold them now, so merging is a replace: the delta's tasks take the
 * place of the view's tasks with the same (taskKey, mapIndex), new ones join in the API's order
 * (task key, then map index), and nothing else is touched. The history (what reruns superseded)
 * only changes with a retry, rerun, restart or reopening skip; those deltas say `reload`, and the
 * merge answers null: read the whole execution.
 */
import type { ExecutionDelta } from "@/lib/services/execution-delta";
import type { ExecutionView, TaskView } from "@/lib/services/executions";

/** GET /api/executions/{id}'s response header: the last event its whole view reflects (read before the view). */
export const LAST_EVENT_ID_HEADER = "X-Last-Event-Id";

/** Whether event id `a` comes before `b` (decimal ids of any length; null: before every event). */
export function eventIdBefore(a: string | null, b: string | null): boolean {
  if (b === null) return false;
  if (a === null) return true;
  return a.length !== b.length ? a.length < b.length : a < b;
}

const slotOf = (task: { taskKey: string; mapIndex: number }) => `${task.taskKey}\u0000${task.mapIndex}`;
const byKeyThenIndex = (a: TaskView, b: TaskView) => (a.taskKey < b.taskKey ? -1 : a.taskKey > b.taskKey ? 1 : a.mapIndex - b.mapIndex);

/** The view after `deltas` (in stream order), or null when one of them asks for a reload. */
export function mergeExecutionDeltas(view: ExecutionView, deltas: readonly ExecutionDelta[]): ExecutionView | null {
  if (deltas.length === 0) return view;
  if (deltas.some((delta) => delta.reload)) return null;
  // The latest row of each slot wins: later deltas read later rows.
  const changed = new Map<string, TaskView>();
  for (const delta of deltas) for (const task of delta.tasks) changed.set(slotOf(task), task);
  let tasks = view.tasks;
  if (changed.size > 0) {
    const added = new Map(changed);
    tasks = view.tasks.map((task) => {
      const slot = slotOf(task);
      const next = changed.get(slot);
      if (!next) return task;
      added.delete(slot);
      return next;
    });
    if (added.size > 0) tasks = [...tasks, ...added.values()].sort(byKeyThenIndex);
  }
  return { ...view, ...deltas[deltas.length - 1]!.execution, tasks, history: view.history };
}
