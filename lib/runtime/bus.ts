import { EventEmitter } from "node:events";

/**
 * The in-process signal bus: wakes the engine loop the moment there is work (no polling gap), and
 * tells waiters (start with waitSeconds, the live view) that an execution changed. Remote signals
 * carry the same signals further: on PostgreSQL to other processes (lib/runtime/pg-notify.ts), and
 * between a server's web thread and its engine thread (lib/server/engine-thread). Where none
 * reaches, the database is the source of truth and everyone also polls.
 */
type BusEvents = { wake: []; executionChanged: [executionId: string]; executionEnded: [executionId: string]; timerAt: [dueAt: number]; logsAppended: [executionId: string] };

const globalForBus = globalThis as unknown as {
  flowdeckBus?: EventEmitter<BusEvents>;
  flowdeckRemoteSignals?: Set<RemoteSignal>;
};

/** A remote signal: "*" for wake, an execution id for a change, "!" + id for an end, "@" + epoch ms for a timer, "~" + id for new log lines. */
export type RemoteSignal = (item: string) => void;

export const engineBus: EventEmitter<BusEvents> = (globalForBus.flowdeckBus ??= new EventEmitter<BusEvents>().setMaxListeners(0));

const remoteSignals = (globalForBus.flowdeckRemoteSignals ??= new Set());

/** Adds a remote signal: every announcement here is also sent there. Returns its removal. */
export function addRemoteSignal(signal: RemoteSignal): () => void {
  remoteSignals.add(signal);
  return () => void remoteSignals.delete(signal);
}

function signalRemotes(item: string, except?: RemoteSignal): void {
  for (const signal of remoteSignals) if (signal !== except) signal(item);
}

/**
 * A signal that arrived from a remote (`from`): emitted here, and passed on to the other remotes
 * (the engine thread's changes reach the other processes through this process's NOTIFY), never
 * back to where it came from.
 */
export function relayRemoteSignal(item: string, from?: RemoteSignal): void {
  if (item === "*") engineBus.emit("wake");
  else if (item.startsWith("@")) {
    const dueAt = Number(item.slice(1));
    if (Number.isFinite(dueAt)) engineBus.emit("timerAt", dueAt);
  } else if (item.startsWith("~")) engineBus.emit("logsAppended", item.slice(1));
  else if (item.startsWith("!")) {
    engineBus.emit("executionChanged", item.slice(1));
    engineBus.emit("executionEnded", item.slice(1));
  } else engineBus.emit("executionChanged", item);
  signalRemotes(item, from);
}

export function wakeEngine(): void {
  engineBus.emit("wake");
  signalRemotes("*");
}

export function announceExecutionChanged(executionId: string): void {
  engineBus.emit("executionChanged", executionId);
  signalRemotes(executionId);
}

/** The execution has finished (any terminal status): waiters for its result can stop waiting. */
export function announceExecutionEnded(executionId: string): void {
  engineBus.emit("executionChanged", executionId);
  engineBus.emit("executionEnded", executionId);
  signalRemotes(`!${executionId}`);
}

/** New log lines of one of the execution's attempts (lib/runtime/log-sink.ts, a worker's append): log streams read them. */
export function announceLogsAppended(executionId: string): void {
  engineBus.emit("logsAppended", executionId);
  signalRemotes(`~${executionId}`);
}

/** A durable timer (a wait, an approval's timeout) falls due at `dueAt`: engines here can sleep until then. */
export function announceTimer(dueAt: Date): void {
  engineBus.emit("timerAt", dueAt.getTime());
  signalRemotes(`@${dueAt.getTime()}`);
}
