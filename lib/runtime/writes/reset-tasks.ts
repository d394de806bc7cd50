/**
 * The write half of retry, rerun and skip: archive the attempts of reset tasks into the event
 * history and delete them (decide then numbers attempts from 1 again and sees only current ones),
 * and reopen a finished execution. Always inside the operation's guarded transaction (reopenExecution first).
 */
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import { transitionExecution } from "@/lib/engine/transitions";
import type { NewEvent } from "@/lib/runtime/events";
import { fromJsonText } from "@/lib/runtime/json";
import type { TaskRunRow } from "@/lib/runtime/snapshots";
import { guardVersion } from "./execution-row";
import { StaleExecutionError } from "./transaction";
import type { ExecutionPatch, WriteTx } from "./types";

/** What an operator's reset works on: the execution as read, and every attempt of it. */
export type ResetState = { execution: { id: string; version: number }; status: ExecutionStatus; runs: readonly TaskRunRow[] };

/** One archived attempt, as stored in a TASK_RESET event's `payload.attempts`. */
export type ArchivedAttempt = {
  id: string;
  taskKey: string;
  mapIndex: number;
  attempt: number;
  taskType: string;
  status: string;
  input: unknown;
  output: unknown;
  error: unknown;
  /** Bytes of its log lines (TaskLog, kept by the attempt's id: GET /api/executions/{id}/logs?taskRunId=). */
  logBytes: number;
  scheduledAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
};

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function archiveAttempt(run: TaskRunRow): ArchivedAttempt {
  return {
    id: run.id,
    taskKey: run.taskKey,
    mapIndex: run.mapIndex,
    attempt: run.attempt,
    taskType: run.taskType,
    status: run.status,
    input: fromJsonText(run.input) ?? null,
    output: fromJsonText(run.output) ?? null,
    error: fromJsonText(run.error) ?? null,
    logBytes: run.logBytes,
    scheduledAt: iso(run.scheduledAt),
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
  };
}

/**
 * Archives every attempt of `taskKeys` (map items included) as one TASK_RESET event per task and
 * deletes the rows. Tasks without attempts (never reached) need nothing. Deletes only rows that
 * are not live, so a row that became live since the state was read is never lost: the caller's
 * version guard has already excluded that, this is the belt to its braces.
 */
export async function resetTaskAttempts(
  tx: WriteTx,
  state: ResetState,
  taskKeys: readonly string[],
  operator: { actor: string; reason?: string | null },
  now: Date,
): Promise<void> {
  const executionId = state.execution.id;
  const keys = new Set(taskKeys);
  const rows = state.runs.filter((run) => keys.has(run.taskKey));
  if (rows.length === 0) return;
  const deleted = await tx.deleteEndedRuns(rows.map((run) => run.id));
  if (deleted !== rows.length) throw new StaleExecutionError(executionId);
  const events: NewEvent[] = [];
  for (const taskKey of taskKeys) {
    const attempts = rows.filter((run) => run.taskKey === taskKey);
    if (attempts.length === 0) continue;
    events.push({
      executionId,
      type: "TASK_RESET",
      taskKey,
      actor: operator.actor,
      reason: operator.reason ?? null,
      createdAt: now,
      payload: { attempts: attempts.map(archiveAttempt) },
    });
  }
  await tx.insertEvents(events);
}

/**
 * The execution's columns when an operator reset tasks: a finished execution is reopened (RUNNING,
 * a fresh startedAt so the workflow timeout starts again, endedAt/error/output cleared); a paused
 * one stays PAUSED until resumed. Either way the engine decides again now.
 */
export function reopenedColumns(state: ResetState, now: Date): ExecutionPatch {
  if (!isTerminalExecutionStatus(state.status)) return { nextDecisionAt: now };
  const moved = transitionExecution(state.status, "reset", now);
  if (!moved.ok) throw new Error(moved.error.message);
  return { status: moved.status, startedAt: now, endedAt: null, error: null, output: null, nextDecisionAt: now };
}

/**
 * The first write of a retry, rerun or skip: the guard under the version the operator's checks
 * were made on, reopening a finished execution (with `extra`, e.g. a rerun's new input).
 */
export function reopenExecution(tx: WriteTx, state: ResetState, now: Date, extra: ExecutionPatch = {}): Promise<void> {
  return guardVersion(tx, state.execution.id, state.execution.version, { ...reopenedColumns(state, now), ...extra });
}

/**
 * A retry or rerun in one go: reopen (the guard), the operator's event, the archived attempts of
 * `reset`, then what the rerun sets for them (`extraEvents`, e.g. TASK_INPUT_SET after TASK_RESET).
 */
export async function resetAndReopen(
  tx: WriteTx,
  state: ResetState,
  change: { event: NewEvent; reset: readonly string[]; extraEvents?: NewEvent[]; operator: { actor: string; reason?: string | null } },
  now: Date,
  extra: ExecutionPatch = {},
): Promise<void> {
  await reopenExecution(tx, state, now, extra);
  await tx.insertEvents([change.event]);
  await resetTaskAttempts(tx, state, change.reset, change.operator, now);
  await tx.insertEvents(change.extraEvents ?? []);
}
