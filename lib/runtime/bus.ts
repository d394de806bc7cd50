import { EventEmitter } from "node:events";

/**
 * The in-process signal bus: wakes the engine loop the moment there is work (no polling gap), and
 * tells waiters (start with waitSeconds, the live view) that an execution changed. Across
 * processes the database is the source of truth and the engine also polls.
 */
type BusEvents = { wake: []; executionChanged: [executionId: string] };

const globalForBus = globalThis as unknown as { flowdeckBus?: EventEmitter<BusEvents> };

export const engineBus: EventEmitter<BusEvents> = (globalForBus.flowdeckBus ??= new EventEmitter<BusEvents>().setMaxListeners(0));

export function wakeEngine(): void {
  engineBus.emit("wake");
}

export function announceExecutionChanged(executionId: string): void {
  engineBus.emit("executionChanged", executionId);
}
