import { z } from "zod";
import { boundedJsonSchema } from "@/lib/services/json-value";
import type { Db } from "@/lib/db/client";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import { announceExecutionChanged, engineBus, wakeEngine } from "@/lib/runtime/bus";
import { loadDefinition } from "@/lib/runtime/definitions";
import { localEngine, type EndedStart } from "@/lib/runtime/local-engine";
import type { ExecutionRow, TaskRunRow } from "@/lib/runtime/snapshots";
import { engineStore } from "@/lib/runtime/store";
import { insertNewExecution, newExecutionRow } from "@/lib/runtime/writes/start-execution";
import { writeTransaction } from "@/lib/runtime/writes/transaction";
import { fromJsonText } from "@/lib/runtime/json";
import { prepareExecutionInput } from "@/lib/services/execution-input";
import { readExecutionHistory, type ExecutionHistory } from "@/lib/services/execution-history";
import { notFound, validationFailed } from "@/lib/services/errors";
import { assertWorkflowReferencesExist } from "@/lib/services/workflows";
import { findIllFormedText, illFormedMessage } from "@/lib/workflow/well-formed";

/** Longest a start request may wait for the result. @default 300 */
export const MAX_WAIT_SECONDS = 300;

export const startExecutionSchema = z.strictObject({
  workflow: z.string().min(1, { error: "must name a workflow" }),
  version: z.number().int().min(1).optional(),
  input: boundedJsonSchema.optional(),
  correlationId: z.string().min(1).max(200).optional(),
  /** Wait up to this many seconds for the execution to finish before answering. @default 0 */
  waitSeconds: z.number().min(0).max(MAX_WAIT_SECONDS, { error: `must be at most ${MAX_WAIT_SECONDS}` }).optional(),
});
export type StartExecutionRequest = z.infer<typeof startExecutionSchema>;

export type TaskAttemptView = {
  id: string;
  attempt: number;
  status: string;
  input: unknown;
  output: unknown;
  error: unknown;
  /** Bytes of its log lines kept (GET /api/executions/{id}/logs reads them); 0: none. */
  logBytes: number;
  /** The last `details` its worker sent with a heartbeat (progress), if any. */
  heartbeatDetails: unknown;
  heartbeatAt: string | null;
  worker: string | null;
  /** The child execution this attempt ran (subworkflow tasks, map items running a workflow). */
  childExecutionId: string | null;
  scheduledAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  nextRunAt: string | null;
};

export type TaskView = {
  taskKey: string;
  mapIndex: number;
  taskType: string;
  status: string;
  attempts: TaskAttemptView[];
};

export type ExecutionView = {
  id: string;
  workflowName: string;
  workflowVersion: number;
  status: string;
  input: unknown;
  output: unknown;
  error: unknown;
  correlationId: string | null;
  parentExecutionId: string | null;
  parentTaskRunId: string | null;
  createdBy: string | null;
  /** What started it, when a trigger did (lib/triggers). */
  trigger: ExecutionTrigger | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** While PAUSED: when it was paused (its last EXECUTION_PAUSED event); otherwise null. */
  pausedAt: string | null;
  tasks: TaskView[];
  /** What reruns, retries and skips superseded, and every input it ran with (execution-history.ts). */
  history: ExecutionHistory;
};

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

/** `Execution.trigger`: `{ type, key, fireTime | requestId | sourceExecution }` (manual: true for run now). */
export type ExecutionTrigger = { type: string; key: string; fireTime?: string; requestId?: string; sourceExecution?: string; idempotencyKey?: string; manual?: boolean };

/**
 * Starts an execution of a workflow version (the latest unless `version` is given), pinned to that
 * version for good. The input is checked against the workflow's input schema, with its defaults
 * applied. With `waitSeconds`, answers when the execution has finished or the time is up
 * (whichever comes first) — cmemc's --wait.
 */
export async function startExecution(db: Db, request: StartExecutionRequest, actor: string): Promise<ExecutionView> {
  // On the engine's fast path (lib/runtime/store.ts): starting is the API's busiest call.
  const store = await engineStore(db);
  const definitionRow = await store.findDefinition(request.workflow, request.version);
  if (!definitionRow) {
    throw notFound(request.version === undefined ? `workflow '${request.workflow}' not found` : `workflow '${request.workflow}' has no version ${request.version}`);
  }
  const definition = await loadDefinition(db, definitionRow.id);
  await assertWorkflowReferencesExist(db, definition, definitionRow.version);
  const illFormed = findIllFormedText(request.input, "input");
  if (illFormed) throw validationFailed(`the input has ill-formed text at ${illFormed.path}`, [{ path: illFormed.path, message: illFormedMessage(illFormed) }]);
  const version = { versionId: definitionRow.id, label: `workflow '${definition.name}' v${definitionRow.version}`, schema: definition.input };
  const input = prepareExecutionInput(version, request.input ?? {}, `the input does not fit workflow '${definition.name}' v${definitionRow.version}`);

  const row = newExecutionRow({ definition: definitionRow, input, correlationId: request.correlationId, createdBy: actor, now: new Date() });
  const payload = { workflow: definitionRow.name, version: definitionRow.version };
  // The engine of this process, if it runs one, starts it in the same transaction; otherwise the
  // row waits, due, for whichever engine claims it first.
  const engine = localEngine();
  let ended: EndedStart | null = null;
  if (engine?.usesDatabase(db)) ended = await engine.startNew(row, definition, payload);
  else {
    await writeTransaction(db, false, (tx) => insertNewExecution(tx, row, payload));
    announceExecutionChanged(row.id);
    wakeEngine();
  }
  if (!request.waitSeconds) return executionView(row, [], []); // as started (the engine may be on it already)
  // It ended in its start's transaction (the steps run ahead there): the engine gave back what it
  // stored, so there is nothing to wait for or read. Only a sub-workflow task could have children.
  if (ended) return executionView(ended.execution, ended.runs, ended.runs.some((run) => run.taskType === "subworkflow") ? await store.childrenOf(row.id) : []);
  await waitForExecutionEnd(db, row.id, request.waitSeconds * 1000);
  const loaded = await store.loadExecution(row.id);
  if (!loaded) throw notFound(`execution '${row.id}' not found`);
  return executionView(loaded.execution, loaded.runs, await store.childrenOf(row.id));
}

/**
 * Resolves when the execution has finished or `timeoutMs` passed. The "ended" signal (in-process,
 * or from another process through LISTEN/NOTIFY) ends the wait at once; a slow poll covers engines
 * that cannot signal (another process on SQLite). The listener is installed before the first
 * read, so an execution that ends in between is not missed.
 */
export async function waitForExecutionEnd(db: Db, executionId: string, timeoutMs: number, pollMs = 500): Promise<ExecutionStatus | null> {
  const deadline = Date.now() + timeoutMs;
  let ended = false;
  let wake: (() => void) | null = null;
  const onEnded = (endedId: string) => {
    if (endedId !== executionId) return;
    ended = true;
    wake?.();
  };
  engineBus.on("executionEnded", onEnded);
  try {
    // On the engine's fast path (lib/runtime/store.ts): a waiting start reads it at least twice.
    const store = await engineStore(db);
    const statusOf = async () => ((await store.executionStatus(executionId)) ?? undefined) as ExecutionStatus | undefined;
    let status = await statusOf();
    while (status && !isTerminalExecutionStatus(status) && Date.now() < deadline) {
      if (!ended) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now())));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
      status = await statusOf();
      ended = false;
    }
    return status ?? null;
  } finally {
    engineBus.off("executionEnded", onEnded);
  }
}

export async function getExecution(db: Pick<Db, "execution" | "executionEvent">, executionId: string): Promise<ExecutionView> {
  const execution = await db.execution.findUnique({ where: { id: executionId }, include: { taskRuns: true } });
  if (!execution) throw notFound(`execution '${executionId}' not found`);
  const children = await db.execution.findMany({ where: { parentExecutionId: executionId }, select: { id: true, parentTaskRunId: true } });
  // A paused execution's clock stops at its pause: the monitor shows how long it ran, and since when it waits.
  const paused =
    execution.status === "PAUSED"
      ? await db.executionEvent.findFirst({ where: { executionId, type: "EXECUTION_PAUSED" }, orderBy: { id: "desc" }, select: { createdAt: true } })
      : null;
  const history = await readExecutionHistory(db, executionId, { input: fromJsonText(execution.input) ?? null, createdAt: execution.createdAt, createdBy: execution.createdBy });
  return executionView(execution, execution.taskRuns, children, paused?.createdAt ?? null, history);
}

/** An execution's own fields: its view without the tasks and the history (what a live delta carries). */
export type ExecutionHeader = Omit<ExecutionView, "tasks" | "history">;

/** The API's view of an execution: its tasks (by key, map items after their map) with every attempt. */
export function executionView(
  execution: ExecutionRow,
  runs: readonly TaskRunRow[],
  children: readonly { id: string; parentTaskRunId: string | null }[],
  pausedAt: Date | null = null,
  history?: ExecutionHistory,
): ExecutionView {
  return {
    ...executionHeader(execution, pausedAt),
    tasks: taskViews(runs, children),
    history: history ?? {
      superseded: [],
      inputs: [{ kind: "start", input: fromJsonText(execution.input) ?? null, at: execution.createdAt.toISOString(), actor: execution.createdBy, eventId: null, taskKey: null }],
    },
  };
}

/** The execution's own fields; `pausedAt` is when its last EXECUTION_PAUSED happened (shown while PAUSED). */
export function executionHeader(execution: ExecutionRow, pausedAt: Date | null): ExecutionHeader {
  return {
    id: execution.id,
    workflowName: execution.workflowName,
    workflowVersion: execution.workflowVersion,
    status: execution.status,
    input: fromJsonText(execution.input) ?? null,
    output: fromJsonText(execution.output) ?? null,
    error: fromJsonText(execution.error) ?? null,
    correlationId: execution.correlationId,
    parentExecutionId: execution.parentExecutionId,
    parentTaskRunId: execution.parentTaskRunId,
    createdBy: execution.createdBy,
    trigger: fromJsonText<ExecutionTrigger>(execution.trigger) ?? null,
    createdAt: execution.createdAt.toISOString(),
    startedAt: iso(execution.startedAt),
    endedAt: iso(execution.endedAt),
    pausedAt: execution.status === "PAUSED" ? iso(pausedAt) : null,
  };
}

/**
 * Task views of task runs (any subset of an execution's: all of them, or the ones a live delta
 * re-reads), ordered by key then map index, each slot's attempts in order. `children` are the
 * child executions of those runs (their `parentTaskRunId` joins them to the attempt).
 */
export function taskViews(runs: readonly TaskRunRow[], children: readonly { id: string; parentTaskRunId: string | null }[]): TaskView[] {
  const childOf = new Map(children.map((child) => [child.parentTaskRunId, child.id]));
  const tasks = new Map<string, TaskView>();
  const ordered = [...runs].sort((a, b) => (a.taskKey < b.taskKey ? -1 : a.taskKey > b.taskKey ? 1 : a.mapIndex - b.mapIndex || a.attempt - b.attempt));
  for (const run of ordered) {
    const key = `${run.taskKey}#${run.mapIndex}`;
    let task = tasks.get(key);
    if (!task) {
      task = { taskKey: run.taskKey, mapIndex: run.mapIndex, taskType: run.taskType, status: run.status, attempts: [] };
      tasks.set(key, task);
    }
    task.status = run.status;
    task.attempts.push({
      id: run.id,
      attempt: run.attempt,
      status: run.status,
      input: fromJsonText(run.input) ?? null,
      output: fromJsonText(run.output) ?? null,
      error: fromJsonText(run.error) ?? null,
      logBytes: run.logBytes,
      heartbeatDetails: fromJsonText(run.heartbeatDetails) ?? null,
      heartbeatAt: iso(run.heartbeatAt),
      worker: run.lockedBy,
      childExecutionId: childOf.get(run.id) ?? null,
      scheduledAt: iso(run.scheduledAt),
      startedAt: iso(run.startedAt),
      endedAt: iso(run.endedAt),
      nextRunAt: iso(run.nextRunAt),
    });
  }
  return [...tasks.values()];
}

export type ExecutionEventView = {
  id: string;
  type: string;
  taskKey: string | null;
  mapIndex: number | null;
  /** The attempt (TaskRun id) the event is about, if any: replay joins it to the attempt's row or archive. */
  taskRunId: string | null;
  actor: string | null;
  reason: string | null;
  payload: unknown;
  createdAt: string;
};

/** The event history after `afterId` (the SSE cursor), oldest first. */
export async function listExecutionEvents(db: Db, executionId: string, afterId?: bigint, limit = 1000): Promise<ExecutionEventView[]> {
  const exists = await db.execution.findUnique({ where: { id: executionId }, select: { id: true } });
  if (!exists) throw notFound(`execution '${executionId}' not found`);
  return readExecutionEvents(db, executionId, afterId, limit);
}

/** The events after `afterId`, without checking that the execution exists (the live stream's loop). */
export async function readExecutionEvents(db: Db, executionId: string, afterId?: bigint, limit = 1000): Promise<ExecutionEventView[]> {
  const events = await db.executionEvent.findMany({
    where: { executionId, ...(afterId !== undefined ? { id: { gt: afterId } } : {}) },
    orderBy: { id: "asc" },
    take: limit,
  });
  return events.map((event) => ({
    id: event.id.toString(),
    type: event.type,
    taskKey: event.taskKey,
    mapIndex: event.mapIndex,
    taskRunId: event.taskRunId,
    actor: event.actor,
    reason: event.reason,
    payload: fromJsonText(event.payload) ?? null,
    createdAt: event.createdAt.toISOString(),
  }));
}

