/**
 * The engine thread's entry (started by host.ts): the server's embedded engine, on a thread of its
 * own. It opens its own database connection, runs the Engine (which takes the starts the web
 * thread hands over), and exchanges bus signals with the web thread, so waiters, live views and
 * long polls there hear of every change at once and the engine hears of theirs.
 */
import { parentPort } from "node:worker_threads";
import { closeDb, getDb } from "@/lib/db/client";
import { resolveDatabaseConfig } from "@/lib/db/config";
import { metrics } from "@/lib/metrics/registry";
import { closeExpressionPool } from "@/lib/pool/pool";
import { addRemoteSignal, relayRemoteSignal, type RemoteSignal } from "@/lib/runtime/bus";
import { loadDefinition } from "@/lib/runtime/definitions";
import { Engine } from "@/lib/runtime/engine";
import { prepareSecretsKey } from "@/lib/secrets/startup";
import { engineOptionsFromEnv } from "@/lib/server/engine-options";
import type { EngineThreadCalls, EngineThreadMethod, FromThread, ToThread } from "./protocol";
import { signalBatcher } from "./signal-batch";

const port = parentPort;
if (!port) throw new Error("lib/server/engine-thread/thread.ts runs as a worker thread (host.ts starts it)");
const post = (message: FromThread) => port.postMessage(message);

async function main(): Promise<void> {
  const config = resolveDatabaseConfig();
  const db = getDb();
  // The web thread made the key (if any) before it started this one: here it is only read.
  await prepareSecretsKey(db, "worker", config.provider);
  const engine = new Engine(db, config.provider, { ...engineOptionsFromEnv(), takeLocalStarts: true });
  const toWeb: RemoteSignal = signalBatcher((items) => post({ kind: "signals", items }));
  addRemoteSignal(toWeb);

  const handlers: { [M in EngineThreadMethod]: (args: EngineThreadCalls[M]["args"]) => Promise<EngineThreadCalls[M]["result"]> } = {
    start: async ({ row, payload }) => engine.startNew(row, await loadDefinition(db, row.definitionId), payload),
    state: async () => engine.state(),
    metrics: async () => (await metrics().registry.getMetricsAsJSON()).filter((metric) => metric.name.startsWith("flowdeck_")),
    stop: async ({ graceMs }) => {
      const report = await engine.stop({ graceMs });
      await closeExpressionPool().catch((error: unknown) => console.error("[engine thread] closing the expression pool failed:", error));
      await closeDb().catch((error: unknown) => console.error("[engine thread] closing the database failed:", error));
      return report;
    },
  };

  port!.on("message", (message: ToThread) => {
    if (message.kind === "signals") {
      for (const item of message.items) relayRemoteSignal(item, toWeb);
      return;
    }
    const handler = handlers[message.method] as (args: unknown) => Promise<unknown>;
    handler(message.args).then(
      (value) => post({ kind: "reply", id: message.id, ok: true, value }),
      (error: unknown) => post({ kind: "reply", id: message.id, ok: false, name: (error as Error)?.name ?? "Error", message: (error as Error)?.message ?? String(error) }),
    );
  });
  engine.start();
  post({ kind: "ready", engineId: engine.engineId });
}

main().catch((error: unknown) => post({ kind: "failed", message: (error as Error)?.stack ?? String(error) }));
