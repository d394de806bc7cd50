import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { EXECUTION_STATUSES } from "@/lib/engine/statuses";
import { ServiceError } from "@/lib/services/errors";
import type { ExecutionTrigger } from "@/lib/services/executions";

const isoDate = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time, e.g. 2026-11-22T10:00:00Z" });

export const executionSearchSchema = z.strictObject({
  status: z
    .string()
    .transform((value) => value.split(",").map((s) => s.trim().toUpperCase()).filter(Boolean))
    .pipe(z.array(z.enum(EXECUTION_STATUSES, { error: `must be one of ${EXECUTION_STATUSES.join(", ")}` })))
    .optional()
    .describe(`Comma-separated statuses (any case): ${EXECUTION_STATUSES.join(", ")}`),
  workflow: z.string().min(1).optional(),
  version: z.coerce.number().int().min(1).optional(),
  correlationId: z.string().min(1).optional(),
  /** Started by a trigger: its key (with `workflow`, one trigger), or `*` for any trigger. */
  trigger: z.string().min(1).max(64).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  q: z.string().min(1).max(200).optional(),
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export type ExecutionSearch = z.infer<typeof executionSearchSchema>;

export type ExecutionSummary = {
  id: string;
  workflowName: string;
  workflowVersion: number;
  status: string;
  correlationId: string | null;
  parentExecutionId: string | null;
  createdBy: string | null;
  /** What started it, when a trigger did. */
  trigger: ExecutionTrigger | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
};

type Cursor = { createdAt: Date; id: string };

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`).toString("base64url");
}

function decodeCursor(raw: string): Cursor {
  const [at, id] = Buffer.from(raw, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) throw new ServiceError("BAD_REQUEST", "cursor is not one this API returned", [{ path: "cursor", message: "malformed" }]);
  return { createdAt, id };
}

/**
 * Executions newest first, filtered, in pages. Keyset paging on (createdAt, id) — never OFFSET — so
 * page N costs the same as page 1 however many executions there are; the (status, createdAt),
 * (workflowName, workflowVersion, createdAt) and (createdAt) indexes serve the filters.
 */
export async function searchExecutions(db: Db, search: ExecutionSearch): Promise<{ executions: ExecutionSummary[]; nextCursor: string | null }> {
  const limit = search.limit ?? 50;
  const and: object[] = [];
  if (search.status?.length) and.push({ status: { in: search.status } });
  if (search.workflow) and.push({ workflowName: search.workflow });
  if (search.version) and.push({ workflowVersion: search.version });
  if (search.correlationId) and.push({ correlationId: search.correlationId });
  if (search.trigger === "*") and.push({ trigger: { not: null } });
  else if (search.trigger) and.push({ trigger: { contains: `"key":${JSON.stringify(search.trigger)}` } });
  if (search.from) and.push({ createdAt: { gte: new Date(search.from) } });
  if (search.to) and.push({ createdAt: { lt: new Date(search.to) } });
  if (search.q) {
    and.push({ OR: [{ id: { startsWith: search.q } }, { correlationId: { contains: search.q } }, { workflowName: { contains: search.q } }] });
  }
  if (search.cursor) {
    const cursor = decodeCursor(search.cursor);
    and.push({ OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] });
  }
  const rows = await db.execution.findMany({
    where: and.length > 0 ? { AND: and } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: { id: true, workflowName: true, workflowVersion: true, status: true, correlationId: true, parentExecutionId: true, createdBy: true, trigger: true, createdAt: true, startedAt: true, endedAt: true },
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    executions: page.map((row) => ({
      ...row,
      trigger: row.trigger ? (JSON.parse(row.trigger) as ExecutionTrigger) : null,
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      endedAt: row.endedAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}
