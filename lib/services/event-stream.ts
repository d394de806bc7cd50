import type { Db } from "@/lib/db/client";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import { engineBus } from "@/lib/runtime/bus";
import { readExecutionEvents } from "@/lib/services/executions";
import { countSseConnection } from "@/lib/metrics/observe";

/** Poll interval for changes made by other processes (in-process changes arrive at once). */
const POLL_MS = 500;
const KEEPALIVE_MS = 15_000;

/**
 * The execution's events as server-sent events, from `after` on, then live. Each SSE message has
 * the event's id (so EventSource resumes with Last-Event-ID) and the event as JSON data. Ends with
 * an `end` message once the execution has finished and every event was sent.
 *
 * Why `id > cursor` is safe: every transaction that appends events of an execution first locks
 * that execution's row (lib/runtime/writes/execution-row.ts lockExecution), so its event ids are allocated in
 * commit order and a late commit can never carry a smaller id than one already sent.
 */
export function streamExecutionEvents(db: Db, executionId: string, after: bigint | undefined, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor = after;
  let closed = false;
  let wake: (() => void) | null = null;
  const onChange = (changedId: string) => {
    if (changedId === executionId) wake?.();
  };
  // flowdeck_sse_connections: +1 when the stream starts, -1 once when it ends (either way).
  let open = false;
  const opened = () => {
    open = true;
    countSseConnection(1);
  };
  const ended = () => {
    if (open) countSseConnection(-1);
    open = false;
  };
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => !closed && controller.enqueue(encoder.encode(text));
      const close = () => {
        if (closed) return;
        closed = true;
        engineBus.off("executionChanged", onChange);
        ended();
        wake?.();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      signal.addEventListener("abort", close);
      engineBus.on("executionChanged", onChange);
      opened();
      if (signal.aborted) close();
      send(`retry: 1000\n\n`);
      let lastSent = Date.now();
      while (!closed) {
        const events = await readExecutionEvents(db, executionId, cursor, 500).catch(() => []);
        for (const event of events) {
          send(`id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`);
          cursor = BigInt(event.id);
          lastSent = Date.now();
        }
        if (events.length === 500) continue;
        const execution = await db.execution.findUnique({ where: { id: executionId }, select: { status: true } });
        if (!execution || isTerminalExecutionStatus(execution.status as ExecutionStatus)) {
          // Everything up to the end, however many events the last transaction wrote.
          for (;;) {
            const tail = await readExecutionEvents(db, executionId, cursor, 500).catch(() => []);
            for (const event of tail) {
              send(`id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`);
              cursor = BigInt(event.id);
            }
            if (tail.length < 500) break;
          }
          send(`event: end\ndata: ${JSON.stringify({ status: execution?.status ?? null })}\n\n`);
          close();
          break;
        }
        if (Date.now() - lastSent > KEEPALIVE_MS) {
          send(`: keep-alive\n\n`);
          lastSent = Date.now();
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    },
    cancel() {
      closed = true;
      engineBus.off("executionChanged", onChange);
      ended();
      wake?.();
    },
  });
}
