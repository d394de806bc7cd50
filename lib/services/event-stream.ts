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
  return streamEventBatches("events", db, executionId, after, signal, async (events) => events.map((event) => `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`).join(""));
}

/**
 * The execution's live deltas (execution-delta.ts) as server-sent events: one message per batch of
 * new events (up to PAGE; whatever the engine committed since the last turn), with `id:` the last
 * event it covers (resumable with Last-Event-ID) and the ExecutionDelta as JSON data; then `end`
 * as the event stream does. The monitor's live view (components/monitor/use-live-execution.ts).
 */
export function streamExecutionDeltas(db: Db, executionId: string, after: bigint | undefined, signal: AbortSignal): ReadableStream<Uint8Array> {
  return streamEventBatches("deltas", db, executionId, after, signal, async (events) => {
    const delta = await readExecutionDelta(db, executionId, events);
    return `id: ${delta.lastEventId}\ndata: ${JSON.stringify(delta)}\n\n`;
  });
}

type Kind = "events" | "deltas";
/** One read of a stream's turn: the SSE text of the events after a cursor, and what comes next. */
type Batch = { text: string; lastId: bigint | null; full: boolean; ended: boolean; status: string | null };

/**
 * Reads in flight (and, for a moment after, their results) by (kind, execution, cursor). Streams of
 * one execution are woken by the same change at the same moment with the same cursor, so they
 * share one read of the events, one delta and one JSON text: a hundred monitors of one execution
 * cost one read a change, not a hundred (bench/monitor-scale.ts). A result with events is correct
 * for anyone at that cursor (they move past it), so it is kept SHARE_MS for stragglers; an empty one
 * is dropped at once (a change right after must be read, not answered from it).
 */
const sharedReads = new Map<string, Promise<Batch>>();
const SHARE_MS = 250;

function readBatch(kind: Kind, db: Db, executionId: string, cursor: bigint | undefined, format: (events: ExecutionEventView[]) => Promise<string>): Promise<Batch> {
  const key = `${kind}\u0000${executionId}\u0000${cursor ?? ""}`;
  const inFlight = sharedReads.get(key);
  if (inFlight) return inFlight;
  const read = (async (): Promise<Batch> => {
    const events = await readExecutionEvents(db, executionId, cursor, PAGE).catch(() => []);
    const full = events.length === PAGE;
    // Read after the events: an execution that has ended has written them all by then (its last
    // transaction writes its status and last events together), save the tail read below.
    const execution = full ? null : await db.execution.findUnique({ where: { id: executionId }, select: { status: true } });
    const ended = !full && (!execution || isTerminalExecutionStatus(execution.status as ExecutionStatus));
    const status = execution?.status ?? null;
    if (events.length === 0) return { text: "", lastId: null, full, ended, status };
    return { text: await format(events), lastId: BigInt(events[events.length - 1]!.id), full, ended, status };
  })();
  sharedReads.set(key, read);
  const forget = () => {
    if (sharedReads.get(key) === read) sharedReads.delete(key);
  };
  read.then((batch) => (batch.lastId === null ? forget() : setTimeout(forget, SHARE_MS).unref()), forget);
  return read;
}

/** The one loop of both streams: each batch of new events becomes SSE text by `format`. */
function streamEventBatches(
  kind: Kind,
  db: Db,
  executionId: string,
  after: bigint | undefined,
  signal: AbortSignal,
  format: (events: ExecutionEventView[]) => Promise<string>,
): ReadableStream<Uint8Array> {
  let cursor = after;
  const next = async (send: (text: string) => void): Promise<Batch> => {
    const batch = await readBatch(kind, db, executionId, cursor, format);
    if (batch.lastId !== null) {
      send(batch.text);
      cursor = batch.lastId;
    }
    return batch;
  };
  return sseStream(
    {
      listen: (wake) => {
        const onChange = (changedId: string) => changedId === executionId && wake();
        engineBus.on("executionChanged", onChange);
        return () => void engineBus.off("executionChanged", onChange);
      },
      turn: async (send) => {
        const batch = await next(send);
        if (batch.full) return "more";
        if (!batch.ended) return "wait";
        // Everything up to the end, however many events the last transaction wrote.
        let tail: Batch;
        do tail = await next(send);
        while (tail.full);
        send(`event: end\ndata: ${JSON.stringify({ status: tail.status })}\n\n`);
        return "end";
      },
    },
    signal,
  );
}
