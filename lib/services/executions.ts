import type { Db } from "@/lib/db/client";

export type ExecutionListItem = {
  id: string;
  workflowName: string;
  workflowVersion: number;
  status: string;
  correlationId: string | null;
  createdAt: string;
  endedAt: string | null;
};

/** The most recent executions, newest first. */
export async function listRecentExecutions(db: Db, limit = 50): Promise<ExecutionListItem[]> {
  const rows = await db.execution.findMany({
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, workflowName: true, workflowVersion: true, status: true, correlationId: true, createdAt: true, endedAt: true },
  });
  return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString(), endedAt: row.endedAt?.toISOString() ?? null }));
}
