/**
 * Streams a running attempt's output into its log (writes/append-logs.ts) while it runs: the
 * shell runner writes stdout/stderr chunks here; they are cut into lines, masked (secrets), and
 * appended in batches (each append announces its lines to the log streams) — every FLUSH_MS, or sooner once MAX_PENDING_LINES wait — so the monitor
 * shows them within a fraction of a second without a transaction per line. `close()` writes what
 * is left (a last line without its newline included) before the attempt's outcome is recorded.
 *
 * Once an append is refused (the attempt is no longer this holder's: terminated, reaped) the sink
 * stops writing. A database error loses that batch only; the runner's outcome is unaffected.
 */
import type { Db } from "@/lib/db/client";
import type { HttpExchange } from "@/lib/runtime/runners/http-exchange";
import { appendLogs, type LogStream, type NewLogLine } from "@/lib/runtime/writes/append-logs";
import { runningFor } from "@/lib/runtime/writes/fence";

const FLUSH_MS = 200;
const MAX_PENDING_LINES = 500;
/** A partial line longer than this is written without waiting for its newline. */
const MAX_PARTIAL_CHARS = 16 * 1024;

export type LogSinkTarget = { taskRunId: string; holder: string };

export class LogSink {
  private pending: NewLogLine[] = [];
  private readonly partial = new Map<LogStream, string>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private refused = false;
  /** Lines the limit or a refusal kept out of the log. */
  dropped = 0;

  constructor(
    private readonly db: Db,
    private readonly target: LogSinkTarget,
    private readonly mask: (text: string) => string = (text) => text,
  ) {}

  /** A chunk of a stream's output: complete lines are queued, the rest waits for its newline. */
  write(stream: LogStream, chunk: string): void {
    if (this.refused) return;
    let text = (this.partial.get(stream) ?? "") + chunk;
    let newline = text.indexOf("\n");
    while (newline >= 0) {
      this.queue(stream, text.slice(0, newline).replace(/\r$/, ""));
      text = text.slice(newline + 1);
      newline = text.indexOf("\n");
    }
    if (text.length > MAX_PARTIAL_CHARS) {
      this.queue(stream, text);
      text = "";
    }
    this.partial.set(stream, text);
  }

  /** Writes everything still queued, a last unterminated line included; resolves once stored. */
  async close(): Promise<void> {
    for (const [stream, text] of this.partial) if (text) this.queue(stream, text);
    this.partial.clear();
    this.flush();
    await this.writing;
  }

  private queue(stream: LogStream, message: string): void {
    this.pending.push({ stream, level: stream === "stderr" ? "warn" : "info", message: this.mask(message), time: new Date() });
    if (this.pending.length >= MAX_PENDING_LINES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.writing.then(async () => {
      if (this.refused) return void (this.dropped += batch.length);
      try {
        const result = await appendLogs(this.db, this.target.taskRunId, runningFor(this.target.holder), batch);
        if (!result) {
          this.refused = true;
          this.dropped += batch.length;
          return;
        }
        this.dropped += result.dropped;
      } catch {
        this.dropped += batch.length;
      }
    });
  }
}

/**
 * An http attempt's line in its log: the request as sent (masked, lib/runtime/runners/http-exchange.ts)
 * and what came back, e.g. `POST https://api.example.com/orders → 503 in 41 ms`. Best effort: the
 * exchange itself is recorded with the outcome whatever happens here.
 */
export async function appendExchangeLine(db: Db, taskRunId: string, holder: string, exchange: HttpExchange): Promise<void> {
  const { request, response } = exchange;
  const status = response?.status ?? null;
  const answer = status !== null ? `${status}` : `no answer (${response?.error ?? "failed"})`;
  const took = response ? ` in ${response.durationMs} ms` : "";
  const body = request.body !== null ? ` · request body ${request.bodyBytes} bytes${request.bodyTruncated ? " (cut in the attempt's input)" : ""}` : "";
  const level = status === null || status >= 500 ? "error" : status >= 400 ? "warn" : "info";
  try {
    await appendLogs(db, taskRunId, runningFor(holder), [{ stream: "http", level, message: `${request.method} ${request.url} → ${answer}${took}${body}` }]);
  } catch {
    // the line is a convenience; the exchange is in the attempt's input
  }
}
