import { getDb } from "@/lib/db/client";
import { resolveDatabaseConfig } from "@/lib/db/config";
import { Engine, type EngineState } from "@/lib/runtime/engine";
import { engineOptionsFromEnv, engineThreadEnabled } from "@/lib/server/engine-options";
import { EngineThread } from "@/lib/server/engine-thread/host";
import { installShutdownHandlers, registerShutdownEngine } from "@/lib/server/shutdown";

// On globalThis, and the kind kept beside it (not found by `instanceof`): Next.js may bundle this
// module into several chunks, each with its own copy of the classes.
const globalForEngine = globalThis as unknown as { flowdeckEngine?: Engine | EngineThread; flowdeckEngineOnThread?: boolean };

/**
 * Starts this process's engine once (idempotent): on a thread of its own unless
 * FLOWDECK_ENGINE_THREAD=off (lib/server/engine-options.ts). SIGTERM / SIGINT stop it gracefully
 * (lib/server/shutdown.ts).
 */
export function startEmbeddedEngine(): Engine | EngineThread {
  if (!globalForEngine.flowdeckEngine) {
    const onThread = engineThreadEnabled();
    const engine = onThread ? new EngineThread(getDb()) : new Engine(getDb(), resolveDatabaseConfig().provider, { ...engineOptionsFromEnv(), takeLocalStarts: true });
    globalForEngine.flowdeckEngineOnThread = onThread;
    engine.start();
    globalForEngine.flowdeckEngine = engine;
    registerShutdownEngine(engine);
    installShutdownHandlers("flowdeck");
  }
  return globalForEngine.flowdeckEngine;
}

export type EmbeddedEngineState = (EngineState & { mode: "embedded"; thread: boolean }) | { mode: "off"; state: "off" };

export async function embeddedEngineState(): Promise<EmbeddedEngineState> {
  const engine = globalForEngine.flowdeckEngine;
  if (!engine) return { mode: "off", state: "off" };
  return { mode: "embedded", thread: globalForEngine.flowdeckEngineOnThread === true, ...(await engine.state()) };
}
