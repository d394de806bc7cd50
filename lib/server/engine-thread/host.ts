/**
 * The server's embedded engine on a thread of its own (thread.ts), seen from the web thread.
 *
 * Why: profiles (README, Performance) showed the web tier and the engine each needing most of a
 * core, and the engine's work costing about twice as much inside Next's server as in a plain Node
 * thread. On its own thread the engine gets the second core, and Next's per-request machinery stays
 * on the web thread.
 *
 * - **Starts** are handed over (LocalEngine.startNew): the engine thread writes the new execution
 *   with its first decision step, so the web thread writes nothing on the hot path. SQLite has one
 *   writer; the web thread's other writes (saves, operations, sign-ins) wait for the lock as a
 *   second process's would (busy_timeout, BEGIN IMMEDIATE).
 * - **Signals** cross both ways (lib/runtime/bus.ts remote signals): the engine thread's changes
 *   reach waiters, live views and long polls here at once (and, on PostgreSQL, other processes
 *   through this process's NOTIFY); the web thread's changes wake the engine.
 * - **Metrics** of the engine thread are summed into this process's scrape (lib/metrics/render.ts).
 * - **Shutdown** stops the engine within the grace, then the thread.
 * A thread that dies is started again after a second; the work it held is taken again when its
 * leases run out, as after a crash.
 */
import { Worker } from "node:worker_threads";
import type { Db } from "@/lib/db/client";
import { addMetricsSource } from "@/lib/metrics/render";
import { sourceThread } from "@/lib/pool/source-thread";
import { addRemoteSignal, relayRemoteSignal, type RemoteSignal } from "@/lib/runtime/bus";
import type { EngineState, StopReport } from "@/lib/runtime/engine";
import { setLocalEngine, type EndedStart, type LocalEngine } from "@/lib/runtime/local-engine";
import type { ExecutionRow } from "@/lib/runtime/snapshots";
import type { EngineThreadCalls, EngineThreadMethod, FromThread, ToThread } from "./protocol";
import { signalBatcher } from "./signal-batch";

const THREAD_OPTIONS = { name: "flowdeck-engine" };
/** How long after an unexpected exit the thread is started again. */
const RESPAWN_MS = 1_000;

function spawnEngineThread(env: NodeJS.ProcessEnv): Worker {
  const options = { ...THREAD_OPTIONS, env };
  // Bundled by Turbopack (next start): the literal form below is what it turns into a chunk.
  if (process.env.NEXT_RUNTIME) return new Worker(new URL("./thread.ts", import.meta.url), options);
  return sourceThread(new URL("./thread.ts", import.meta.url), options);
}

export type EngineThreadOptions = {
  /**
   * The thread's environment, over this process's (tests point it at their database: the thread
   * opens its own connection from DATABASE_URL / FLOWDECK_DATA_DIR, as lib/db/config.ts reads them).
   */
  env?: Record<string, string>;
};

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class EngineThread implements LocalEngine {
  private worker: Worker | null = null;
  private ready: Promise<void> = Promise.resolve();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped = false;
  private engineId = "engine-thread:starting";
  private readonly removals: (() => void)[] = [];
  private readonly toThread: RemoteSignal = signalBatcher((items) => this.worker?.postMessage({ kind: "signals", items } satisfies ToThread));

  constructor(
    private readonly db: Db,
    private readonly options: EngineThreadOptions = {},
  ) {}

  start(): void {
    this.spawn();
    this.removals.push(addRemoteSignal(this.toThread), addMetricsSource(() => this.call("metrics", null)));
    setLocalEngine(this);
  }

  usesDatabase(db: Db): boolean {
    return db === this.db;
  }

  startNew(row: ExecutionRow, _definition: unknown, payload: Record<string, unknown>): Promise<EndedStart | null> {
    return this.call("start", { row, payload });
  }

  async state(): Promise<EngineState> {
    if (this.stopped) return { state: "stopped", engineId: this.engineId, runningTasks: 0, decisions: 0, tasks: 0 };
    return this.call("state", null);
  }

  /** Graceful stop (lib/server/shutdown.ts): the engine within `graceMs`, then the thread. */
  async stop(options: { graceMs?: number } = {}): Promise<StopReport> {
    if (this.stopped) return { finished: true, abandoned: 0, waitedMs: 0 };
    setLocalEngine(null, this);
    for (const remove of this.removals.splice(0)) remove();
    const graceMs = options.graceMs ?? 2_147_000_000;
    try {
      return await this.call("stop", { graceMs: Number.isFinite(graceMs) ? graceMs : 2_147_000_000 });
    } finally {
      this.stopped = true;
      await this.worker?.terminate();
      this.worker = null;
    }
  }

  private spawn(): void {
    const worker = spawnEngineThread({ ...process.env, ...this.options.env });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromThread) => {
        if (message.kind === "ready") {
          this.engineId = message.engineId;
          resolve();
        } else if (message.kind === "failed") reject(new Error(`the engine thread failed to start: ${message.message}`));
        else if (message.kind === "signals") for (const item of message.items) relayRemoteSignal(item, this.toThread);
        else this.settle(message);
      };
      worker.on("message", onMessage);
      worker.on("error", (error) => {
        console.error("[flowdeck] engine thread error:", error);
        reject(error);
      });
      worker.on("exit", (code) => {
        if (this.worker !== worker) return;
        this.worker = null;
        const lost = new Error(`the engine thread exited (code ${code})`);
        for (const call of this.pending.values()) call.reject(lost);
        this.pending.clear();
        reject(lost);
        if (this.stopped) return;
        console.error(`[flowdeck] ${lost.message}; starting it again in ${RESPAWN_MS} ms`);
        setTimeout(() => {
          if (!this.stopped) this.spawn();
        }, RESPAWN_MS).unref();
      });
    });
    this.ready.catch((error: unknown) => console.error("[flowdeck]", (error as Error).message));
  }

  private settle(reply: Extract<FromThread, { kind: "reply" }>): void {
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    if (reply.ok) call.resolve(reply.value);
    else call.reject(Object.assign(new Error(reply.message), { name: reply.name }));
  }

  private async call<M extends EngineThreadMethod>(method: M, args: EngineThreadCalls[M]["args"]): Promise<EngineThreadCalls[M]["result"]> {
    await this.ready;
    const worker = this.worker;
    if (!worker) throw new Error("the engine thread is not running");
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ kind: "call", id, method, args } satisfies ToThread);
    });
  }
}
