/**
 * An attempt's log lines (TaskLog rows), appended while it runs: by the shell runner as its output
 * arrives, by a worker through POST /api/workers/tasks/{taskId}/logs (and with its result), by the
 * http runner (a line for the exchange). Fenced like every attempt write: only the attempt's holder
 * while it is RUNNING may append (a late or duplicate worker's lines are refused, not mixed in).
 *
 * Bounded per attempt: FLOWDECK_TASK_LOG_MAX_BYTES (1 MiB) of message text is kept, counted on
 * the attempt row (`logBytes`, the bytes kept, under its row lock, so concurrent appends never overshoot). The
 * append that reaches the limit keeps what fits, cut at a line, and writes one marker line
 * (`truncation: true`); later lines of that attempt are dropped (the append says how many). A line
 * longer than MAX_LOG_LINE_BYTES is cut and says so.
 *
 * Ordered: a line's id is the log stream's cursor (lib/services/task-logs.ts), so the appends of
 * one execution commit in id order (on PostgreSQL under an advisory lock per execution).
 */
import { driverOf, type Db, type Tx } from "@/lib/db/client";
import type { DatabaseProvider } from "@/lib/db/config";
import { fenceWhere } from "./prisma-tx";
import type { Fence } from "./types";
import { announceLogsAppended } from "@/lib/runtime/bus";
import { SettingError } from "@/lib/workflow/setting-error";

/** Longest message of one line kept; the rest of a longer one is cut (marked in the line). */
export const MAX_LOG_LINE_BYTES = 16 * 1024;
const DEFAULT_MAX_LOG_BYTES = 1024 * 1024;

export type LogStream = "stdout" | "stderr" | "worker" | "http" | "engine";
export type LogLevel = "debug" | "info" | "warn" | "error";
export type NewLogLine = { stream: LogStream; level?: LogLevel; message: string; time?: Date };

export type AppendResult = {
  executionId: string;
  /** Lines stored by this append. */
  kept: number;
  /** Lines not stored: the attempt's log limit is reached. */
  dropped: number;
  /** Some of these lines were not kept: the attempt's log limit is reached. */
  truncated: boolean;
  /** Bytes of log text the attempt now keeps. */
  logBytes: number;
};

/** The per-attempt limit: FLOWDECK_TASK_LOG_MAX_BYTES (bytes, ≥ 1 KiB), 1 MiB by default. */
export function maxLogBytes(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.FLOWDECK_TASK_LOG_MAX_BYTES?.trim();
  if (!raw) return DEFAULT_MAX_LOG_BYTES;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1024) throw new SettingError(`FLOWDECK_TASK_LOG_MAX_BYTES must be a whole number of bytes ≥ 1024, not '${raw}'`);
  return value;
}

const bytesOf = (text: string) => Buffer.byteLength(text, "utf8");

/** `text` cut to at most `limit` bytes of UTF-8, never inside a character. */
function cutToBytes(text: string, limit: number): string {
  const buffer = Buffer.from(text, "utf8");
  if (buffer.length <= limit) return text;
  let end = limit;
  while (end > 0 && (buffer[end]! & 0xc0) === 0x80) end--; // back to a character's first byte
  return buffer.subarray(0, end).toString("utf8");
}

/** The per-attempt limit of this process, read once (checked at start-up: lib/server/settings-check.ts). */
const LOG_LIMIT = maxLogBytes();

/** A line with its message within MAX_LOG_LINE_BYTES (a cut line says how much was cut). */
export function boundedLine(line: NewLogLine): NewLogLine {
  const size = bytesOf(line.message);
  if (size <= MAX_LOG_LINE_BYTES) return line;
  const kept = cutToBytes(line.message, MAX_LOG_LINE_BYTES - 64);
  return { ...line, message: `${kept} … [line cut: ${size - bytesOf(kept)} more bytes]` };
}

/**
 * Appends `lines` to the attempt `taskRunId` if `fence` holds; null if it does not (the attempt
 * is not, or no longer, the writer's). One transaction: the fence check takes the attempt's row
 * lock, then the lines and the new byte count are written.
 */
export async function appendLogs(db: Db, taskRunId: string, fence: Fence, lines: readonly NewLogLine[], limit = LOG_LIMIT): Promise<AppendResult | null> {
  const { provider } = await driverOf(db);
  const result = await db.$transaction((tx) => appendLogsIn(tx, provider, taskRunId, fence, lines, limit));
  // Committed: the execution's log streams (lib/services/task-logs.ts) read the new lines now.
  if (result && result.kept > 0) announceLogsAppended(result.executionId);
  return result;
}

async function appendLogsIn(tx: Tx, provider: DatabaseProvider, taskRunId: string, fence: Fence, lines: readonly NewLogLine[], limit: number): Promise<AppendResult | null> {
  // The fence, and the row lock that orders concurrent appends of this attempt (PostgreSQL; SQLite
  // transactions are serialized anyway). Writes no column's value.
  const held = await tx.taskRun.updateMany({ where: { id: taskRunId, ...fenceWhere(fence) }, data: { logBytes: { increment: 0 } } });
  if (held.count !== 1) return null;
  const run = await tx.taskRun.findUnique({ where: { id: taskRunId }, select: { executionId: true, taskKey: true, mapIndex: true, attempt: true, logBytes: true } });
  if (!run) return null;
  // Line ids are the log stream's cursor, so they must commit in id order per execution: appends
  // of one execution's attempts take turns on PostgreSQL (SQLite commits one transaction at a time).
  if (provider === "postgresql") await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`flowdeck:logs:${run.executionId}`}))`;
  if (lines.length === 0) return { executionId: run.executionId, kept: 0, dropped: 0, truncated: false, logBytes: run.logBytes };
  let used = run.logBytes;
  const kept: NewLogLine[] = [];
  let dropped = 0;
  for (const raw of lines) {
    const line = boundedLine(raw);
    const size = bytesOf(line.message);
    if (dropped === 0 && used + size <= limit) {
      kept.push(line);
      used += size;
    } else dropped++;
  }
  // The first append over the limit marks the cut, once.
  const marks = dropped > 0 && !(await tx.taskLog.findFirst({ where: { taskRunId, truncation: true }, select: { id: true } }));
  const now = new Date();
  const row = (line: NewLogLine, truncation: boolean) => ({
    executionId: run.executionId,
    taskRunId,
    taskKey: run.taskKey,
    mapIndex: run.mapIndex,
    attempt: run.attempt,
    stream: line.stream,
    level: line.level ?? "info",
    message: line.message,
    time: line.time ?? now,
    truncation,
  });
  const rows = kept.map((line) => row(line, false));
  if (marks) {
    const message = `log limit of ${limit} bytes per attempt reached: later lines of this attempt are not kept (FLOWDECK_TASK_LOG_MAX_BYTES)`;
    rows.push(row({ stream: "engine", level: "warn", message }, true));
  }
  if (rows.length > 0) await tx.taskLog.createMany({ data: rows });
  if (used !== run.logBytes) await tx.taskRun.update({ where: { id: taskRunId }, data: { logBytes: used } });
  return { executionId: run.executionId, kept: kept.length, dropped, truncated: dropped > 0, logBytes: used };
}
