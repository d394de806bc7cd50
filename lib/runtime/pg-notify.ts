import pg from "pg";
import { addRemoteSignal, relayRemoteSignal } from "@/lib/runtime/bus";

const CHANNEL = "flowdeck_changes";
/** Changes are coalesced for this long before one NOTIFY carries them all. */
const COALESCE_MS = 5;
/** pg_notify payloads are limited to 8000 bytes. */
const MAX_PAYLOAD = 7900;

/**
 * Cross-process wake-ups on PostgreSQL: every process LISTENs on one channel, and each in-process
 * signal (an execution changed, work is due) is also sent with NOTIFY, so engines and web servers on
 * other machines react at once instead of at their next poll. Polling stays as the fallback: a lost
 * notification (e.g. during a reconnect) only delays work, it never loses it.
 */
const globalForNotify = globalThis as unknown as { flowdeckPgNotify?: Promise<() => Promise<void>> };

/** Starts LISTEN/NOTIFY once per process (a retried start-up must not open a second pair of connections). */
export function startPgNotify(url: string): Promise<() => Promise<void>> {
  globalForNotify.flowdeckPgNotify ??= connectPgNotify(url).catch((error: unknown) => {
    globalForNotify.flowdeckPgNotify = undefined;
    throw error;
  });
  return globalForNotify.flowdeckPgNotify;
}

async function connectPgNotify(url: string): Promise<() => Promise<void>> {
  const listener = new pg.Client({ connectionString: url });
  const sender = new pg.Client({ connectionString: url });
  await Promise.all([listener.connect(), sender.connect()]);
  listener.on("notification", (message) => {
    if (message.channel !== CHANNEL || !message.payload) return;
    for (const item of message.payload.split(",")) relayRemoteSignal(item, notify);
  });
  listener.on("error", (error) => console.error("[pg-notify] listener error:", error.message));
  sender.on("error", (error) => console.error("[pg-notify] sender error:", error.message));
  await listener.query(`LISTEN ${CHANNEL}`);

  let pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    const items = [...pending];
    pending = new Set();
    let payload = "";
    const send = (text: string) => sender.query("SELECT pg_notify($1, $2)", [CHANNEL, text]).catch((error) => console.error("[pg-notify] notify failed:", error.message));
    for (const item of items) {
      if (payload.length + item.length + 1 > MAX_PAYLOAD) {
        void send(payload);
        payload = "";
      }
      payload = payload ? `${payload},${item}` : item;
    }
    if (payload) void send(payload);
  };
  const notify = (item: string) => {
    pending.add(item);
    timer ??= setTimeout(flush, COALESCE_MS);
  };
  const removeSignal = addRemoteSignal(notify);
  return async () => {
    globalForNotify.flowdeckPgNotify = undefined;
    removeSignal();
    if (timer) clearTimeout(timer);
    await Promise.allSettled([listener.end(), sender.end()]);
  };
}
