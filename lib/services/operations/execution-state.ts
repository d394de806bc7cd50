/**
 * What every operator operation shares: the execution's current state, the optimistic version
 * guard, and the retry loop around both.
 *
 * Why an optimistic guard and not a lock held while we think: an operation reads the execution and
 * all its attempts, decides (pure planning, input checks), then writes in ONE transaction whose
 * first statement is `UPDATE "Execution" … WHERE id = ? AND version = <read version>` (lib/runtime/writes/execution-row.ts guardVersion). Anything that
 * changed the execution since the read — a decision step, a task result, another operator — has
 * moved the version, so the guard matches no row and the whole operation runs again on fresh
 * state. On PostgreSQL that first UPDATE also takes the execution's row lock, so a concurrent
 * writer waits for our commit and then sees the new version (READ COMMITTED re-checks the WHERE on
 * the committed row); event ids of the execution are therefore allocated in commit order. SQLite
 * has one writer at a time, so the same statement is already exclusive.
 */
import type { Db, Tx } from "@/lib/db/client";
import type { ExecutionStatus } from "@/lib/engine/statuses";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import { loadDefinition } from "@/lib/runtime/definitions";
import type { ExecutionRow, TaskRunRow } from "@/lib/runtime/snapshots";
import { prismaWriteTx } from "@/lib/runtime/writes/prisma-tx";
import { committed, recordingEvents, StaleExecutionError } from "@/lib/runtime/writes/transaction";
import type { WriteTx } from "@/lib/runtime/writes/types";
import { conflict, notFound, validationFailed, type ServiceError } from "@/lib/services/errors";

/** The execution as an operation sees it: its row, its pinned definition and every attempt. */
export type OperationState = {
  execution: ExecutionRow;
  status: ExecutionStatus;
  definition: WorkflowDefinition;
  runs: TaskRunRow[];
};

/** Who asked, and why: recorded on every event an operation writes. */
export type OperatorContext = {
  /** The user, token or API client that asked (`actorOf(principal)`: the signed-in user's email or `token:<name>`). */
  actor: string;
  /** Free text shown in the history. */
  reason?: string;
};

/** How often an operation is tried on fresh state before it gives up with a 409. @default 5 */
export const MAX_OPERATION_TRIES = 5;

export async function loadOperationState(db: Db, executionId: string): Promise<OperationState> {
  const execution = await db.execution.findUnique({ where: { id: executionId } });
  if (!execution) throw notFound(`execution '${executionId}' not found`);
  const definition = await loadDefinition(db, execution.definitionId);
  const runs = await db.taskRun.findMany({ where: { executionId }, orderBy: [{ taskKey: "asc" }, { mapIndex: "asc" }, { attempt: "asc" }] });
  return { execution, status: execution.status as ExecutionStatus, definition, runs };
}

/** Prisma's "write conflict or deadlock" (PostgreSQL may pick our transaction as the victim). */
function isWriteConflict(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2034";
}

/**
 * Runs `operation` on freshly loaded state; when the version guard (or the database) reports that
 * the execution changed meanwhile, loads it again and runs the whole operation again, so every
 * check is made on the state the write applies to.
 */
export async function withFreshState<T>(db: Db, executionId: string, operation: (state: OperationState) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const state = await loadOperationState(db, executionId);
    try {
      return await operation(state);
    } catch (error) {
      const retriable = error instanceof StaleExecutionError || isWriteConflict(error);
      if (!retriable) throw error;
      if (attempt >= MAX_OPERATION_TRIES) {
        throw conflict(`execution ${executionId} kept changing while the operation was applied (${attempt} tries); try again`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}

/**
 * An operation's transaction: the writes go through `tx` (lib/runtime/writes, whose first call is
 * always the guard on the version the operation's checks were made on), the reads of the view it
 * answers with through `read`, in the same transaction.
 */
export function operationTransaction<T>(db: Db, work: (tx: WriteTx, read: Tx) => Promise<T>): Promise<T> {
  return committed((events) => db.$transaction((read) => work(recordingEvents(prismaWriteTx(read), events), read)));
}

/** A conditional row update that matched nothing: the row moved on since we read it. */
export function stale(state: OperationState): StaleExecutionError {
  return new StaleExecutionError(state.execution.id);
}

/** "cannot resume execution 1234: it is COMPLETED" — every refusal names the operation and the state. */
export function refuse(verb: string, executionId: string, why: string): ServiceError {
  return conflict(`cannot ${verb} execution ${executionId}: ${why}`);
}

/** The task of the pinned version, or a 400 listing the valid keys. */
export function requireTask(state: OperationState, taskKey: string, field: string, verb: string) {
  const task = state.definition.tasks.find((entry) => entry.key === taskKey);
  if (task) return task;
  const keys = state.definition.tasks.map((entry) => entry.key).join(", ");
  const message = `there is no task '${taskKey}' in ${state.execution.workflowName} v${state.execution.workflowVersion}; valid task keys: ${keys}`;
  throw validationFailed(`cannot ${verb} execution ${state.execution.id}: ${message}`, [{ path: field, message }]);
}

/** The latest attempt of a task (or of one map item). */
export function latestAttempt(runs: readonly TaskRunRow[], taskKey: string, mapIndex = -1): TaskRunRow | undefined {
  let latest: TaskRunRow | undefined;
  for (const run of runs) {
    if (run.taskKey === taskKey && run.mapIndex === mapIndex && (!latest || run.attempt > latest.attempt)) latest = run;
  }
  return latest;
}
