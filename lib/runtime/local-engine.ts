import type { Db } from "@/lib/db/client";
import type { ExecutionRow, TaskRunRow } from "@/lib/runtime/snapshots";
import type { WorkflowDefinition } from "@/lib/workflow/schema";

/**
 * The running engine that takes this process's starts (EngineOptions.takeLocalStarts: the
 * embedded engine of a server, on its own thread or on this one), so a start and its first
 * decision step are one transaction (lib/runtime/step.ts startWithFirstStep). A module of its own
 * so the services can ask for it without importing the engine loop.
 */
export type LocalEngine = {
  /** Whether it writes to the database of `db` (a start on another database is not its to take). */
  usesDatabase(db: Db): boolean;
  /**
   * Inserts the execution and runs its first decision step in one transaction (with the steps run
   * ahead in it); resolves once committed, with the execution as stored when it already ended there
   * (a chain of transforms does), so a waiting caller needs no read. Otherwise null.
   */
  startNew(row: ExecutionRow, definition: WorkflowDefinition, payload: Record<string, unknown>): Promise<EndedStart | null>;
};

/** An execution that ended in its start's transaction, as stored: its row and every attempt row. */
export type EndedStart = { execution: ExecutionRow; runs: readonly TaskRunRow[] };

// On globalThis: Next.js may bundle this module into several chunks (see lib/db/client.ts).
const globalForLocal = globalThis as typeof globalThis & { __flowdeckLocalEngine?: LocalEngine | null };

export function localEngine(): LocalEngine | null {
  return globalForLocal.__flowdeckLocalEngine ?? null;
}

export function setLocalEngine(engine: LocalEngine | null, only?: LocalEngine): void {
  if (only && globalForLocal.__flowdeckLocalEngine !== only) return;
  globalForLocal.__flowdeckLocalEngine = engine;
}
