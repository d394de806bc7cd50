import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { decide } from "@/lib/engine/decide";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import { transitionExecution } from "@/lib/engine/transitions";
import type { Command, ExecutionError } from "@/lib/engine/types";
import { evaluateTemplate } from "@/lib/workflow/expressions";
import { announceExecutionChanged, announceExecutionEnded, wakeEngine } from "@/lib/runtime/bus";
import { loadDefinition } from "@/lib/runtime/definitions";
import { appendEvents, type NewEvent } from "@/lib/runtime/events";
import { fromJsonText, toJsonText } from "@/lib/runtime/json";
import { executionSnapshot, expressionContext, taskRunSnapshot, type ExecutionRow } from "@/lib/runtime/snapshots";
import { runKindOf } from "@/lib/runtime/task-types";
import { cancelChildExecutions, settleParentOfFinishedExecution } from "@/lib/runtime/links";

export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/** The execution changed under us (another step, a task result, an operator): load and decide again. */
export class StaleExecutionError extends Error {
  constructor(executionId: string) {
    super(`execution ${executionId} changed during the decision step`);
    this.name = "StaleExecutionError";
  }
}

export type StepResult = { commands: number; status: ExecutionStatus | null; scheduled: number };

const EXECUTION_END: Partial<Record<Command["kind"], "complete" | "fail" | "timeout">> = {
  completeExecution: "complete",
  failExecution: "fail",
  timeoutExecution: "timeout",
};

/**
 * One decision step: load the execution and all its attempts, ask the pure decider what to do, and
 * persist every command in ONE transaction guarded by the execution's optimistic version. Anything
 * that changed the execution meanwhile (a task result bumps the version) makes the guard fail; the
 * caller then runs the step again on fresh state, so no change is ever decided on stale data.
 */
export async function runDecisionStep(db: Db, executionId: string, now: Date = new Date()): Promise<StepResult> {
  const loaded = await db.execution.findUnique({ where: { id: executionId }, include: { taskRuns: true } });
  if (!loaded) return { commands: 0, status: null, scheduled: 0 };
  const { taskRuns: runs, ...execution } = loaded;
  if (isTerminalExecutionStatus(execution.status as ExecutionStatus)) {
    await db.execution.updateMany({ where: { id: executionId, version: execution.version }, data: { nextDecisionAt: null } });
    return { commands: 0, status: execution.status as ExecutionStatus, scheduled: 0 };
  }
  const definition = await loadDefinition(db, execution.definitionId);
  const decision = decide({ definition, execution: executionSnapshot(execution), runs: runs.map(taskRunSnapshot), now });
  const commands = await resolveExecutionOutput(decision.commands, execution, definition, runs);

  if (commands.length === 0) {
    // Nothing to do until wakeAt. If the execution changed since it was read, decide again on the
    // fresh state (the claim pushed nextDecisionAt a lease ahead; leaving it there would delay a
    // deadline that wakeAt carries).
    const updated = await db.execution.updateMany({ where: { id: executionId, version: execution.version }, data: { nextDecisionAt: decision.wakeAt } });
    if (updated.count === 0) throw new StaleExecutionError(executionId);
    return { commands: 0, status: execution.status as ExecutionStatus, scheduled: 0 };
  }

  let status = execution.status as ExecutionStatus;
  let startedAt = execution.startedAt;
  let endedAt: Date | null = null;
  let output: string | null | undefined;
  let error: string | null | undefined;
  for (const command of commands) {
    const event = command.kind === "startExecution" ? "start" : EXECUTION_END[command.kind];
    if (!event) continue;
    const moved = transitionExecution(status, event, now);
    if (!moved.ok) throw new Error(`decide asked for an illegal execution move: ${moved.error.message}`);
    status = moved.status;
    if (event === "start") startedAt = now;
    else endedAt = now;
    if (command.kind === "completeExecution") output = toJsonText((command as ResolvedComplete).output);
    if (command.kind === "failExecution" || command.kind === "timeoutExecution") error = toJsonText(command.error);
  }
  const finished = isTerminalExecutionStatus(status);

  const events: NewEvent[] = [];
  let scheduled = 0;
  await db.$transaction(async (tx) => {
    // The guard first: on PostgreSQL it also takes the row lock, serializing with task results.
    const guarded = await tx.execution.updateMany({
      where: { id: executionId, version: execution.version },
      data: {
        version: { increment: 1 },
        status,
        startedAt,
        ...(finished ? { endedAt, nextDecisionAt: null } : { nextDecisionAt: decision.wakeAt }),
        ...(output !== undefined ? { output } : {}),
        ...(error !== undefined ? { error } : {}),
      },
    });
    if (guarded.count === 0) throw new StaleExecutionError(executionId);
    for (const command of commands) {
      scheduled += await applyTaskCommand(tx, command, { executionId, definition, now, events });
    }
    if (finished) {
      events.push({ executionId, type: `EXECUTION_${status}`, createdAt: now, payload: error ? fromJsonText(error) : undefined });
      await settleParentOfFinishedExecution(tx, { ...execution, status, output: output ?? null, error: error ?? null }, now);
    }
    await appendEvents(tx, events);
  });
  if (finished) announceExecutionEnded(executionId);
  else announceExecutionChanged(executionId);
  if (finished && execution.parentExecutionId) announceExecutionChanged(execution.parentExecutionId);
  if (scheduled > 0 || finished) wakeEngine();
  return { commands: commands.length, status, scheduled };
}

type ResolvedComplete = { kind: "completeExecution"; output: unknown };

/** Evaluates the workflow's output mapping for completeExecution (async, so before the transaction). */
async function resolveExecutionOutput(
  commands: Command[],
  execution: ExecutionRow,
  definition: Parameters<typeof expressionContext>[1],
  runs: Parameters<typeof expressionContext>[2],
): Promise<Command[]> {
  const index = commands.findIndex((command) => command.kind === "completeExecution");
  if (index === -1) return commands;
  let resolved: Command | ResolvedComplete = { kind: "completeExecution", output: null };
  if (definition.output !== undefined) {
    const result = await evaluateTemplate(definition.output, expressionContext(execution, definition, runs), { basePath: "output" });
    if (result.ok) resolved = { kind: "completeExecution", output: result.value ?? null };
    else {
      const failure: ExecutionError = { code: "OUTPUT_MAPPING_FAILED", message: `the workflow's output mapping failed at ${result.error.path}: ${result.error.message}` };
      resolved = { kind: "failExecution", error: failure };
    }
  } else {
    // Without an output mapping the execution's output is every task's output, by key.
    const outputs: Record<string, unknown> = {};
    for (const run of runs) if (run.mapIndex === -1 && run.status === "COMPLETED") outputs[run.taskKey] = fromJsonText(run.output);
    resolved = { kind: "completeExecution", output: outputs };
  }
  return commands.map((command, i) => (i === index ? (resolved as Command) : command));
}

type ApplyContext = {
  executionId: string;
  definition: Parameters<typeof runKindOf>[0];
  now: Date;
  events: NewEvent[];
};

function attemptWhere(executionId: string, ref: { taskKey: string; mapIndex: number; attempt: number }) {
  return { executionId_taskKey_mapIndex_attempt: { executionId, taskKey: ref.taskKey, mapIndex: ref.mapIndex, attempt: ref.attempt } };
}

/** A new attempt row, due at `runAt` (SCHEDULED) or waiting for its backoff (RETRYING). */
function createAttempt(
  tx: Tx,
  { executionId, definition, now }: ApplyContext,
  ref: { taskKey: string; mapIndex: number; attempt: number },
  status: "SCHEDULED" | "RETRYING",
  runAt: Date,
) {
  const kind = runKindOf(definition, ref.taskKey, ref.mapIndex);
  return tx.taskRun.create({
    data: {
      id: randomUUID(),
      executionId,
      taskKey: ref.taskKey,
      mapIndex: ref.mapIndex,
      attempt: ref.attempt,
      taskType: kind.taskType,
      workerTaskType: kind.workerTaskType,
      status,
      scheduledAt: now,
      nextRunAt: runAt,
    },
    select: { id: true },
  });
}

/** Persists one task command; returns how many attempts became due now (to wake the task runners). */
async function applyTaskCommand(tx: Tx, command: Command, context: ApplyContext): Promise<number> {
  const { executionId, definition, now, events } = context;
  const base = { executionId, createdAt: now };
  switch (command.kind) {
    case "startExecution":
      events.push({ ...base, type: "EXECUTION_STARTED" });
      return 0;
    case "completeExecution":
    case "failExecution":
    case "timeoutExecution":
      return 0;
    case "schedule": {
      const run = await createAttempt(tx, context, command, "SCHEDULED", command.runAt);
      events.push({ ...base, type: "TASK_SCHEDULED", taskKey: command.taskKey, mapIndex: command.mapIndex, taskRunId: run.id, payload: { attempt: command.attempt } });
      return 1;
    }
    case "retry": {
      await tx.taskRun.update({ where: attemptWhere(executionId, { ...command, attempt: command.failedAttempt }), data: { nextRunAt: null } });
      const run = await createAttempt(tx, context, command, command.status, command.runAt);
      events.push({
        ...base,
        type: "TASK_RETRY_SCHEDULED",
        taskKey: command.taskKey,
        mapIndex: command.mapIndex,
        taskRunId: run.id,
        payload: { attempt: command.attempt, delayMs: command.delayMs, runAt: command.runAt.toISOString() },
      });
      return command.status === "SCHEDULED" ? 1 : 0;
    }
    case "failTask":
      await tx.taskRun.update({ where: attemptWhere(executionId, command), data: { nextRunAt: null } });
      events.push({ ...base, type: "TASK_FAILED_FINAL", taskKey: command.taskKey, mapIndex: command.mapIndex, reason: command.reason, payload: { attempt: command.attempt } });
      return 0;
    case "skip":
    case "upstreamFailed": {
      const kind = runKindOf(definition, command.taskKey, command.mapIndex);
      const skipped = command.kind === "skip";
      const reason = skipped
        ? command.reason === "branch_not_taken"
          ? `branch not taken at ${command.upstream.join(", ")}`
          : `upstream skipped: ${command.upstream.join(", ")}`
        : `upstream failed: ${command.upstream.join(", ")}`;
      await tx.taskRun.create({
        data: {
          id: randomUUID(),
          executionId,
          taskKey: command.taskKey,
          mapIndex: command.mapIndex,
          attempt: command.attempt,
          taskType: kind.taskType,
          workerTaskType: kind.workerTaskType,
          status: skipped ? "SKIPPED" : "UPSTREAM_FAILED",
          endedAt: now,
          error: skipped ? null : toJsonText({ code: "UPSTREAM_FAILED", message: reason }),
        },
      });
      events.push({ ...base, type: skipped ? "TASK_SKIPPED" : "TASK_UPSTREAM_FAILED", taskKey: command.taskKey, mapIndex: command.mapIndex, reason, payload: { upstream: command.upstream } });
      return 0;
    }
    case "timeoutAttempt": {
      const run = await tx.taskRun.update({
        where: attemptWhere(executionId, command),
        data: { status: "TIMED_OUT", error: toJsonText(command.error), endedAt: now, nextRunAt: now, lockedBy: null, leaseExpiresAt: null },
        select: { id: true },
      });
      await cancelChildExecutions(tx, run.id, now, `task ${command.taskKey} timed out`);
      events.push({ ...base, type: "TASK_TIMED_OUT", taskKey: command.taskKey, mapIndex: command.mapIndex, taskRunId: run.id, reason: command.reason, payload: command.error });
      return 0;
    }
    case "cancelAttempt": {
      const run = await tx.taskRun.update({
        where: attemptWhere(executionId, command),
        data: { status: "CANCELLED", endedAt: now, nextRunAt: null, lockedBy: null, leaseExpiresAt: null },
        select: { id: true },
      });
      await cancelChildExecutions(tx, run.id, now, `task ${command.taskKey} was cancelled (${command.reason})`);
      events.push({ ...base, type: "TASK_CANCELLED", taskKey: command.taskKey, mapIndex: command.mapIndex, taskRunId: run.id, reason: command.reason });
      return 0;
    }
    case "completeMap":
      await tx.taskRun.update({ where: attemptWhere(executionId, command), data: { status: "COMPLETED", output: toJsonText(command.output), endedAt: now, nextRunAt: null } });
      events.push({
        ...base,
        type: "TASK_COMPLETED",
        taskKey: command.taskKey,
        payload: { succeeded: Object.keys(command.output.success).length, failed: Object.keys(command.output.failure).length },
      });
      return 0;
    case "failMap":
      await tx.taskRun.update({ where: attemptWhere(executionId, command), data: { status: "FAILED", error: toJsonText(command.error), endedAt: now, nextRunAt: null } });
      events.push({ ...base, type: "TASK_FAILED", taskKey: command.taskKey, payload: command.error });
      return 0;
  }
}
