/**
 * The process's expression pool: one ThreadPool (thread-pool.ts) per process, kept on globalThis
 * like the bus (Next's route handlers and instrumentation are separate module graphs), whose
 * threads run thread.ts. Used by evaluate.ts (the engine's expressions) and definitions.ts
 * (validation of large definitions); closed by the graceful shutdown (lib/server/shutdown.ts).
 *
 * Settings, read once when this module loads (a value that is not a positive integer is refused
 * with an error naming it):
 * - FLOWDECK_EXPRESSION_THREADS — most threads (default: the machine's cores,
 *   os.availableParallelism()). Each thread runs one job at a time.
 * - FLOWDECK_EXPRESSION_QUEUE — most jobs waiting for a thread (default 1000); more are refused:
 *   an evaluation fails with `expression_busy`, a save answers 503.
 * Each thread may use {@link THREAD_HEAP_MB} MiB of heap; one that needs more dies alone (its job
 * fails with `expression_too_large`) and is replaced, instead of the server running out of memory.
 *
 * How the thread's code is found: `new Worker(new URL("./thread.ts", import.meta.url))` is the form
 * Turbopack bundles (next build emits it as a chunk of its own, with jsonata and zod), so `next
 * start` runs it as plain JavaScript. Outside Next (vitest, `npm run worker` under tsx) the URL is
 * the TypeScript source, and the thread registers tsx's loader before importing it (spawnThread).
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { boundFromEnv } from "@/lib/workflow/lru";
import { ThreadPool, type PoolStats } from "./thread-pool";
import { sourceThread } from "./source-thread";

/** Most threads of the expression pool (FLOWDECK_EXPRESSION_THREADS). @default os.availableParallelism() */
export const EXPRESSION_THREADS = boundFromEnv("FLOWDECK_EXPRESSION_THREADS", availableParallelism());
/** Most jobs waiting for a thread (FLOWDECK_EXPRESSION_QUEUE). @default 1000 */
export const EXPRESSION_QUEUE = boundFromEnv("FLOWDECK_EXPRESSION_QUEUE", 1000);
/** Heap limit of each thread, in MiB. */
export const THREAD_HEAP_MB = 256;

const THREAD_OPTIONS = { name: "flowdeck-expressions", resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } };

function spawnThread(): Worker {
  // Bundled by Turbopack (next start, next dev): the literal form below is what it turns into a chunk.
  if (process.env.NEXT_RUNTIME) return new Worker(new URL("./thread.ts", import.meta.url), THREAD_OPTIONS);
  // From source (vitest, tsx): see source-thread.ts.
  return sourceThread(new URL("./thread.ts", import.meta.url), THREAD_OPTIONS);
}

const globalForPool = globalThis as unknown as { flowdeckExpressionPool?: ThreadPool };

/** The process's expression pool (created on first use; it starts threads only when given work). */
export function expressionPool(): ThreadPool {
  return (globalForPool.flowdeckExpressionPool ??= new ThreadPool({ name: "expression pool", size: EXPRESSION_THREADS, maxQueue: EXPRESSION_QUEUE, spawn: spawnThread }));
}

/** Threads, busy threads, waiting jobs (health, tests); zeros when no pool was created. */
export function expressionPoolStats(): PoolStats {
  return globalForPool.flowdeckExpressionPool?.stats() ?? { threads: 0, busy: 0, queued: 0, started: 0, lost: 0 };
}

/** Ends the pool's threads (graceful shutdown, after the engine stopped); a later use makes a new pool. */
export async function closeExpressionPool(): Promise<void> {
  const pool = globalForPool.flowdeckExpressionPool;
  globalForPool.flowdeckExpressionPool = undefined;
  await pool?.close();
}
