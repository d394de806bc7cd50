import type { MetricObjectWithValues, MetricValue } from "prom-client";
import type { EngineState, StopReport } from "@/lib/runtime/engine";
import type { EndedStart } from "@/lib/runtime/local-engine";
import type { ExecutionRow } from "@/lib/runtime/snapshots";

/** What the web thread asks of the engine thread (host.ts → thread.ts), and what each answers. */
export type EngineThreadCalls = {
  /** A start and its first decision step (lib/runtime/step.ts startWithFirstStep); answers once committed. */
  start: { args: { row: ExecutionRow; payload: Record<string, unknown> }; result: EndedStart | null };
  state: { args: null; result: EngineState };
  /** The thread's own metrics (flowdeck_* only: the process's default metrics are the web thread's). */
  metrics: { args: null; result: MetricObjectWithValues<MetricValue<string>>[] };
  /** Engine.stop, then the thread closes its expression pool and database. */
  stop: { args: { graceMs: number }; result: StopReport };
};
export type EngineThreadMethod = keyof EngineThreadCalls;

/** `signals`: bus signals (lib/runtime/bus.ts RemoteSignal items), batched per turn (signal-batch.ts). */
export type ToThread =
  | { kind: "signals"; items: string[] }
  | { kind: "call"; id: number; method: EngineThreadMethod; args: unknown };

export type FromThread =
  | { kind: "ready"; engineId: string }
  | { kind: "failed"; message: string }
  | { kind: "signals"; items: string[] }
  | { kind: "reply"; id: number; ok: true; value: unknown }
  | { kind: "reply"; id: number; ok: false; name: string; message: string };
