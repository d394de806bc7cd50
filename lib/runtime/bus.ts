import { EventEmitter } from "node:events";

/**
 * The in-process signal bus: wakes the engine loop the moment there is work (no polling gap), and
 * tells waiters (start with waitSeconds, the live view) that an execution changed. On PostgreSQL a
 * remote signal (lib/runtime/pg-notify.ts) carries the same signals to other processes; elsewhere
 * the database is the source of truth and everyone also polls.
 */
type BusEvents = { wake: []; executionChanged: [executionId: string]; executionEnded: [executionId: string]; timerAt: [dueAt: number] };

const globalForBus = globalThis as unknown as {
  flowdeckBus?: EventEmitter<BusEvents>;
  flowdeckRemoteSignal?: ((item: string) => void) | null;
};

export const engineBus: EventEmitter<BusEvents> = (globalForBus.flowdeckBus ??= new EventEmitter<BusEvents>().setMaxListeners(0));

/** Installs (or removes) the cross-process signal: "*" for wake, an execution id for a change, "!" + id for an end. */
export function setRemoteSignal(signal: ((item: string) => void) | null): void {
  globalForBus.flowdeckRemoteSignal = signal;
}

export function wakeEngine(): void {
  engineBus.emit("wake");
  globalForBus.flowdeckRemoteSignal?.("*");
}

export function announceExecutionChanged(executionId: string): void {
  engineBus.emit("executionChanged", executionId);
  globalForBus.flowdeckRemoteSignal?.(executionId);
}

/** The execution has finished (any terminal status): waiters for its result can stop waiting. */
export function announceExecutionEnded(executionId: string): void {
  engineBus.emit("executionChanged", executionId);
  engineBus.emit("executionEnded", executionId);
  globalForBus.flowdeckRemoteSignal?.(`!${executionId}`);
}

/** A durable timer (a wait, an approval's timeout) falls due at `dueAt`: engines here can sleep until then. */
export function announceTimer(dueAt: Date): void {
  engineBus.emit("timerAt", dueAt.getTime());
}
