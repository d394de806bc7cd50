import type { Db } from "@/lib/db/client";
import type { Dispatcher } from "@/lib/runtime/state";

/**
 * The running engine that takes this process's starts (EngineOptions.takeLocalStarts: the
 * embedded engine of a server), so a start and its first decision step are one transaction
 * (lib/runtime/step.ts startWithFirstStep). A module of its own so the services can ask for it
 * without importing the engine loop.
 */
export type LocalEngine = Dispatcher & { usesDatabase(db: Db): boolean };

// On globalThis: Next.js may bundle this module into several chunks (see lib/db/client.ts).
const globalForLocal = globalThis as typeof globalThis & { __flowdeckLocalEngine?: LocalEngine | null };

export function localEngine(): LocalEngine | null {
  return globalForLocal.__flowdeckLocalEngine ?? null;
}

export function setLocalEngine(engine: LocalEngine | null, only?: LocalEngine): void {
  if (only && globalForLocal.__flowdeckLocalEngine !== only) return;
  globalForLocal.__flowdeckLocalEngine = engine;
}
