/**
 * A trigger fires (lib/triggers): the claim and the start are one transaction. The unique
 * (triggerId, fireKey) TriggerFire row is inserted in the transaction that inserts the execution,
 * so a fire is either claimed and started, or neither: a process that dies in between leaves no
 * claim (its transaction rolls back) and the fire is still due for the next engine; two engines
 * that both see it due cannot both commit it (the second collides on the unique row, or finds the
 * schedule advanced by the guarded update below).
 *
 * Lock order: the Trigger row (guarded update), then the previous execution (overlap: read), then
 * the new execution (insert). No transition locks an execution and then a trigger.
 */
import { randomUUID } from "node:crypto";
import type { Db, Tx } from "@/lib/db/client";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import type { ExecutionRow } from "@/lib/runtime/snapshots";
import { prismaWriteTx } from "./prisma-tx";
import { insertNewExecution } from "./start-execution";

export type FireClaim = {
  triggerId: string;
  /** Unique per trigger: `time:<ISO>`, `idem:<key>`, `source:<execution id>`, `request:<uuid>`, `manual:<uuid>`. */
  fireKey: string;
  actor: string;
  now: Date;
  /** A schedule's fire: the row's nextFireAt must still be `from` (else someone fired it: "taken"), and becomes `to`. */
  advance?: { from: Date; to: Date | null };
  /** What a fire does while the trigger's previous execution is live (schedules; others "allow"). */
  overlap: "allow" | "skip" | "queue" | "cancelPrevious";
  /**
   * The new execution (built by newExecutionRow) and its EXECUTION_CREATED payload; or, when the
   * fire's input could not be made (its template failed, it does not fit the input schema), why:
   * the fire is then claimed as FAILED (it is not retried) and the reason kept as a FIRE_FAILED event.
   */
  start: { execution: ExecutionRow; payload: Record<string, unknown> } | { failure: string };
};

/**
 * started: claimed, execution inserted. skipped: claimed, no execution (overlap skip). busy: the
 * previous execution still runs and the policy queues: nothing written. taken: someone else
 * fired it (or the schedule was re-planned): nothing written. For "started" with cancelPrevious,
 * `previous` is the live execution the caller terminates next.
 */
export type FireResult =
  | { outcome: "started"; executionId: string; previous: string | null }
  | { outcome: "skipped"; previous: string }
  | { outcome: "failed"; message: string }
  | { outcome: "busy" | "taken" };

class FireTaken extends Error {}
class FireBusy extends Error {}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  const message = String((error as Error)?.message ?? "");
  return code === "P2002" || /unique constraint|UNIQUE constraint failed|duplicate key/i.test(message);
}

export async function fireTrigger(db: Db, claim: FireClaim): Promise<FireResult> {
  try {
    return await db.$transaction((tx) => fireIn(tx, claim));
  } catch (error) {
    if (error instanceof FireBusy) return { outcome: "busy" };
    if (error instanceof FireTaken || isUniqueViolation(error)) return { outcome: "taken" };
    throw error;
  }
}

async function fireIn(tx: Tx, claim: FireClaim): Promise<FireResult> {
  const { triggerId, now } = claim;
  // 1. The trigger row first: a guarded move of the schedule (or a plain lock for the others).
  if (claim.advance) {
    const moved = await tx.trigger.updateMany({ where: { id: triggerId, nextFireAt: claim.advance.from }, data: { nextFireAt: claim.advance.to } });
    if (moved.count !== 1) throw new FireTaken();
  } else {
    const touched = await tx.trigger.updateMany({ where: { id: triggerId }, data: { updatedAt: now } });
    if (touched.count !== 1) throw new FireTaken();
  }
  // 2. Overlap: the previous execution this trigger started.
  let previous: string | null = null;
  if (claim.overlap !== "allow") {
    const trigger = await tx.trigger.findUnique({ where: { id: triggerId }, select: { lastExecutionId: true } });
    const last = trigger?.lastExecutionId ? await tx.execution.findUnique({ where: { id: trigger.lastExecutionId }, select: { id: true, status: true } }) : null;
    if (last && !isTerminalExecutionStatus(last.status as ExecutionStatus)) previous = last.id;
  }
  if (previous && claim.overlap === "queue") throw new FireBusy();
  if (previous && claim.overlap === "skip") {
    await tx.triggerFire.create({ data: { id: randomUUID(), triggerId, fireKey: claim.fireKey, outcome: "SKIPPED", executionId: null, actor: claim.actor, createdAt: now } });
    await tx.trigger.update({ where: { id: triggerId }, data: { lastFireAt: now } });
    return { outcome: "skipped", previous };
  }
  if ("failure" in claim.start) {
    await tx.triggerFire.create({ data: { id: randomUUID(), triggerId, fireKey: claim.fireKey, outcome: "FAILED", executionId: null, actor: claim.actor, createdAt: now } });
    await tx.triggerEvent.create({ data: { id: randomUUID(), triggerId, type: "FIRE_FAILED", actor: claim.actor, payload: JSON.stringify({ fireKey: claim.fireKey, message: claim.start.failure }), createdAt: now } });
    await tx.trigger.update({ where: { id: triggerId }, data: { lastFireAt: now } });
    return { outcome: "failed", message: claim.start.failure };
  }
  // 3. The claim, the execution, and the trigger's pointer to it, together.
  const { execution, payload } = claim.start;
  await tx.triggerFire.create({ data: { id: randomUUID(), triggerId, fireKey: claim.fireKey, outcome: "STARTED", executionId: execution.id, actor: claim.actor, createdAt: now } });
  await insertNewExecution(prismaWriteTx(tx), execution, payload);
  await tx.trigger.update({ where: { id: triggerId }, data: { lastFireAt: now, lastExecutionId: execution.id } });
  return { outcome: "started", executionId: execution.id, previous };
}

/** A schedule whose fires were all missed (catch-up none): moves it on, claiming nothing. */
export async function skipMissedFires(db: Db, triggerId: string, from: Date, to: Date | null, missed: number, now: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const moved = await tx.trigger.updateMany({ where: { id: triggerId, nextFireAt: from }, data: { nextFireAt: to } });
    if (moved.count !== 1) return false;
    await tx.triggerEvent.create({ data: { id: randomUUID(), triggerId, type: "MISSED", actor: "engine", payload: JSON.stringify({ missed, from: from.toISOString(), next: to?.toISOString() ?? null }), createdAt: now } });
    return true;
  });
}

/** The existing fire of a key (an idempotent webhook call), when it is newer than `since`. */
export async function existingFire(db: Pick<Db, "triggerFire">, triggerId: string, fireKey: string): Promise<{ executionId: string | null; createdAt: Date } | null> {
  return db.triggerFire.findUnique({ where: { triggerId_fireKey: { triggerId, fireKey } }, select: { executionId: true, createdAt: true } });
}

/** An idempotency key whose window has passed is free again: its old claim is removed. */
export async function releaseExpiredFire(db: Db, triggerId: string, fireKey: string, olderThan: Date): Promise<void> {
  await db.triggerFire.deleteMany({ where: { triggerId, fireKey, createdAt: { lt: olderThan } } });
}
