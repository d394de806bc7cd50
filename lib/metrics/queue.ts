/**
 * Queue depth at scrape time: attempts due but not started, from the database. One statement per
 * scrape, not per transition: it reads the range `status IN (SCHEDULED, RETRYING) AND nextRunAt
 * <= now` of the index TaskRun(status, nextRunAt) — the one the engine's claim uses — so its cost
 * is the number of due attempts, not of all attempts. Attempts of paused executions are not
 * counted (nothing runs them until a resume), and neither are those an engine or worker holds
 * with a live lease (taken, about to start). Grouped by who takes them: "engine" for built-in
 * task types (and worker attempts whose input the engine still has to prepare), else the worker
 * task type.
 */
import type { Db } from "@/lib/db/client";
import { metrics } from "./registry";

type Row = { queue: string | null; depth: bigint | number; oldest: Date | string | null };

export async function updateQueueGauges(db: Db, now = new Date()): Promise<void> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT CASE WHEN t."workerTaskType" IS NULL OR t."input" IS NULL THEN NULL ELSE t."workerTaskType" END AS "queue",
           COUNT(*) AS "depth", MIN(t."nextRunAt") AS "oldest"
    FROM "TaskRun" t JOIN "Execution" e ON e."id" = t."executionId"
    WHERE t."status" IN ('SCHEDULED', 'RETRYING') AND t."nextRunAt" <= ${now}
      AND (t."lockedBy" IS NULL OR t."leaseExpiresAt" < ${now})
      AND e."status" = 'RUNNING'
    GROUP BY 1`;
  const m = metrics();
  const depth = new Map<string, number>([["engine", 0]]);
  const age = new Map<string, number>([["engine", 0]]);
  for (const row of rows) {
    const queue = row.queue === null ? "engine" : m.workerQueues.value(`worker:${row.queue}`);
    const oldest = row.oldest === null ? null : new Date(row.oldest);
    const ageSeconds = oldest && !Number.isNaN(oldest.getTime()) ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0;
    depth.set(queue, (depth.get(queue) ?? 0) + Number(row.depth));
    age.set(queue, Math.max(age.get(queue) ?? 0, ageSeconds));
  }
  m.attemptsDue.reset();
  m.oldestDueAge.reset();
  for (const [queue, value] of depth) m.attemptsDue.set({ queue }, value);
  for (const [queue, value] of age) m.oldestDueAge.set({ queue }, value);
}
