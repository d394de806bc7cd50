/**
 * The process's shutdown signal: aborted once when the process begins a graceful shutdown
 * (lib/server/shutdown.ts). Long polls of workers end on it at once (with an empty answer, so
 * the HTTP server can close), and an engine's runners abort their calls on their own engine's
 * signal (Engine.stop). One controller per process (kept on globalThis, like the bus, so Next's
 * separate module graphs share it).
 */
const globalForShutdown = globalThis as unknown as { flowdeckShutdown?: AbortController };

function controller(): AbortController {
  return (globalForShutdown.flowdeckShutdown ??= new AbortController());
}

/** Aborted when this process begins its shutdown. */
export function processShutdownSignal(): AbortSignal {
  return controller().signal;
}

export function beginProcessShutdown(): void {
  controller().abort(new Error("the process is shutting down"));
}
