import type { Db } from "@/lib/db/client";
import type { ExecutionSnapshot, TaskRunError, TaskRunSnapshot } from "@/lib/engine/types";
import { isExecutionStatus, isTaskStatus, type TaskStatus } from "@/lib/engine/statuses";
import type { ExpressionContext, TaskResultView } from "@/lib/workflow/expressions";
import type { JsonValue, WorkflowDefinition } from "@/lib/workflow/schema";
import { fromJsonText } from "@/lib/runtime/json";
import { LruCache } from "@/lib/workflow/lru";

export type TaskRunRow = Awaited<ReturnType<Db["taskRun"]["findFirstOrThrow"]>>;
export type ExecutionRow = Awaited<ReturnType<Db["execution"]["findFirstOrThrow"]>>;

/** What a map task's row keeps in its `input` once started: the evaluated list of items. */
export type MapRunInput = { items: JsonValue[] };

/**
 * Snapshots by row object. Rows are never mutated (the runtime makes a new row object for every
 * change, see lib/runtime/state.ts), so a row's snapshot — with its output already parsed — is
 * computed once however many decision steps and expressions look at it. Callers must not mutate
 * a snapshot or its output.
 */
const snapshots = new WeakMap<TaskRunRow, TaskRunSnapshot>();

export function taskRunSnapshot(row: TaskRunRow): TaskRunSnapshot {
  let snapshot = snapshots.get(row);
  if (!snapshot) {
    snapshot = toSnapshot(row);
    snapshots.set(row, snapshot);
  }
  return snapshot;
}

/**
 * A map attempt's items, parsed once: every item's run reads them (its `$item`), and a map of n
 * items parsing its n-item input once per item was O(n²) (20,000 items took minutes). Cached by
 * row (rows are never mutated) and by the input's text (a state read again has new row objects).
 */
const itemsByRow = new WeakMap<TaskRunRow, readonly unknown[]>();
const itemsByText = new LruCache<string, readonly unknown[]>({ maxEntries: 16, maxWeight: 64 * 1024 * 1024, weigh: (_items, text) => text.length });

export function mapItemsOf(row: TaskRunRow): readonly unknown[] {
  let items = itemsByRow.get(row);
  if (items) return items;
  const text = row.input ?? "";
  items = itemsByText.get(text) ?? fromJsonText<MapRunInput>(row.input)?.items ?? [];
  itemsByText.set(text, items);
  itemsByRow.set(row, items);
  return items;
}

function toSnapshot(row: TaskRunRow): TaskRunSnapshot {
  if (!isTaskStatus(row.status)) throw new Error(`task run ${row.id} has an unknown status '${row.status}'`);
  const mapItems = row.taskType === "map" && row.mapIndex === -1 && row.input !== null ? mapItemsOf(row) : undefined;
  return {
    taskKey: row.taskKey,
    mapIndex: row.mapIndex,
    attempt: row.attempt,
    status: row.status,
    scheduledAt: row.scheduledAt,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    heartbeatAt: row.heartbeatAt,
    nextRunAt: row.nextRunAt,
    output: fromJsonText<JsonValue>(row.output),
    error: fromJsonText<TaskRunError>(row.error) ?? null,
    mapItemCount: mapItems ? mapItems.length : null,
  };
}

export function executionSnapshot(row: ExecutionRow): ExecutionSnapshot {
  if (!isExecutionStatus(row.status)) throw new Error(`execution ${row.id} has an unknown status '${row.status}'`);
  return { status: row.status, createdAt: row.createdAt, startedAt: row.startedAt, input: fromJsonText<JsonValue>(row.input) };
}

/** The latest attempt of each task (map items excluded), by task key. */
export function latestAttempts(runs: readonly TaskRunRow[]): Map<string, TaskRunRow> {
  const latest = new Map<string, TaskRunRow>();
  for (const run of runs) {
    if (run.mapIndex !== -1) continue;
    const seen = latest.get(run.taskKey);
    if (!seen || seen.attempt < run.attempt) latest.set(run.taskKey, run);
  }
  return latest;
}

/**
 * An empty `$tasks` with no prototype: a key such as `__proto__` (refused at save, but stored
 * definitions predate that rule) is an own entry like any other, instead of replacing the
 * object's prototype (which dropped the task's result from `$tasks`), and `constructor` or
 * `toString` never answer with Object.prototype's members.
 */
function byTaskKey(): Record<string, TaskResultView> {
  return Object.create(null) as Record<string, TaskResultView>;
}

/** `$tasks`: the status, output and error of the latest attempt of every task reached so far. */
export function tasksView(runs: readonly TaskRunRow[]): Record<string, TaskResultView> {
  const view = byTaskKey();
  for (const [taskKey, run] of latestAttempts(runs)) {
    const snapshot = taskRunSnapshot(run);
    view[taskKey] = { status: snapshot.status as TaskStatus, output: snapshot.output, error: snapshot.error };
  }
  return view;
}

/**
 * `$tasks` from snapshots, e.g. the reference state after some of a step's commands (see
 * resolveExecutionOutput in step.ts): the latest attempt of every task, map items excluded.
 */
export function tasksViewOf(snapshots: readonly TaskRunSnapshot[]): Record<string, TaskResultView> {
  const latest = new Map<string, TaskRunSnapshot>();
  for (const run of snapshots) {
    if (run.mapIndex !== -1) continue;
    const seen = latest.get(run.taskKey);
    if (!seen || seen.attempt < run.attempt) latest.set(run.taskKey, run);
  }
  const view = byTaskKey();
  for (const [taskKey, run] of latest) view[taskKey] = { status: run.status, output: run.output ?? null, error: run.error ?? null };
  return view;
}

export function expressionContext(
  execution: ExecutionRow,
  definition: WorkflowDefinition,
  runs: readonly TaskRunRow[],
  extra: Pick<ExpressionContext, "item" | "index"> = {},
): ExpressionContext {
  return {
    input: fromJsonText(execution.input) ?? {},
    tasks: tasksView(runs),
    vars: (definition.variables ?? {}) as Record<string, unknown>,
    execution: { id: execution.id, name: execution.workflowName, version: execution.workflowVersion, correlationId: execution.correlationId },
    ...extra,
  };
}
