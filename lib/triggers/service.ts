/**
 * What operators do with triggers at run time (the API under /api/triggers, the Triggers page and
 * the workflow page's section): list them, pause, resume, run now, read and rotate a webhook's
 * secret. Each action is a TriggerEvent naming who did it. Roles (lib/auth/roles.ts): listing is
 * viewer; pause, resume, run now and reading the secret are operator (an operator may start any
 * execution with any input already, so the secret gives no more than that); rotating is designer:
 * it breaks every caller configured with the old secret, a change of the integration like an edit
 * of the definition.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { announceExecutionChanged, wakeEngine } from "@/lib/runtime/bus";
import { fireTrigger } from "@/lib/runtime/writes/fire-trigger";
import { notFound, ServiceError } from "@/lib/services/errors";
import type { TriggerDefinition } from "@/lib/workflow/schema";
import { openTriggerSecret, sealNewSecret } from "./secret";
import { prepareFireStart } from "./start";

export type TriggerState = "active" | "paused" | "disabled" | "ended" | "retired";

export type TriggerView = {
  id: string;
  workflow: string;
  key: string;
  type: string;
  state: TriggerState;
  description: string | null;
  definitionVersion: number;
  spec: TriggerDefinition;
  pausedAt: string | null;
  pausedBy: string | null;
  nextFireAt: string | null;
  lastFireAt: string | null;
  lastExecution: { id: string; status: string } | null;
  /** Webhooks: the path callers POST to. */
  hookPath: string | null;
  secretRotatedAt: string | null;
  secretRotatedBy: string | null;
};

type Row = Awaited<ReturnType<Db["trigger"]["findFirstOrThrow"]>>;
const iso = (date: Date | null) => date?.toISOString() ?? null;

function stateOf(row: Row): TriggerState {
  if (row.retiredAt) return "retired";
  if (!row.enabled) return "disabled";
  if (row.pausedAt) return "paused";
  if (row.type === "schedule" && !row.nextFireAt) return "ended";
  return "active";
}

async function views(db: Db, rows: Row[]): Promise<TriggerView[]> {
  const lastIds = rows.flatMap((row) => (row.lastExecutionId ? [row.lastExecutionId] : []));
  const last = new Map((await db.execution.findMany({ where: { id: { in: lastIds } }, select: { id: true, status: true } })).map((execution) => [execution.id, execution]));
  return rows.map((row) => {
    const spec = JSON.parse(row.spec) as TriggerDefinition;
    return {
      id: row.id,
      workflow: row.workflowName,
      key: row.key,
      type: row.type,
      state: stateOf(row),
      description: spec.description ?? null,
      definitionVersion: row.definitionVersion,
      spec,
      pausedAt: iso(row.pausedAt),
      pausedBy: row.pausedBy,
      nextFireAt: iso(row.nextFireAt),
      lastFireAt: iso(row.lastFireAt),
      lastExecution: row.lastExecutionId ? (last.get(row.lastExecutionId) ?? null) : null,
      hookPath: row.type === "webhook" ? `/api/hooks/${encodeURIComponent(row.workflowName)}/${encodeURIComponent(row.key)}` : null,
      secretRotatedAt: iso(row.secretRotatedAt),
      secretRotatedBy: row.secretRotatedBy,
    };
  });
}

/** Every trigger of the latest versions (or of one workflow), retired ones only when asked. */
export async function listTriggers(db: Db, options: { workflow?: string; includeRetired?: boolean } = {}): Promise<TriggerView[]> {
  const rows = await db.trigger.findMany({
    where: { ...(options.workflow ? { workflowName: options.workflow } : {}), ...(options.includeRetired ? {} : { retiredAt: null }) },
    orderBy: [{ workflowName: "asc" }, { key: "asc" }],
  });
  return views(db, rows);
}

async function findRow(db: Db, workflow: string, key: string): Promise<Row> {
  const row = await db.trigger.findUnique({ where: { workflowName_key: { workflowName: workflow, key } } });
  if (!row || row.retiredAt) throw notFound(`workflow '${workflow}' has no trigger '${key}'`);
  return row;
}

async function record(db: Db, triggerId: string, type: string, actor: string, payload?: Record<string, unknown>): Promise<void> {
  await db.triggerEvent.create({ data: { id: randomUUID(), triggerId, type, actor, payload: payload ? JSON.stringify(payload) : null, createdAt: new Date() } });
}

export async function getTrigger(db: Db, workflow: string, key: string): Promise<TriggerView> {
  return (await views(db, [await findRow(db, workflow, key)]))[0]!;
}

/** Paused: no schedule fires, no webhook call is accepted, no workflow end starts it. Fires missed meanwhile follow catchUp on resume. */
export async function pauseTrigger(db: Db, workflow: string, key: string, actor: string): Promise<TriggerView> {
  const row = await findRow(db, workflow, key);
  if (row.pausedAt) throw new ServiceError("CONFLICT", `trigger '${workflow}/${key}' is already paused (by ${row.pausedBy ?? "someone"})`);
  const now = new Date();
  await db.$transaction(async (tx) => {
    await tx.trigger.update({ where: { id: row.id }, data: { pausedAt: now, pausedBy: actor } });
    await tx.triggerEvent.create({ data: { id: randomUUID(), triggerId: row.id, type: "PAUSED", actor, createdAt: now } });
  });
  return getTrigger(db, workflow, key);
}

export async function resumeTrigger(db: Db, workflow: string, key: string, actor: string): Promise<TriggerView> {
  const row = await findRow(db, workflow, key);
  if (!row.pausedAt) throw new ServiceError("CONFLICT", `trigger '${workflow}/${key}' is not paused`);
  const now = new Date();
  await db.$transaction(async (tx) => {
    await tx.trigger.update({ where: { id: row.id }, data: { pausedAt: null, pausedBy: null, ...(row.type === "workflow" ? { cursorAt: now } : {}) } });
    await tx.triggerEvent.create({ data: { id: randomUUID(), triggerId: row.id, type: "RESUMED", actor, createdAt: now } });
  });
  wakeEngine();
  return getTrigger(db, workflow, key);
}

/**
 * Fires the trigger once now, as the operator (the execution's actor), whatever its state or
 * schedule: `$trigger` holds `{ type, key, manual: true, scheduledTime: now }` (no body, no source).
 */
export async function runTriggerNow(db: Db, workflow: string, key: string, actor: string): Promise<{ executionId: string }> {
  const row = await findRow(db, workflow, key);
  const now = new Date();
  const requestId = randomUUID();
  const binding = { type: row.type, key, manual: true, requestId, scheduledTime: now.toISOString(), body: null, headers: {}, query: {}, sourceExecution: null };
  const start = await prepareFireStart(db, row, binding, { manual: true, requestId, fireTime: now.toISOString() }, {}, actor, now);
  const result = await fireTrigger(db, { triggerId: row.id, fireKey: `manual:${requestId}`, actor, now, overlap: "allow", start });
  if (result.outcome === "failed") throw new ServiceError("VALIDATION_FAILED", result.message);
  if (result.outcome !== "started") throw new ServiceError("CONFLICT", `trigger '${workflow}/${key}' did not start (${result.outcome})`);
  await record(db, row.id, "RUN_NOW", actor, { executionId: result.executionId });
  announceExecutionChanged(result.executionId);
  wakeEngine();
  return { executionId: result.executionId };
}

/** A webhook's secret in clear, for the person configuring the caller. Reading it is recorded. */
export async function revealWebhookSecret(db: Db, workflow: string, key: string, actor: string): Promise<{ secret: string }> {
  const row = await findRow(db, workflow, key);
  if (row.type !== "webhook") throw new ServiceError("BAD_REQUEST", `trigger '${workflow}/${key}' is a ${row.type} trigger; only webhooks have a secret`);
  const opened = openTriggerSecret(row.id, row);
  if (!opened.ok) throw new ServiceError("CONFLICT", `the secret of '${workflow}/${key}' cannot be read: ${opened.problem}`);
  await record(db, row.id, "SECRET_VIEWED", actor);
  return { secret: opened.secret };
}

/** A new secret; the old one stops working at once. */
export async function rotateWebhookSecret(db: Db, workflow: string, key: string, actor: string): Promise<{ secret: string; trigger: TriggerView }> {
  const row = await findRow(db, workflow, key);
  if (row.type !== "webhook") throw new ServiceError("BAD_REQUEST", `trigger '${workflow}/${key}' is a ${row.type} trigger; only webhooks have a secret`);
  const sealed = sealNewSecret(row.id, true);
  if (!sealed) throw new ServiceError("CONFLICT", "this server has no usable secrets key (FLOWDECK_SECRETS_KEY or the key file), so it cannot store a secret");
  const now = new Date();
  await db.$transaction(async (tx) => {
    await tx.trigger.update({
      where: { id: row.id },
      data: { secretCiphertext: sealed.secretCiphertext, secretIv: sealed.secretIv, secretAuthTag: sealed.secretAuthTag, secretKeyId: sealed.secretKeyId, secretRotatedAt: now, secretRotatedBy: actor },
    });
    await tx.triggerEvent.create({ data: { id: randomUUID(), triggerId: row.id, type: "SECRET_ROTATED", actor, createdAt: now } });
  });
  return { secret: sealed.secret, trigger: await getTrigger(db, workflow, key) };
}

/** What people did to a trigger, newest first. */
export async function triggerEvents(db: Db, workflow: string, key: string, take = 50): Promise<{ type: string; actor: string; payload: unknown; createdAt: string }[]> {
  const row = await findRow(db, workflow, key);
  const events = await db.triggerEvent.findMany({ where: { triggerId: row.id }, orderBy: { createdAt: "desc" }, take });
  return events.map((event) => ({ type: event.type, actor: event.actor, payload: event.payload ? (JSON.parse(event.payload) as unknown) : null, createdAt: event.createdAt.toISOString() }));
}
