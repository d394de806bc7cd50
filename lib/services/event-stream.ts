import type { Db } from "@/lib/db/client";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import { engineBus } from "@/lib/runtime/bus";
import { readExecutionEvents, type ExecutionEventView } from "@/lib/services/executions";
import { readExecutionDelta } from "@/lib/services/execution-delta";
import { sseStream } from "@/lib/services/sse";

const PAGE = 500;

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
  return streamEventBatches(db, executionId, after, signal, async (events) => events.map((event) => `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`).join(""));
}

/**
 * The execution's live deltas (execution-delta.ts) as server-sent events: one message per batch of
 * new events (up to PAGE; whatever the engine committed since the last turn), with `id:` the last
 * event it covers (resumable with Last-Event-ID) and the ExecutionDelta as JSON data; then `end`
 * as the event stream does. The monitor's live view (components/monitor/use-live-execution.ts).
 */
export function streamExecutionDeltas(db: Db, executionId: string, after: bigint | undefined, signal: AbortSignal): ReadableStream<Uint8Array> {
  return streamEventBatches(db, executionId, after, signal, async (events) => {
    const delta = await readExecutionDelta(db, executionId, events);
    return `id: ${delta.lastEventId}\ndata: ${JSON.stringify(delta)}\n\n`;
  });
}

/** The one loop of both streams: each batch of new events becomes SSE text by `format`. */
function streamEventBatches(
  db: Db,
  executionId: string,
  after: bigint | undefined,
  signal: AbortSignal,
  format: (events: ExecutionEventView[]) => Promise<string>,
): ReadableStream<Uint8Array> {
  let cursor = after;
  const sendEvents = async (send: (text: string) => void, events: ExecutionEventView[]) => {
    if (events.length === 0) return;
    send(await format(events));
    cursor = BigInt(events[events.length - 1]!.id);
  };
  return sseStream(
    {
      listen: (wake) => {
        const onChange = (changedId: string) => changedId === executionId && wake();
        engineBus.on("executionChanged", onChange);
        return () => void engineBus.off("executionChanged", onChange);
      },
      turn: async (send) => {
        const events = await readExecutionEvents(db, executionId, cursor, PAGE).catch(() => []);
        await sendEvents(send, events);
        if (events.length === PAGE) return "more";
        const execution = await db.execution.findUnique({ where: { id: executionId }, select: { status: true } });
        if (execution && !isTerminalExecutionStatus(execution.status as ExecutionStatus)) return "wait";
        // Everything up to the end, however many events the last transaction wrote.
        for (;;) {
          const tail = await readExecutionEvents(db, executionId, cursor, PAGE).catch(() => []);
          await sendEvents(send, tail);
          if (tail.length < PAGE) break;
        }
        send(`event: end\ndata: ${JSON.stringify({ status: execution?.status ?? null })}\n\n`);
        return "end";
      },
    },
    signal,
  );
}
