import pg from "pg";
import { addRemoteSignal, relayRemoteSignal } from "@/lib/runtime/bus";

const CHANNEL = "flowdeck_changes";
/** Changes are coalesced for this long before one NOTIFY carries them all. */
const COALESCE_MS = 5;
/** pg_notify payloads are limited to 8000 bytes. */
const MAX_PAYLOAD = 7900;
/** After a lost connection: the first retry, doubled up to the last. */
const RECONNECT_MS = { first: 100, max: 5_000 } as const;

/**
 * Cross-process wake-ups on PostgreSQL: every process LISTENs on one channel, and each in-process
 * signal (an execution changed, work is due) is also sent with NOTIFY, so engines and web servers on
 * other machines react at once instead of at their next poll. Polling stays as the fallback: a lost
 * notification (e.g. during a reconnect) only delays work, it never loses it.
 *
 * When the server ends either connection (a restart, pg_terminate_backend, a network failure), both
 * are opened again with backoff and the LISTEN is issued again; once back, this process's engines and
 * waiters are woken, since notifications of the gap are lost. The loss and the return are logged
 * once each.
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

type Connections = { listener: pg.Client; sender: pg.Client };

async function connectPgNotify(url: string): Promise<() => Promise<void>> {
  let stopped = false;
  let current: Connections | null = null;
  let reconnecting: NodeJS.Timeout | null = null;
  let lost = false;

  const open = async (): Promise<Connections> => {
    const listener = new pg.Client({ connectionString: url });
    const sender = new pg.Client({ connectionString: url });
    const connections = { listener, sender };
    // Errors and ends of these two connections lead to one reconnect (not a crash: a client's
    // 'error' with no listener is an uncaught exception).
    for (const client of [listener, sender]) {
      client.on("error", (error) => connectionLost(connections, error));
      client.on("end", () => connectionLost(connections, new Error("the connection ended")));
    }
    listener.on("notification", (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      for (const item of message.payload.split(",")) relayRemoteSignal(item, notify);
    });
    try {
      await Promise.all([listener.connect(), sender.connect()]);
      await listener.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await closeQuietly(connections);
      throw error;
    }
    return connections;
  };

  const connectionLost = (connections: Connections, error: Error) => {
    if (stopped || current !== connections) return;
    current = null;
    if (!lost) console.error(`[pg-notify] lost its connection (${error.message}); reconnecting`);
    lost = true;
    void closeQuietly(connections);
    scheduleReconnect(RECONNECT_MS.first);
  };

  const scheduleReconnect = (delayMs: number) => {
    if (stopped || reconnecting) return;
    reconnecting = setTimeout(() => {
      reconnecting = null;
      open().then(
        (connections) => {
          if (stopped) return void closeQuietly(connections);
          current = connections;
          lost = false;
          console.error("[pg-notify] reconnected; listening again");
          // Notifications sent meanwhile are gone: look again now instead of at the next poll.
          relayRemoteSignal("*", notify);
        },
        () => scheduleReconnect(Math.min(delayMs * 2, RECONNECT_MS.max)),
      );
    }, delayMs);
    reconnecting.unref();
  };

  current = await open();

  let pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    const sender = current?.sender;
    const items = [...pending];
    pending = new Set();
    // While reconnecting, signals are dropped: the others' polls cover them (see above).
    if (!sender) return;
    let payload = "";
    const send = (text: string) =>
      sender.query("SELECT pg_notify($1, $2)", [CHANNEL, text]).catch((error: Error) => {
        if (!lost) console.error("[pg-notify] notify failed:", error.message);
      });
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
    stopped = true;
    globalForNotify.flowdeckPgNotify = undefined;
    removeSignal();
    if (timer) clearTimeout(timer);
    if (reconnecting) clearTimeout(reconnecting);
    if (current) await closeQuietly(current);
    current = null;
  };
}

async function closeQuietly({ listener, sender }: Connections): Promise<void> {
  await Promise.allSettled([listener.end(), sender.end()]);
}
