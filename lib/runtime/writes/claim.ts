import { Prisma } from "@/lib/db/generated/sqlite/client";
import type { Db, Tx } from "@/lib/db/client";
import type { DatabaseProvider } from "@/lib/db/config";
import type { ClaimedAttempt } from "@/lib/runtime/state";

/**
 * Claims: the engine's and the workers' (raw SQL through Prisma; the hot path's other statements
 * are in lib/runtime/store.ts). Each is ONE statement that picks due rows and marks them as taken, so two claimers
 * can never take the same row.
 *
 * Why raw SQL: Prisma has no UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)
 * RETURNING. On PostgreSQL, SKIP LOCKED lets any number of engine processes claim concurrently
 * without waiting on each other's rows (graphile-worker's getJobs does the same). SQLite has one
 * writer at a time, so the same statement without the locking clause is already exclusive.
 *
 * Times are bound as Date parameters (never CURRENT_TIMESTAMP): on SQLite they are ISO-8601 text
 * in the same fixed-width UTC format Prisma writes, so comparisons are chronological.
 */
function skipLocked(provider: DatabaseProvider): Prisma.Sql {
  return provider === "postgresql" ? Prisma.sql`FOR UPDATE OF t SKIP LOCKED` : Prisma.empty;
}

function skipLockedPlain(provider: DatabaseProvider): Prisma.Sql {
  return provider === "postgresql" ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
}

/**
 * Executions whose decision step is due. Taking one pushes its nextDecisionAt a lease ahead: if
 * this process dies mid-step, another engine picks the execution up when the lease runs out. The
 * step itself writes the real next time (decide's wakeAt) under the version guard.
 */
export async function claimDueDecisions(db: Db, provider: DatabaseProvider, now: Date, leaseUntil: Date, limit: number): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Execution" SET "nextDecisionAt" = ${leaseUntil}
    WHERE "id" IN (
      SELECT "id" FROM "Execution"
      WHERE "nextDecisionAt" <= ${now}
      ORDER BY "nextDecisionAt"
      LIMIT ${limit}
      ${skipLockedPlain(provider)}
    )
    RETURNING "id"`;
  return rows.map((row) => row.id);
}

/**
 * Due attempts the engine runs itself: built-in task types, and worker attempts that still need
 * their `when` and input mapping evaluated before workers may see them (input IS NULL). Attempts
 * of paused executions stay put. A claim whose lease ran out (the process died before it wrote a
 * result) can be taken again; attempts with side effects mark themselves RUNNING before acting, so
 * those are reaped into a timeout (and a counted retry) instead.
 */
/**
 * How long an engine that may not run shell tasks leaves a due shell attempt to engines that may
 * (worker agents started with FLOWDECK_ENABLE_SHELL=true). After that it takes the attempt and
 * fails it with SHELL_DISABLED, so a shell task never waits forever where no engine can run it.
 */
export const SHELL_GRACE_MS = 10_000;


export async function claimDueTasks(
  db: Db,
  provider: DatabaseProvider,
  engineId: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
  options: { shellEnabled: boolean } = { shellEnabled: false },
): Promise<ClaimedAttempt[]> {
  const shellRule = options.shellEnabled
    ? Prisma.empty
    : Prisma.sql`AND (t."taskType" <> 'shell' OR t."nextRunAt" <= ${new Date(now.getTime() - SHELL_GRACE_MS)})`;
  const rows = await db.$queryRaw<ClaimedAttempt[]>`
    UPDATE "TaskRun" SET "lockedBy" = ${engineId}, "leaseExpiresAt" = ${leaseUntil}
    WHERE "id" IN (
      SELECT t."id" FROM "TaskRun" t JOIN "Execution" e ON e."id" = t."executionId"
      WHERE t."status" IN ('SCHEDULED', 'RETRYING') AND t."nextRunAt" <= ${now}
        AND (t."workerTaskType" IS NULL OR t."input" IS NULL)
        AND (t."lockedBy" IS NULL OR t."leaseExpiresAt" < ${now})
        AND e."status" = 'RUNNING'
        ${shellRule}
      ORDER BY t."nextRunAt"
      LIMIT ${limit}
      ${skipLocked(provider)}
    )
    RETURNING "id", "executionId"`;
  return rows.map((row) => ({ id: row.id, executionId: row.executionId }));
}

/**
 * Worker attempts for an external worker (Conductor's poll): prepared (input set), due, not paused.
 * The claim starts the attempt (RUNNING) and gives the worker a lease; complete, fail and heartbeat
 * only succeed while `lockedBy` is still this worker.
 */
export async function claimWorkerTasks(
  db: Db | Tx,
  provider: DatabaseProvider,
  params: { taskType: string; workerId: string; now: Date; leaseUntil: Date; limit: number; /** Claim only among these attempts. */ ids?: readonly string[] },
): Promise<string[]> {
  const { taskType, workerId, now, leaseUntil, limit, ids } = params;
  if (ids && ids.length === 0) return [];
  const onlyIds = ids ? Prisma.sql`AND t."id" IN (${Prisma.join([...ids])})` : Prisma.empty;
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "TaskRun" SET "status" = 'RUNNING', "lockedBy" = ${workerId}, "leaseExpiresAt" = ${leaseUntil},
      "startedAt" = ${now}, "heartbeatAt" = ${now}, "nextRunAt" = NULL, "updatedAt" = ${now}
    WHERE "id" IN (
      SELECT t."id" FROM "TaskRun" t JOIN "Execution" e ON e."id" = t."executionId"
      WHERE t."workerTaskType" = ${taskType} AND t."status" IN ('SCHEDULED', 'RETRYING')
        AND t."nextRunAt" <= ${now} AND t."input" IS NOT NULL AND t."lockedBy" IS NULL
        AND e."status" = 'RUNNING'
        ${onlyIds}
      ORDER BY t."nextRunAt"
      LIMIT ${limit}
      ${skipLocked(provider)}
    )
    RETURNING "id"`;
  return rows.map((row) => row.id);
}
