import { countSseConnection } from "@/lib/metrics/observe";

const POLL_MS = 500;
const KEEPALIVE_MS = 15_000;

/** What one turn of a live stream did: sent a full page (go on at once), caught up (wait), or ended. */
export type SseTurn = "more" | "wait" | "end";

export type SseSource = {
  /** Sends what is new with `send` (whole SSE messages); says what comes next. */
  turn: (send: (text: string) => void) => Promise<SseTurn>;
  /** Calls `wake` when something may have changed (the bus); returns how to stop listening. */
  listen: (wake: () => void) => () => void;
};

/**
 * A live text/event-stream: runs `source.turn` until it ends or the client goes, sleeping between
 * turns until `listen` wakes it or POLL_MS pass (changes made by other processes only show at the
 * poll), with a keep-alive comment after KEEPALIVE_MS of silence. Counted in
 * flowdeck_sse_connections while open. The one loop of the execution event stream
 * (event-stream.ts) and the task log stream (task-logs.ts).
 */
export function sseStream(source: SseSource, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let closed = false;
  let wake: (() => void) | null = null;
  let unlisten: (() => void) | null = null;
  let open = false;
  const stop = () => {
    closed = true;
    unlisten?.();
    unlisten = null;
    if (open) countSseConnection(-1);
    open = false;
    wake?.();
  };
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let lastSent = Date.now();
      const send = (text: string) => {
        if (closed) return;
        controller.enqueue(encoder.encode(text));
        lastSent = Date.now();
      };
      const close = () => {
        if (closed) return;
        stop();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      signal.addEventListener("abort", close);
      unlisten = source.listen(() => wake?.());
      open = true;
      countSseConnection(1);
      if (signal.aborted) close();
      send(`retry: 1000\n\n`);
      while (!closed) {
        const next = await source.turn(send);
        if (next === "end") {
          close();
          break;
        }
        if (next === "more") continue;
        if (Date.now() - lastSent > KEEPALIVE_MS) send(`: keep-alive\n\n`);
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
      stop();
    },
  });
}

/** The HTTP answer of a live stream: no caching or transforming, no proxy buffering (nginx). */
export function sseResponse(stream: ReadableStream<Uint8Array>): Response {
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" },
  });
}
