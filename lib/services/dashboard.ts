import type { Db } from "@/lib/db/client";
import { EXECUTION_STATUSES } from "@/lib/engine/statuses";

export type DashboardData = {
  countsByStatus: Record<string, number>;
  running: { id: string; workflowName: string; workflowVersion: number; startedAt: string | null; status: string }[];
  recentFailures: { id: string; workflowName: string; workflowVersion: number; endedAt: string | null; status: string; error: string | null }[];
  /** Executions finished per minute over the last hour, oldest first (60 buckets). */
  throughput: { minute: string; completed: number; failed: number }[];
};

const FAILED = ["FAILED", "TIMED_OUT", "TERMINATED"];

/** What an operator wants first: how many in each state, what runs now, what failed, the pace. */
export async function getDashboard(db: Db, now: Date): Promise<DashboardData> {
  const hourAgo = new Date(now.getTime() - 3600_000);
  const [groups, running, failures, finished] = await Promise.all([
    db.execution.groupBy({ by: ["status"], _count: { _all: true } }),
    db.execution.findMany({
      where: { status: { in: ["RUNNING", "PAUSED", "QUEUED"] } },
      orderBy: { createdAt: "desc" },
      take: 10,
      select: { id: true, workflowName: true, workflowVersion: true, startedAt: true, status: true },
    }),
    db.execution.findMany({
      where: { status: { in: FAILED } },
      orderBy: { endedAt: "desc" },
      take: 10,
      select: { id: true, workflowName: true, workflowVersion: true, endedAt: true, status: true, error: true },
    }),
    db.execution.findMany({ where: { endedAt: { gte: hourAgo } }, select: { endedAt: true, status: true } }),
  ]);
  const countsByStatus = Object.fromEntries(EXECUTION_STATUSES.map((status) => [status, 0]));
  for (const group of groups) countsByStatus[group.status] = group._count._all;
  const buckets = Array.from({ length: 60 }, (_, i) => ({ minute: new Date(hourAgo.getTime() + i * 60_000).toISOString(), completed: 0, failed: 0 }));
  for (const row of finished) {
    if (!row.endedAt) continue;
    const index = Math.min(59, Math.floor((row.endedAt.getTime() - hourAgo.getTime()) / 60_000));
    const bucket = buckets[index];
    if (!bucket) continue;
    if (row.status === "COMPLETED") bucket.completed++;
    else if (FAILED.includes(row.status)) bucket.failed++;
  }
  return {
    countsByStatus,
    running: running.map((r) => ({ ...r, startedAt: r.startedAt?.toISOString() ?? null })),
    recentFailures: failures.map((f) => ({
      ...f,
      endedAt: f.endedAt?.toISOString() ?? null,
      error: f.error ? ((JSON.parse(f.error) as { message?: string }).message ?? null) : null,
    })),
    throughput: buckets,
  };
}
