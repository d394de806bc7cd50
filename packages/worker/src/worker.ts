import { FlowdeckApiError, FlowdeckWorkerApi } from "./api.js";
import type { WorkerLogLine, WorkerTask, WorkerTaskError } from "./protocol.js";


export type WorkerTaskContext = {
  /** Renews the lease now (also done automatically at half the lease); throws when the lease is lost. */
  heartbeat: (details?: unknown) => Promise<void>;
  /**
   * Adds a line to the attempt's log. Lines are sent while the task runs (every 500 ms, or at once
   * when 200 wait) and shown live in the task inspector; what is left goes with the result.
   */
  log: (message: string, level?: WorkerLogLine["level"]) => void;
  /** Aborted when the task is no longer this worker's (lease lost, cancelled): stop working on it. */
  signal: AbortSignal;
};

export type WorkerHandler<Input = unknown, Output = unknown> = (task: WorkerTask<Input>, context: WorkerTaskContext) => Promise<Output>;

export type WorkerLogger = Pick<Console, "info" | "warn" | "error">;

export type FlowdeckWorkerOptions<Input = unknown, Output = unknown> = {
  baseUrl: string;
  /** The taskType to poll for (a worker task's `params.taskType`). */
  taskType: string;
  handler: WorkerHandler<Input, Output>;
  /**
   * Holds the leases of the tasks this worker claims; unique per process (two processes with one
   * id could report each other's tasks).
   * @default "<taskType>-<pid>-<random>"
   */
  workerId?: string;
  /** Tasks run at once. @default 1 */
  concurrency?: number;
  /** Long poll per request (≤ 30000). @default 20000 */
  pollWaitMs?: number;
  /** Lease to ask for (the task's own timeouts cap it). @default the task's */
  leaseMs?: number;
  /** @default console */
  logger?: WorkerLogger;
  /** A worker token (role `worker`): its leases are bound to it, so no other token can complete them. */
  token?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Backoff after a failed request: starts here and doubles up to `maxBackoffMs`. @default 500 */
  initialBackoffMs?: number;
  /** @default 30000 */
  maxBackoffMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * Stop gracefully on SIGTERM and SIGINT (Node): `stop()` with `shutdownGraceMs`, then exit the
   * process with code 0. Off by default: a service with its own shutdown calls `stop()` itself.
   */
  handleSignals?: boolean;
  /** How long `stop()` waits for tasks in flight before it releases them. @default 30000 */
  shutdownGraceMs?: number;
};

export type StopOptions = {
  /** Wait this long for the tasks in flight; then release them (fail WORKER_SHUTDOWN, retried). @default the worker's shutdownGraceMs */
  graceMs?: number;
};

/** The error a released task fails with: retried at once per its retry policy (unless the task lists it as non-retryable). */
export const WORKER_SHUTDOWN = "WORKER_SHUTDOWN";

type NodeProcess = { pid?: number; once?: (signal: string, listener: () => void) => void; off?: (signal: string, listener: () => void) => void; exit?: (code: number) => void };
const nodeProcess = (): NodeProcess | undefined => (globalThis as { process?: NodeProcess }).process;

/**
 * Polls for tasks of one taskType and runs `handler` on each: heartbeats at half the lease while
 * it runs, reports its return value (complete) or what it threw (fail: `error.code` when the
 * error has a string `code`, else WORKER_ERROR), and retries requests that got no answer or a
 * server error with backoff. `stop()` stops polling and waits for the tasks in flight; those still
 * running after the grace are released (failed with WORKER_SHUTDOWN, so the engine retries them at
 * once instead of waiting for their leases to expire).
 */
export class FlowdeckWorker<Input = unknown, Output = unknown> {
  readonly workerId: string;
  readonly api: FlowdeckWorkerApi;
  private readonly options: FlowdeckWorkerOptions<Input, Output>;
  private readonly logger: WorkerLogger;
  private readonly concurrency: number;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping: AbortController | null = null;
  private loopDone: Promise<void> | null = null;
  private counts = { completed: 0, failed: 0, dropped: 0, released: 0 };
  /** Per running task: releases it (stop's grace ran out). */
  private readonly releasers = new Map<string, () => void>();
  private signalListener: (() => void) | null = null;

  constructor(options: FlowdeckWorkerOptions<Input, Output>) {
    this.options = options;
    const random = Math.random().toString(36).slice(2, 8);
    const pid = nodeProcess()?.pid ?? 0;
    this.workerId = options.workerId ?? `${options.taskType}-${pid}-${random}`;
    this.api = new FlowdeckWorkerApi({ baseUrl: options.baseUrl, token: options.token, headers: options.headers, fetch: options.fetch });
    this.logger = options.logger ?? console;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  }

  /** Tasks reported so far. */
  stats(): { completed: number; failed: number; dropped: number; released: number; running: number } {
    return { ...this.counts, running: this.inFlight.size };
  }

  /** Starts polling (in the background). Calling it again while running does nothing. */
  start(): void {
    if (this.loopDone) return;
    this.stopping = new AbortController();
    this.logger.info(`${this.prefix()} polling ${this.options.baseUrl} for '${this.options.taskType}' (concurrency ${this.concurrency})`);
    this.loopDone = this.loop(this.stopping.signal);
    const process = nodeProcess();
    if (this.options.handleSignals && process?.once && !this.signalListener) {
      const listener = () => {
        this.logger.info(`${this.prefix()} signal received: stopping`);
        void this.stop().then(() => process.exit?.(0));
      };
      this.signalListener = listener;
      process.once("SIGTERM", listener);
      process.once("SIGINT", listener);
    }
  }

  /**
   * Stops polling, then waits for the tasks in flight to finish and report — up to `graceMs`;
   * tasks still running then are released: their `signal` aborts and they fail with
   * WORKER_SHUTDOWN (retried at once per the task's retry policy).
   */
  async stop(options: StopOptions = {}): Promise<void> {
    if (!this.loopDone) return;
    const process = nodeProcess();
    if (this.signalListener) {
      process?.off?.("SIGTERM", this.signalListener);
      process?.off?.("SIGINT", this.signalListener);
      this.signalListener = null;
    }
    this.stopping?.abort();
    await this.loopDone;
    const graceMs = options.graceMs ?? this.options.shutdownGraceMs ?? 30_000;
    if (this.inFlight.size > 0) this.logger.info(`${this.prefix()} stopping: waiting up to ${graceMs} ms for ${this.inFlight.size} task(s) in flight`);
    const settled = Promise.allSettled([...this.inFlight]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const graceOver = await Promise.race([settled.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)))]);
    clearTimeout(timer);
    if (graceOver) {
      this.logger.warn(`${this.prefix()} grace of ${graceMs} ms over: releasing ${this.releasers.size} task(s)`);
      for (const release of this.releasers.values()) release();
      await Promise.allSettled([...this.inFlight]);
    }
    this.loopDone = null;
    const { completed, failed, dropped, released } = this.counts;
    this.logger.info(`${this.prefix()} stopped (${completed} completed, ${failed} failed, ${dropped} dropped, ${released} released)`);
  }

  private prefix(): string {
    return `[worker ${this.workerId}]`;
  }

  private async loop(stop: AbortSignal): Promise<void> {
    let backoffMs = 0;
    const stopped = abortPromise(stop);
    while (!stop.aborted) {
      const free = this.concurrency - this.inFlight.size;
      if (free <= 0) {
        await Promise.race([...this.inFlight, stopped]);
        continue;
      }
      let tasks: WorkerTask<Input>[];
      try {
        tasks = await this.api.poll<Input>(
          { taskType: this.options.taskType, workerId: this.workerId, max: free, waitMs: this.options.pollWaitMs ?? 20_000, leaseMs: this.options.leaseMs },
          { signal: stop },
        );
        backoffMs = 0;
      } catch (error) {
        if (stop.aborted) break;
        backoffMs = this.nextBackoff(backoffMs);
        this.logger.warn(`${this.prefix()} poll failed: ${(error as Error).message}; retrying in ${backoffMs} ms`);
        await sleep(backoffMs, stop);
        continue;
      }
      for (const task of tasks) this.track(this.runTask(task));
    }
  }

  private nextBackoff(previousMs: number): number {
    const initial = this.options.initialBackoffMs ?? 500;
    const max = this.options.maxBackoffMs ?? 30_000;
    const next = previousMs === 0 ? initial : Math.min(max, previousMs * 2);
    return Math.round(next * (0.8 + Math.random() * 0.4)); // jitter: workers do not retry in lockstep
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error) => this.logger.error(`${this.prefix()} unexpected error:`, error))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async runTask(task: WorkerTask<Input>): Promise<void> {
    const label = `${this.options.taskType} ${task.workflowName}/${task.taskKey}${task.mapIndex >= 0 ? `[${task.mapIndex}]` : ""} attempt ${task.attempt} (task ${task.taskId})`;
    const started = Date.now();
    this.logger.info(`${this.prefix()} ▶ ${label}`);
    const lease = new AbortController();
    let leaseLostBecause: string | null = null;

    const loseLease = (error: FlowdeckApiError) => {
      if (lease.signal.aborted) return;
      leaseLostBecause = error.message;
      lease.abort(error);
      this.logger.warn(`${this.prefix()} ⚠ ${label}: lost the task: ${error.message}`);
    };
    const sendHeartbeat = async (details?: unknown) => {
      try {
        await this.api.heartbeat(task.taskId, { workerId: this.workerId, ...(details !== undefined ? { details } : {}) });
      } catch (error) {
        if (error instanceof FlowdeckApiError && error.leaseLost) loseLease(error);
        throw error;
      }
    };
    // Half the lease: one missed heartbeat (a slow request, a blip) still leaves time for the next.
    const heartbeatEveryMs = Math.max(50, Math.floor(task.leaseMs / 2));
    const timer = setInterval(() => {
      sendHeartbeat().catch((error: Error) => {
        if (!lease.signal.aborted) this.logger.warn(`${this.prefix()} heartbeat of ${label} failed: ${error.message} (will retry)`);
      });
    }, heartbeatEveryMs);

    const logs = new LogShipper((lines) => this.api.appendLogs(task.taskId, { workerId: this.workerId, lines }), (error) => {
      if (error instanceof FlowdeckApiError && error.leaseLost) loseLease(error);
    });
    const context: WorkerTaskContext = {
      heartbeat: (details) => sendHeartbeat(details),
      log: (message, level = "info") => logs.push({ time: new Date().toISOString(), level, message }),
      signal: lease.signal,
    };

    // stop()'s grace ran out: the handler is abandoned (its signal aborts) and the task failed as released.
    let released = false;
    const release = new Promise<{ ok: false; error: WorkerTaskError }>((resolve) =>
      this.releasers.set(task.taskId, () => {
        released = true;
        lease.abort(new Error("the worker is shutting down"));
        resolve({ ok: false, error: { code: WORKER_SHUTDOWN, message: `worker ${this.workerId} shut down before the task finished; released for a retry` } });
      }),
    );
    let outcome: { ok: true; output: Output } | { ok: false; error: WorkerTaskError };
    try {
      const handled = (async () => ({ ok: true as const, output: await this.options.handler(task, context) }))();
      handled.catch(() => undefined); // an abandoned handler's later failure
      outcome = await Promise.race([handled, release]);
    } catch (error) {
      outcome = { ok: false, error: toTaskError(error) };
    } finally {
      clearInterval(timer);
      this.releasers.delete(task.taskId);
    }
    // Lines not sent yet (or whose send failed) go with the result.
    const rest = await logs.drain();
    const took = `${Date.now() - started} ms`;
    if (leaseLostBecause) {
      this.counts.dropped++;
      this.logger.warn(`${this.prefix()} ✖ ${label}: result dropped after ${took} (the task is no longer ours: ${leaseLostBecause})`);
      return;
    }
    const report: () => Promise<unknown> = outcome.ok
      ? () => this.api.complete(task.taskId, { workerId: this.workerId, output: outcome.output ?? null, logs: rest })
      : () => this.api.fail(task.taskId, { workerId: this.workerId, error: outcome.error, logs: rest });
    try {
      await this.withRetries(report, task, label);
      if (released) {
        this.counts.released++;
        this.logger.warn(`${this.prefix()} ↩ ${label}: released after ${took} (shutting down)`);
      } else if (outcome.ok) {
        this.counts.completed++;
        this.logger.info(`${this.prefix()} ✔ ${label}: completed in ${took}`);
      } else {
        this.counts.failed++;
        this.logger.info(`${this.prefix()} ✖ ${label}: failed in ${took} (${outcome.error.code ?? "WORKER_ERROR"}: ${outcome.error.message})`);
      }
    } catch (error) {
      if (outcome.ok && error instanceof FlowdeckApiError && error.status === 413) {
        // The output is too large to store: the attempt fails with a clear code instead of timing out.
        await this.withRetries(() => this.api.fail(task.taskId, { workerId: this.workerId, error: { code: "OUTPUT_TOO_LARGE", message: error.message }, logs: rest }), task, label).catch(
          () => undefined,
        );
        this.counts.failed++;
        this.logger.warn(`${this.prefix()} ✖ ${label}: output refused (${error.message}); reported as OUTPUT_TOO_LARGE`);
        return;
      }
      this.counts.dropped++;
      this.logger.warn(`${this.prefix()} ✖ ${label}: result not applied after ${took}: ${(error as Error).message}`);
    }
  }

  /**
   * Sends a result, retrying what got no answer or a server error until the lease runs out
   * (after that the result would be refused anyway). A 409 that says the task is already in the
   * state we reported, after a retry, was most likely our own first request arriving.
   */
  private async withRetries<T>(send: () => Promise<T>, task: WorkerTask<Input>, label: string): Promise<T | undefined> {
    const deadline = Date.parse(task.leaseExpiresAt) + 60_000;
    let backoffMs = 0;
    for (let tries = 1; ; tries++) {
      try {
        return await send();
      } catch (error) {
        if (!(error instanceof FlowdeckApiError)) throw error;
        if (tries > 1 && error.status === 409 && /is (COMPLETED|FAILED)/.test(error.message)) {
          this.logger.info(`${this.prefix()} ${label}: a retried report found the task already ended (${error.message}); assuming the first one arrived`);
          return undefined;
        }
        if (!error.retryable || Date.now() >= deadline) throw error;
        backoffMs = this.nextBackoff(backoffMs);
        this.logger.warn(`${this.prefix()} reporting ${label} failed: ${error.message}; retrying in ${backoffMs} ms`);
        await sleep(backoffMs);
      }
    }
  }
}

/**
 * A running task's log lines on their way to the server: sent in batches (every SHIP_EVERY_MS, or
 * at once when SHIP_BATCH wait), one request at a time. A failed send keeps its lines for the next
 * one (at most MAX_UNSENT; older ones are dropped and the count is logged as a line); `drain()`
 * stops shipping and hands back what is left, which the result carries.
 */
const SHIP_EVERY_MS = 500;
const SHIP_BATCH = 200;
const MAX_UNSENT = 1000;

class LogShipper {
  private pending: WorkerLogLine[] = [];
  private sending: Promise<unknown> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lost = 0;
  private closed = false;

  constructor(
    private readonly send: (lines: WorkerLogLine[]) => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(line: WorkerLogLine): void {
    this.pending.push(line);
    if (this.pending.length > MAX_UNSENT) {
      this.pending.shift();
      this.lost++;
    }
    if (this.closed) return;
    if (this.pending.length >= SHIP_BATCH) this.ship();
    else this.timer ??= setTimeout(() => this.ship(), SHIP_EVERY_MS);
  }

  private ship(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.sending || this.closed || this.pending.length === 0) return;
    const batch = this.pending.splice(0, SHIP_BATCH);
    this.sending = this.send(batch)
      .catch((error) => {
        this.pending.unshift(...batch);
        this.onError(error);
      })
      .finally(() => {
        this.sending = null;
        if (this.pending.length > 0 && !this.closed) this.timer ??= setTimeout(() => this.ship(), SHIP_EVERY_MS);
      });
  }

  /** Stops shipping; what was not sent (within the result's 1000 lines). */
  async drain(): Promise<WorkerLogLine[]> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sending;
    const rest = this.pending;
    this.pending = [];
    if (this.lost > 0) rest.push({ time: new Date().toISOString(), level: "warn", message: `${this.lost} earlier log lines were not sent (the server could not be reached)` });
    return rest.slice(-MAX_UNSENT);
  }
}

/** What a thrown value becomes: `code` from the error when it is a string, else WORKER_ERROR. */
export function toTaskError(error: unknown): WorkerTaskError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const details = (error as { details?: unknown }).details;
    return {
      code: typeof code === "string" && code.length > 0 ? code : "WORKER_ERROR",
      message: error.message || error.name,
      ...(details !== undefined ? { details } : {}),
    };
  }
  return { code: "WORKER_ERROR", message: typeof error === "string" ? error : JSON.stringify(error) ?? String(error) };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

function abortPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
}
