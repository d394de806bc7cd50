import type { Db } from "@/lib/db/client";
import { executionHeader, taskViews, type ExecutionEventView, type ExecutionHeader, type TaskView } from "@/lib/services/executions";
import { notFound } from "@/lib/services/errors";

/**
 * What a batch of an execution's events changed, as the execution view holds it: the execution's
 * own fields, and the tasks those events are about, each with all of its attempts, read from their
 * rows (the same view GET /api/executions/{id} gives, for those tasks only). The monitor applies
 * deltas to the view it has (lib/canvas/live-merge.ts) instead of reading the whole execution on
 * every change, which for a map of 10,000 items is megabytes a step.
 *
 * `reload`: the batch holds an operation that replaces tasks or history (a retry, rerun, restart or
 * skip reopening it: TASK_RESET and its kin). Those are rare and rewrite much, so the delta says so
 * and the monitor reads the whole execution once.
 */
export type ExecutionDelta = {
  /** The last event the delta covers: resume after it (SSE `id:`). */
  lastEventId: string;
  reload: boolean;
  execution: ExecutionHeader;
  /** The tasks the events named (task key and map index), latest rows; empty when `reload`. */
  tasks: TaskView[];
};

/** Event types after which the monitor reads the execution anew (they replace attempts or the history). */
const RELOADING = new Set(["TASK_RESET", "TASK_INPUT_SET", "EXECUTION_RERUN", "EXECUTION_RETRIED", "EXECUTION_RESTARTED"]);

/** The delta of `events` (a non-empty batch, in id order, of `executionId`'s events). */
export async function readExecutionDelta(db: Pick<Db, "execution" | "executionEvent" | "taskRun">, executionId: string, events: readonly ExecutionEventView[]): Promise<ExecutionDelta> {
  const lastEventId = events[events.length - 1]!.id;
  const execution = await db.execution.findUnique({ where: { id: executionId } });
  if (!execution) throw notFound(`execution '${executionId}' not found`);
  const paused =
    execution.status === "PAUSED"
      ? await db.executionEvent.findFirst({ where: { executionId, type: "EXECUTION_PAUSED" }, orderBy: { id: "desc" }, select: { createdAt: true } })
      : null;
  const header = executionHeader(execution, paused?.createdAt ?? null);
  const reload = events.some((event) => RELOADING.has(event.type) || (event.type === "TASK_SKIPPED" && isReopening(event.payload)));
  if (reload) return { lastEventId, reload, execution: header, tasks: [] };

  // The slots named, by task key: one query, a map's items by their indexes.
  const slots = new Map<string, Set<number>>();
  for (const event of events) {
    if (event.taskKey === null) continue;
    let indexes = slots.get(event.taskKey);
    if (!indexes) slots.set(event.taskKey, (indexes = new Set()));
    indexes.add(event.mapIndex ?? -1);
  }
  if (slots.size === 0) return { lastEventId, reload, execution: header, tasks: [] };
  const runs = await db.taskRun.findMany({
    where: { executionId, OR: [...slots].map(([taskKey, indexes]) => ({ taskKey, mapIndex: { in: [...indexes] } })) },
  });
  // Child executions (sub-workflows, map items running a workflow) of these attempts.
  const children = await db.execution.findMany({ where: { parentExecutionId: executionId, parentTaskRunId: { in: runs.map((run) => run.id) } }, select: { id: true, parentTaskRunId: true } });
  return { lastEventId, reload, execution: header, tasks: taskViews(runs, children) };
}

function isReopening(payload: unknown): boolean {
  return payload !== null && typeof payload === "object" && "reopened" in payload;
}

/**
 * The id of the execution's latest event (null before any). Read it BEFORE the view it goes with
 * (the monitor page): deltas from there may repeat a change the view already has (a replace,
 * harmless) but never miss one committed in between.
 */
export async function lastEventIdOf(db: Pick<Db, "executionEvent">, executionId: string): Promise<string | null> {
  const last = await db.executionEvent.findFirst({ where: { executionId }, orderBy: { id: "desc" }, select: { id: true } });
  return last ? last.id.toString() : null;
}
