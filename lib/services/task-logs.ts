/**
 * Reading an execution's task logs (the TaskLog rows lib/runtime/writes/append-logs.ts appends):
 * a page of lines, filtered by task, attempt and text, and the same as a live text/event-stream
 * that follows the lines as running attempts append them (the task inspector, `flowdeck logs
 * --follow`). Lines are ordered by id, which is also the cursor (`after`).
 */
import { z } from "zod";
import { driverOf, type Db } from "@/lib/db/client";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import { engineBus } from "@/lib/runtime/bus";
import { notFound } from "@/lib/services/errors";
import { sseStream } from "@/lib/services/sse";

/** Most lines in one page. */
export const MAX_LOG_PAGE = 1000;

export const taskLogQuerySchema = z.strictObject({
  task: z.string().min(1).max(200).optional().describe("Only this task's lines (its key; map items included unless mapIndex is given)"),
  mapIndex: z
    .string()
    .regex(/^-?[0-9]{1,9}$/, { error: "must be an integer: -1 for the task itself, else a map item's index" })
    .transform(Number)
    .optional()
    .describe("With task: only this map item (-1: the task itself)"),
  taskRunId: z.string().min(1).max(200).optional().describe("Only this attempt's lines (an attempt id, a superseded one included)"),
  q: z.string().min(1).max(200, { error: "must be at most 200 characters" }).optional().describe("Only lines containing this text (case-insensitive)"),
  after: z
    .string()
    .regex(/^[0-9]{1,19}$/, { error: "must be a log line id" })
    .optional()
    .describe("Only lines after this line id (the previous page's `next`)"),
  limit: z
    .string()
    .regex(/^[0-9]{1,4}$/, { error: "must be a whole number" })
    .transform(Number)
    .pipe(z.number().min(1, { error: "must be ≥ 1" }).max(MAX_LOG_PAGE, { error: `must be ≤ ${MAX_LOG_PAGE}` }))
    .optional()
    .describe(`Most lines to return (default and most: ${MAX_LOG_PAGE})`),
});
export type TaskLogQuery = z.infer<typeof taskLogQuerySchema>;

export type TaskLogLineView = {
  id: string;
  taskRunId: string;
  taskKey: string;
  mapIndex: number;
  attempt: number;
  /** stdout | stderr | worker | http | engine */
  stream: string;
  level: string;
  message: string;
  /** The marker where the attempt's log limit was reached: its later lines were not kept. */
  truncation: boolean;
  time: string;
};

export type TaskLogPage = {
  lines: TaskLogLineView[];
  /** The cursor for the next page (`after`), or null when this page reached the end. */
  next: string | null;
};

async function whereOf(db: Db, executionId: string, query: TaskLogQuery, after: bigint | undefined) {
  // LIKE is case-insensitive for ASCII on SQLite; PostgreSQL needs ILIKE (Prisma's insensitive mode).
  const postgres = query.q !== undefined && (await driverOf(db)).provider === "postgresql";
  const text = query.q === undefined ? {} : { message: postgres ? { contains: query.q, mode: "insensitive" as const } : { contains: query.q } };
  return {
    executionId,
    ...(query.task !== undefined ? { taskKey: query.task } : {}),
    ...(query.task !== undefined && query.mapIndex !== undefined ? { mapIndex: query.mapIndex } : {}),
    ...(query.taskRunId !== undefined ? { taskRunId: query.taskRunId } : {}),
    ...(after !== undefined ? { id: { gt: after } } : {}),
    ...text,
  };
}

const viewOf = (row: { id: bigint; taskRunId: string; taskKey: string; mapIndex: number; attempt: number; stream: string; level: string; message: string; truncation: boolean; time: Date }): TaskLogLineView => ({
  id: row.id.toString(),
  taskRunId: row.taskRunId,
  taskKey: row.taskKey,
  mapIndex: row.mapIndex,
  attempt: row.attempt,
  stream: row.stream,
  level: row.level,
  message: row.message,
  truncation: row.truncation,
  time: row.time.toISOString(),
});

async function readPage(db: Db, executionId: string, query: TaskLogQuery, after: bigint | undefined, limit: number): Promise<TaskLogLineView[]> {
  const rows = await db.taskLog.findMany({ where: (await whereOf(db, executionId, query, after)) as never, orderBy: { id: "asc" }, take: limit });
  return rows.map(viewOf);
}

/** A page of the execution's log lines (404 for an unknown execution). */
export async function listTaskLogs(db: Db, executionId: string, query: TaskLogQuery): Promise<TaskLogPage> {
  const execution = await db.execution.findUnique({ where: { id: executionId }, select: { id: true } });
  if (!execution) throw notFound(`execution '${executionId}' not found`);
  const limit = query.limit ?? MAX_LOG_PAGE;
  const lines = await readPage(db, executionId, query, query.after !== undefined ? BigInt(query.after) : undefined, limit);
  return { lines, next: lines.length === limit ? lines[lines.length - 1]!.id : null };
}

/**
 * The lines as server-sent events, from `after` on, then live: each message is one line as JSON
 * with `id:` its id (EventSource resumes with Last-Event-ID). Woken by the bus when lines are
 * appended in this process (or relayed to it), and polling (lib/services/sse.ts) for other processes'.
 * Ends with an `end` message once the execution has finished and every line was sent.
 */
export function streamTaskLogs(db: Db, executionId: string, query: TaskLogQuery, after: bigint | undefined, signal: AbortSignal): ReadableStream<Uint8Array> {
  let cursor = after;
  /** Sends the lines after the cursor, page by page. */
  const drain = async (send: (text: string) => void) => {
    for (;;) {
      const lines = await readPage(db, executionId, query, cursor, MAX_LOG_PAGE).catch(() => []);
      for (const line of lines) {
        send(`id: ${line.id}\ndata: ${JSON.stringify(line)}\n\n`);
        cursor = BigInt(line.id);
      }
      if (lines.length < MAX_LOG_PAGE) return;
    }
  };
  return sseStream(
    {
      listen: (wake) => {
        const onChange = (changedId: string) => changedId === executionId && wake();
        engineBus.on("logsAppended", onChange).on("executionEnded", onChange);
        return () => void engineBus.off("logsAppended", onChange).off("executionEnded", onChange);
      },
      turn: async (send) => {
        // The status first: lines appended before the execution ended are all read after it.
        const execution = await db.execution.findUnique({ where: { id: executionId }, select: { status: true } }).catch(() => undefined);
        await drain(send);
        if (execution !== null && (execution === undefined || !isTerminalExecutionStatus(execution.status as ExecutionStatus))) return "wait";
        send(`event: end\ndata: ${JSON.stringify({ status: execution?.status ?? null })}\n\n`);
        return "end";
      },
    },
    signal,
  );
}
