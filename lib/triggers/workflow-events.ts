/**
 * Workflow-event triggers: when an execution of workflow X ends with a listed status (any end when
 * none is listed), start the trigger's workflow with `$trigger.sourceExecution` = { id, workflow,
 * version, status, output, error }.
 *
 * Durable by a claim, not by the ending's transaction: every engine tick looks at the executions
 * of X that ended since the trigger's cursor (minus LOOKBACK_MS, for endings that committed late
 * with an earlier endedAt) and fires each through writes/fire-trigger.ts with the unique claim
 * (trigger, `source:<execution id>`): an ending seen twice, or by two engines, starts one
 * execution. The cursor only moves forward, to the newest endedAt looked at.
 */
import type { Db } from "@/lib/db/client";
import { announceExecutionChanged, wakeEngine } from "@/lib/runtime/bus";
import { fromJsonText } from "@/lib/runtime/json";
import { fireTrigger } from "@/lib/runtime/writes/fire-trigger";
import { ENDED_EXECUTION_STATUSES, type WorkflowTrigger } from "@/lib/workflow/schema";
import { prepareFireStart, triggerActor } from "./start";

/** How far behind the cursor endings are looked at again (an ending committed late). */
export const LOOKBACK_MS = 30_000;
const BATCH = 200;
const MAX_PAGES = 10;

function endedPage(db: Db, spec: WorkflowTrigger, since: Date, page: number) {
  return db.execution.findMany({
    where: { workflowName: spec.workflow, endedAt: { gte: since }, status: { in: [...(spec.status ?? ENDED_EXECUTION_STATUSES)] } },
    orderBy: [{ endedAt: "asc" }, { id: "asc" }],
    skip: page * BATCH,
    take: BATCH,
    select: { id: true, workflowName: true, workflowVersion: true, status: true, output: true, error: true, endedAt: true },
  });
}

export async function fireWorkflowEventTriggers(db: Db, now: Date = new Date()): Promise<number> {
  const triggers = await db.trigger.findMany({
    where: { type: "workflow", enabled: true, pausedAt: null, retiredAt: null },
    select: { id: true, workflowName: true, key: true, type: true, definitionId: true, definitionVersion: true, spec: true, cursorAt: true },
  });
  let started = 0;
  for (const row of triggers) {
    const spec = JSON.parse(row.spec) as WorkflowTrigger;
    const since = new Date((row.cursorAt ?? now).getTime() - LOOKBACK_MS);
    let newest: Date | null = null;
    // Pages of endings in (endedAt, id) order; already claimed ones (seen in an earlier pass) are skipped.
    const ended: Awaited<ReturnType<typeof endedPage>> = [];
    for (let page = 0; page < MAX_PAGES && ended.length < BATCH; page += 1) {
      const rows = await endedPage(db, spec, since, page);
      if (rows.length === 0) break;
      const claimed = new Set(
        (await db.triggerFire.findMany({ where: { triggerId: row.id, fireKey: { in: rows.map((execution) => `source:${execution.id}`) } }, select: { fireKey: true } })).map((fire) => fire.fireKey),
      );
      ended.push(...rows.filter((execution) => !claimed.has(`source:${execution.id}`)));
      newest = rows[rows.length - 1]!.endedAt!;
      if (rows.length < BATCH) break;
    }
    const actor = triggerActor(row);
    for (const source of ended) {
      const sourceExecution = { id: source.id, workflow: source.workflowName, version: source.workflowVersion, status: source.status, output: fromJsonText(source.output) ?? null, error: fromJsonText(source.error) ?? null };
      const start = await prepareFireStart(db, row, { type: "workflow", key: row.key, sourceExecution }, { sourceExecution: source.id }, {}, actor, now);
      const result = await fireTrigger(db, { triggerId: row.id, fireKey: `source:${source.id}`, actor, now, overlap: "allow", start });
      if (result.outcome === "started") {
        started += 1;
        announceExecutionChanged(result.executionId);
      }
    }
    if (newest && (!row.cursorAt || newest > row.cursorAt)) await db.trigger.updateMany({ where: { id: row.id, OR: [{ cursorAt: null }, { cursorAt: { lt: newest } }] }, data: { cursorAt: newest } });
  }
  if (started > 0) wakeEngine();
  return started;
}
