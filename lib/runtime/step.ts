import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { decide } from "@/lib/engine/decide";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import { transitionExecution } from "@/lib/engine/transitions";
import type { Command, ExecutionError } from "@/lib/engine/types";
import { evaluateTemplate } from "@/lib/workflow/expressions";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import { announceExecutionChanged, announceExecutionEnded, wakeEngine } from "@/lib/runtime/bus";
import type { ClaimedAttempt } from "@/lib/runtime/claims";
import { loadDefinition } from "@/lib/runtime/definitions";
import type { NewEvent } from "@/lib/runtime/events";
import { engineStore, prismaEngineTx, type AttemptKey, type EngineTx, type ExecutionPatch, type RunPatch } from "@/lib/runtime/store";
import { fromJsonText, toJsonText } from "@/lib/runtime/json";
import { executionSnapshot, expressionContext, taskRunSnapshot, type ExecutionRow, type TaskRunRow } from "@/lib/runtime/snapshots";
import type { Dispatcher, ExecutionState } from "@/lib/runtime/state";
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

/** What one decision step will do: the decider's commands (output mapping resolved) and the execution's new fields. */
export type StepPlan = {
  commands: Command[];
  wakeAt: Date | null;
  status: ExecutionStatus;
  startedAt: Date | null;
  endedAt: Date | null;
  /** New output / error (JSON text); undefined when unchanged. */
  output: string | null | undefined;
  error: string | null | undefined;
  finished: boolean;
};

/** Asks the pure decider what to do with this state, and works out the execution's resulting fields. */
export async function planStep(state: ExecutionState, now: Date): Promise<StepPlan> {
  const { execution, runs, definition } = state;
  const decision = decide({ definition, execution: executionSnapshot(execution), runs: runs.map(taskRunSnapshot), now });
  const commands = await resolveExecutionOutput(decision.commands, execution, definition, runs);
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
  return { commands, wakeAt: decision.wakeAt, status, startedAt, endedAt, output, error, finished: isTerminalExecutionStatus(status) };
}

/**
 * The execution's columns a plan writes (with the version bump, under the caller's guard): only
 * those that change, since every indexed column in an UPDATE costs index writes.
 */
export function planExecutionData(plan: StepPlan, execution: ExecutionRow): ExecutionPatch {
  const all: ExecutionPatch =
    plan.commands.length === 0
      ? { nextDecisionAt: plan.wakeAt }
      : {
          status: plan.status,
          startedAt: plan.startedAt,
          ...(plan.finished ? { endedAt: plan.endedAt, nextDecisionAt: null } : { nextDecisionAt: plan.wakeAt }),
          ...(plan.output !== undefined ? { output: plan.output } : {}),
          ...(plan.error !== undefined ? { error: plan.error } : {}),
        };
  const changed: ExecutionPatch = {};
  for (const [key, value] of Object.entries(all) as [keyof ExecutionPatch, ExecutionPatch[keyof ExecutionPatch]][]) {
    const current = execution[key];
    const same = value instanceof Date && current instanceof Date ? value.getTime() === current.getTime() : value === current;
    if (!same) (changed as Record<string, unknown>)[key] = value;
  }
  return changed;
}

/** Slots reserved from a dispatcher inside a transaction: given back if it does not commit. */
export type Reservation = { count: number };

/** What a committed plan left behind: the state as now stored, and attempts to hand to the dispatcher. */
export type AppliedPlan = { state: ExecutionState; scheduled: number; claimed: ClaimedAttempt[] };

/**
 * Persists a plan's task commands (inside the caller's transaction, after the caller's guarded
 * update of the execution row wrote planExecutionData). Due attempts it creates are claimed for
 * the dispatcher's engine while it has free slots (see Dispatcher). Events go to `events`.
 */
export async function applyPlan(
  tx: EngineTx,
  prismaTx: Tx | null,
  state: ExecutionState,
  plan: StepPlan,
  now: Date,
  events: NewEvent[],
  dispatcher?: Dispatcher,
  reservation: Reservation = { count: 0 },
): Promise<AppliedPlan> {
  const { execution, definition } = state;
  const writer = new RunWriter(tx, prismaTx, state.runs, now);
  let scheduled = 0;
  for (const command of plan.commands) {
    scheduled += await applyTaskCommand(writer, command, { executionId: execution.id, definition, now, events });
  }
  const claimed: ClaimedAttempt[] = [];
  if (dispatcher && plan.status === "RUNNING") {
    const due = writer.created.filter((row) => row.status === "SCHEDULED" && row.nextRunAt !== null && row.nextRunAt <= now && (row.taskType !== "shell" || dispatcher.shellEnabled));
    const got = due.length > 0 ? dispatcher.reserve(due.length) : 0;
    reservation.count += got;
    const leaseExpiresAt = new Date(now.getTime() + dispatcher.leaseMs);
    for (const row of due.slice(0, got)) {
      writer.claimCreated(row.id, dispatcher.engineId, leaseExpiresAt);
      claimed.push({ id: row.id, executionId: execution.id });
    }
    scheduled -= got;
  }
  await writer.flush();
  if (plan.finished) {
    events.push({ executionId: execution.id, type: `EXECUTION_${plan.status}`, createdAt: now, payload: plan.error ? fromJsonText(plan.error) : undefined });
    if (execution.parentTaskRunId) {
      if (!prismaTx) throw new Error("settling a parent execution needs the Prisma transaction (see needsPrisma)");
      await settleParentOfFinishedExecution(prismaTx, { ...execution, status: plan.status, output: plan.output ?? null, error: plan.error ?? null }, now);
    }
  }
  const next: ExecutionRow = { ...execution, ...planExecutionData(plan, execution), version: execution.version + 1, updatedAt: now };
  return { state: { execution: next, runs: writer.runs, definition }, scheduled, claimed };
}

/**
 * Whether applying the plan needs Prisma's transaction: it cancels or times out an attempt that
 * may have child executions, or finishes a child execution whose parent must be settled. Every
 * other plan (nearly all) runs on the engine store's fast path.
 */
export function needsPrisma(state: ExecutionState, plan: StepPlan): boolean {
  if (plan.finished && state.execution.parentTaskRunId) return true;
  return plan.commands.some((command) => {
    if (command.kind !== "cancelAttempt" && command.kind !== "timeoutAttempt") return false;
    const run = state.runs.find((row) => row.taskKey === command.taskKey && row.mapIndex === command.mapIndex && row.attempt === command.attempt);
    return run?.taskType === "subworkflow";
  });
}

/**
 * Runs `work` in one transaction: on the engine store's fast path, or through Prisma (with the
 * same EngineTx over Prisma's transaction) when `withPrisma`.
 */
export async function engineTransaction<T>(db: Db, withPrisma: boolean, work: (tx: EngineTx, prismaTx: Tx | null) => Promise<T>): Promise<T> {
  if (withPrisma) return db.$transaction((tx) => work(prismaEngineTx(tx), tx));
  return (await engineStore(db)).transaction((tx) => work(tx, null));
}

/** An execution with its attempts and definition, read on the fast path. */
export async function loadState(db: Db, executionId: string): Promise<ExecutionState | null> {
  const loaded = await (await engineStore(db)).loadExecution(executionId);
  if (!loaded) return null;
  return { execution: loaded.execution, runs: loaded.runs, definition: await loadDefinition(db, loaded.execution.definitionId) };
}

/** After the commit of an applied plan: tell waiters, wake runners, hand claimed attempts over. */
export function afterPlan(plan: StepPlan, applied: AppliedPlan, dispatcher?: Dispatcher): void {
  const { execution } = applied.state;
  if (plan.finished) announceExecutionEnded(execution.id);
  else announceExecutionChanged(execution.id);
  if (plan.finished && execution.parentExecutionId) announceExecutionChanged(execution.parentExecutionId);
  if (applied.scheduled > 0 || plan.finished) wakeEngine();
  for (const attempt of applied.claimed) dispatcher!.run(attempt, applied.state);
  dispatcher?.remember(applied.state);
}

/**
 * One decision step: load the execution and all its attempts, ask the pure decider what to do, and
 * persist every command in ONE transaction guarded by the execution's optimistic version. Anything
 * that changed the execution meanwhile (a task result bumps the version) makes the guard fail; the
 * caller then runs the step again on fresh state, so no change is ever decided on stale data.
 */
export async function runDecisionStep(db: Db, executionId: string, now: Date = new Date(), dispatcher?: Dispatcher): Promise<StepResult> {
  const state = await loadState(db, executionId);
  if (!state) return { commands: 0, status: null, scheduled: 0 };
  const { execution } = state;
  if (isTerminalExecutionStatus(execution.status as ExecutionStatus)) {
    await db.execution.updateMany({ where: { id: executionId, version: execution.version }, data: { nextDecisionAt: null } });
    return { commands: 0, status: execution.status as ExecutionStatus, scheduled: 0 };
  }
  const plan = await planStep(state, now);

  if (plan.commands.length === 0) {
    // Nothing to do until wakeAt. If the execution changed since it was read, decide again on the
    // fresh state (the claim pushed nextDecisionAt a lease ahead; leaving it there would delay a
    // deadline that wakeAt carries).
    const updated = await db.execution.updateMany({ where: { id: executionId, version: execution.version }, data: { nextDecisionAt: plan.wakeAt } });
    if (updated.count === 0) throw new StaleExecutionError(executionId);
    return { commands: 0, status: plan.status, scheduled: 0 };
  }

  const reservation: Reservation = { count: 0 };
  let applied: AppliedPlan;
  try {
    applied = await engineTransaction(db, needsPrisma(state, plan), async (tx, prismaTx) => {
      // The guard first: on PostgreSQL it also takes the row lock, serializing with task results.
      if (!(await tx.guardExecution(executionId, execution.version, planExecutionData(plan, execution)))) throw new StaleExecutionError(executionId);
      const events: NewEvent[] = [];
      const result = await applyPlan(tx, prismaTx, state, plan, now, events, dispatcher, reservation);
      await tx.insertEvents(events);
      return result;
    });
  } catch (error) {
    if (reservation.count > 0) dispatcher?.release(reservation.count);
    throw error;
  }
  afterPlan(plan, applied, dispatcher);
  return { commands: plan.commands.length, status: plan.status, scheduled: applied.scheduled + applied.claimed.length };
}

type ResolvedComplete = { kind: "completeExecution"; output: unknown };

/** Evaluates the workflow's output mapping for completeExecution (async, so before the transaction). */
async function resolveExecutionOutput(
  commands: Command[],
  execution: ExecutionRow,
  definition: WorkflowDefinition,
  runs: readonly TaskRunRow[],
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
    for (const run of runs) if (run.mapIndex === -1 && run.status === "COMPLETED") outputs[run.taskKey] = taskRunSnapshot(run).output;
    resolved = { kind: "completeExecution", output: outputs };
  }
  return commands.map((command, i) => (i === index ? (resolved as Command) : command));
}

type ApplyContext = {
  executionId: string;
  definition: WorkflowDefinition;
  now: Date;
  events: NewEvent[];
};


/**
 * Writes attempt rows and keeps the in-memory copy of them identical to what it writes: every
 * change is one patch object, sent to the database and applied to a new row object. New rows are
 * inserted together at flush (one statement for a whole fan-out).
 */
class RunWriter {
  readonly runs: TaskRunRow[];
  readonly created: TaskRunRow[] = [];

  constructor(
    readonly tx: EngineTx,
    /** Prisma's transaction, when the plan needs links.ts (see needsPrisma). */
    readonly prismaTx: Tx | null,
    runs: readonly TaskRunRow[],
    private readonly now: Date,
  ) {
    this.runs = [...runs];
  }

  /** A task that ran a child workflow was cancelled or timed out: terminate its children. */
  async cancelChildren(run: TaskRunRow, now: Date, reason: string): Promise<void> {
    if (run.taskType !== "subworkflow") return;
    if (!this.prismaTx) throw new Error("cancelling child executions needs the Prisma transaction (see needsPrisma)");
    await cancelChildExecutions(this.prismaTx, run.id, now, reason);
  }

  create(row: Omit<TaskRunRow, "createdAt" | "updatedAt">): TaskRunRow {
    const full: TaskRunRow = { ...row, createdAt: this.now, updatedAt: this.now };
    this.created.push(full);
    this.runs.push(full);
    return full;
  }

  /** Locks a not yet flushed row for an engine (see Dispatcher). */
  claimCreated(id: string, lockedBy: string, leaseExpiresAt: Date): void {
    const i = this.created.findIndex((row) => row.id === id);
    const claimed = { ...this.created[i]!, lockedBy, leaseExpiresAt };
    this.created[i] = claimed;
    this.runs[this.runs.findIndex((row) => row.id === id)] = claimed;
  }

  async update(executionId: string, key: AttemptKey, patch: RunPatch): Promise<TaskRunRow> {
    const at = this.runs.findIndex((row) => row.taskKey === key.taskKey && row.mapIndex === key.mapIndex && row.attempt === key.attempt);
    const pending = at >= 0 ? this.created.findIndex((row) => row.id === this.runs[at]!.id) : -1;
    if (at === -1) throw new Error(`the state of execution ${executionId} has no attempt ${key.taskKey}[${key.mapIndex}] #${key.attempt}`);
    if (pending === -1 && !(await this.tx.updateRunByKey(executionId, key, patch))) {
      throw new Error(`attempt ${key.taskKey}[${key.mapIndex}] #${key.attempt} of execution ${executionId} is not stored`);
    }
    const row: TaskRunRow = { ...this.runs[at]!, ...patch, updatedAt: this.now };
    this.runs[at] = row;
    if (pending >= 0) this.created[pending] = row;
    return row;
  }

  async flush(): Promise<void> {
    await this.tx.insertRuns(this.created);
  }
}

/** A new attempt row, due at `runAt` (SCHEDULED) or waiting for its backoff (RETRYING). */
function createAttempt(writer: RunWriter, { executionId, definition, now }: ApplyContext, ref: AttemptKey, status: "SCHEDULED" | "RETRYING", runAt: Date): TaskRunRow {
  const kind = runKindOf(definition, ref.taskKey, ref.mapIndex);
  return writer.create({
    ...EMPTY_RUN,
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
  });
}

const EMPTY_RUN = {
  input: null,
  output: null,
  error: null,
  logs: null,
  scheduledAt: null,
  startedAt: null,
  endedAt: null,
  nextRunAt: null,
  lockedBy: null,
  leaseExpiresAt: null,
  heartbeatAt: null,
  heartbeatDetails: null,
} as const;

/** Persists one task command; returns how many attempts became due now (to wake the task runners). */
async function applyTaskCommand(writer: RunWriter, command: Command, context: ApplyContext): Promise<number> {
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
      const run = createAttempt(writer, context, command, "SCHEDULED", command.runAt);
      events.push({ ...base, type: "TASK_SCHEDULED", taskKey: command.taskKey, mapIndex: command.mapIndex, taskRunId: run.id, payload: { attempt: command.attempt } });
      return 1;
    }
    case "retry": {
      await writer.update(executionId, { ...command, attempt: command.failedAttempt }, { nextRunAt: null });
      const run = createAttempt(writer, context, command, command.status, command.runAt);
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
      await writer.update(executionId, command, { nextRunAt: null });
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
      writer.create({
        ...EMPTY_RUN,
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
      });
      events.push({ ...base, type: skipped ? "TASK_SKIPPED" : "TASK_UPSTREAM_FAILED", taskKey: command.taskKey, mapIndex: command.mapIndex, reason, payload: { upstream: command.upstream } });
      return 0;
    }
    case "timeoutAttempt": {
      const run = await writer.update(executionId, command, { status: "TIMED_OUT", error: toJsonText(command.error), endedAt: now, nextRunAt: now, lockedBy: null, leaseExpiresAt: null });
      await writer.cancelChildren(run, now, `task ${command.taskKey} timed out`);
      events.push({ ...base, type: "TASK_TIMED_OUT", taskKey: command.taskKey, mapIndex: command.mapIndex, taskRunId: run.id, reason: command.reason, payload: command.error });
      return 0;
    }
    case "cancelAttempt": {
      const run = await writer.update(executionId, command, { status: "CANCELLED", endedAt: now, nextRunAt: null, lockedBy: null, leaseExpiresAt: null });
      await writer.cancelChildren(run, now, `task ${command.taskKey} was cancelled (${command.reason})`);
      events.push({ ...base, type: "TASK_CANCELLED", taskKey: command.taskKey, mapIndex: command.mapIndex, taskRunId: run.id, reason: command.reason });
      return 0;
    }
    case "completeMap":
      await writer.update(executionId, command, { status: "COMPLETED", output: toJsonText(command.output), endedAt: now, nextRunAt: null });
      events.push({
        ...base,
        type: "TASK_COMPLETED",
        taskKey: command.taskKey,
        payload: { succeeded: Object.keys(command.output.success).length, failed: Object.keys(command.output.failure).length },
      });
      return 0;
    case "failMap":
      await writer.update(executionId, command, { status: "FAILED", error: toJsonText(command.error), endedAt: now, nextRunAt: null });
      events.push({ ...base, type: "TASK_FAILED", taskKey: command.taskKey, payload: command.error });
      return 0;
  }
}
