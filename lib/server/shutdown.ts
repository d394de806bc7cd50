/**
 * Graceful shutdown of a Flowdeck process, the same for the web server's embedded engine
 * (lib/server/engine.ts, started by instrumentation.ts inside `next start`) and for a worker
 * process (scripts/worker.ts). On SIGTERM or SIGINT:
 *   1. the process's shutdown signal fires (lib/runtime/shutdown.ts): long polls of workers answer
 *      at once (empty), no poll claims anything more;
 *   2. the engine stops claiming; claimed attempts not yet RUNNING give their claim back; RUNNING
 *      ones get the grace to finish, then their http calls are abandoned as ENGINE_SHUTDOWN and
 *      retried by their policy (Engine.stop says why);
 *   3. LISTEN/NOTIFY, the expression pool's threads (lib/pool) and the database pool are closed,
 *      and the process exits (code 0).
 * If anything hangs, the process exits anyway when the grace (plus a second) is up (code 1).
 *
 * Limit: FLOWDECK_SHUTDOWN_GRACE_MS (default {@link DEFAULT_SHUTDOWN_GRACE_MS}) — how long running
 * attempts get to finish after SIGTERM; an http call still running then fails with ENGINE_SHUTDOWN.
 *
 * Under `next start`, Next.js exits on SIGTERM as soon as its HTTP server is closed unless
 * NEXT_MANUAL_SIG_HANDLE is set; scripts/start.mjs (npm start, the e2e server) sets it, so this
 * handler owns the exit and the server keeps answering (workers' results) during the grace.
 */
import { closeDb } from "@/lib/db/client";
import type { StopReport } from "@/lib/runtime/engine";

/** What shutdown stops: an Engine, or the engine thread of a server (lib/server/engine-thread/host.ts). */
type StoppableEngine = { stop(options: { graceMs?: number }): Promise<StopReport> };
import { beginProcessShutdown } from "@/lib/runtime/shutdown";
import { closeExpressionPool } from "@/lib/pool/pool";
import { SettingError } from "@/lib/workflow/setting-error";

export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/** What the grace keeps back for closing connections after the engine stopped. */
const CLOSE_RESERVE_MS = 500;

export function shutdownGraceMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.FLOWDECK_SHUTDOWN_GRACE_MS?.trim();
  if (!raw) return DEFAULT_SHUTDOWN_GRACE_MS;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new SettingError(`FLOWDECK_SHUTDOWN_GRACE_MS must be a number of milliseconds ≥ 0; got '${raw}'`);
  return value;
}

type ShutdownParts = { engine?: StoppableEngine; closers: (() => Promise<void>)[]; installed: boolean; running: Promise<ShutdownReport> | null };
const globalForShutdown = globalThis as unknown as { flowdeckShutdownParts?: ShutdownParts };
const parts = (globalForShutdown.flowdeckShutdownParts ??= { closers: [], installed: false, running: null });

/** The engine this process stops on shutdown (one per process). */
export function registerShutdownEngine(engine: StoppableEngine): void {
  parts.engine = engine;
}

/** Something to close after the engine stopped (LISTEN/NOTIFY connections). */
export function registerShutdownCloser(close: () => Promise<void>): void {
  parts.closers.push(close);
}

export type ShutdownReport = { signal: string; engine: StopReport | null; tookMs: number };

/**
 * Runs the shutdown once (a second call returns the first's promise) without exiting: what the
 * signal handlers run, and what tests call.
 */
export function gracefulShutdown(signal: string, graceMs = shutdownGraceMs()): Promise<ShutdownReport> {
  parts.running ??= (async () => {
    const startedAt = Date.now();
    beginProcessShutdown();
    const engine = parts.engine ? await parts.engine.stop({ graceMs: Math.max(0, graceMs - CLOSE_RESERVE_MS) }) : null;
    for (const close of parts.closers.splice(0)) await close().catch((error: unknown) => console.error("[flowdeck] shutdown: closing failed:", error));
    // The expression pool's threads, once no attempt can evaluate anything any more.
    await closeExpressionPool().catch((error: unknown) => console.error("[flowdeck] shutdown: closing the expression pool failed:", error));
    await closeDb().catch((error: unknown) => console.error("[flowdeck] shutdown: closing the database failed:", error));
    return { signal, engine, tookMs: Date.now() - startedAt };
  })();
  return parts.running;
}

/** Installs the SIGTERM / SIGINT handlers once per process: graceful shutdown, then exit. */
export function installShutdownHandlers(label: string): void {
  if (parts.installed) return;
  parts.installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    const graceMs = shutdownGraceMs();
    console.log(`[${label}] ${signal}: shutting down (grace ${graceMs} ms)…`);
    setTimeout(() => {
      console.error(`[${label}] shutdown did not finish within ${graceMs} ms; exiting anyway`);
      process.exit(1);
    }, graceMs + 1_000).unref();
    void gracefulShutdown(signal, graceMs).then(
      (report) => {
        const engine = report.engine;
        const what = engine ? (engine.abandoned > 0 ? `${engine.abandoned} attempt(s) abandoned (ENGINE_SHUTDOWN)` : "every attempt in flight finished") : "no engine";
        console.log(`[${label}] stopped in ${report.tookMs} ms: ${what}`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`[${label}] shutdown failed:`, error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
