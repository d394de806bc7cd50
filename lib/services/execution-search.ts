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
  /** The page older than this cursor (a nextCursor from an earlier answer). */
  cursor: z.string().min(1).optional(),
  /** The page newer than this cursor (a prevCursor from an earlier answer); not with `cursor`. */
  newerThan: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export type ExecutionSearch = z.infer<typeof executionSearchSchema>;

export type ExecutionPage = {
  executions: ExecutionSummary[];
  /** Pass as `cursor` for the next, older page; null on the last page. */
  nextCursor: string | null;
  /** Pass as `newerThan` for the previous, newer page; null on the first page. */
  prevCursor: string | null;
  /** How many executions match the filters, on every page. */
  total: number;
};

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

function decodeCursor(raw: string, path: "cursor" | "newerThan"): Cursor {
  const [at, id] = Buffer.from(raw, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) throw new ServiceError("BAD_REQUEST", `${path} is not one this API returned`, [{ path, message: "malformed" }]);
  return { createdAt, id };
}

/** The filters of a search as one Prisma `where`, without paging. */
function whereOf(search: ExecutionSearch): object[] {
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
  return and;
}

const olderThan = (cursor: Cursor) => ({ OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] });
const newerThan = (cursor: Cursor) => ({ OR: [{ createdAt: { gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }] });

const SUMMARY_SELECT = { id: true, workflowName: true, workflowVersion: true, status: true, correlationId: true, parentExecutionId: true, createdBy: true, trigger: true, createdAt: true, startedAt: true, endedAt: true } as const;

/**
 * Executions newest first, filtered, in pages both ways. Keyset paging on (createdAt, id) — never
 * OFFSET — so page N costs the same as page 1 however many executions there are; the (status,
 * createdAt), (workflowName, workflowVersion, createdAt) and (createdAt) indexes serve the filters.
 * A newer page is read oldest first from its cursor and turned around.
 */
export async function searchExecutions(db: Db, search: ExecutionSearch): Promise<ExecutionPage> {
  if (search.cursor && search.newerThan) {
    throw new ServiceError("BAD_REQUEST", "give cursor (an older page) or newerThan (a newer page), not both", [{ path: "newerThan", message: "not with cursor" }]);
  }
  const limit = search.limit ?? 50;
  const filters = whereOf(search);
  const toNewer = search.newerThan ? decodeCursor(search.newerThan, "newerThan") : null;
  const toOlder = search.cursor ? decodeCursor(search.cursor, "cursor") : null;
  const paged = [...filters, ...(toOlder ? [olderThan(toOlder)] : []), ...(toNewer ? [newerThan(toNewer)] : [])];
  const direction = toNewer ? "asc" : "desc";
  const [rows, total] = await Promise.all([
    db.execution.findMany({
      where: paged.length > 0 ? { AND: paged } : {},
      orderBy: [{ createdAt: direction }, { id: direction }],
      take: limit + 1,
      select: SUMMARY_SELECT,
    }),
    db.execution.count({ where: filters.length > 0 ? { AND: filters } : {} }),
  ]);
  const more = rows.length > limit;
  const page = toNewer ? rows.slice(0, limit).reverse() : rows.slice(0, limit);
  const first = page[0];
  const last = page[page.length - 1];
  // Going older, there is a newer page exactly when we came from one; going newer, when the
  // read found more than a page. The other direction's answer is the mirror image.
  const hasOlder = toNewer ? true : more;
  const hasNewer = toNewer ? more : toOlder !== null;
  return {
    executions: page.map((row) => ({
      ...row,
      trigger: row.trigger ? (JSON.parse(row.trigger) as ExecutionTrigger) : null,
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      endedAt: row.endedAt?.toISOString() ?? null,
    })),
    nextCursor: hasOlder && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
    prevCursor: hasNewer && first ? encodeCursor({ createdAt: first.createdAt, id: first.id }) : null,
    total,
  };
}

/**
 * The ids of every execution a search matches (its filters; paging ignored), newest first, for a
 * bulk action on "all N matching". Refused when more than `max` match, naming how many.
 */
export async function matchingExecutionIds(db: Db, search: ExecutionSearch, max: number): Promise<string[]> {
  const filters = whereOf(search);
  const rows = await db.execution.findMany({
    where: filters.length > 0 ? { AND: filters } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: max + 1,
    select: { id: true },
  });
  if (rows.length > max) {
    const total = await db.execution.count({ where: filters.length > 0 ? { AND: filters } : {} });
    throw new ServiceError("BAD_REQUEST", `${total} executions match; a bulk action takes at most ${max}: narrow the filters`, [{ path: "search", message: `more than ${max} match` }]);
  }
  return rows.map((row) => row.id);
}
