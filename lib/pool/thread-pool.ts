/**
 * A small pool of worker threads (`node:worker_threads`) that run one job at a time each.
 *
 * - **Bounded:** at most `size` threads, started when work arrives (a process that never needs
 *   one starts none); at most `maxQueue` jobs waiting. A job beyond that is refused at once
 *   (`PoolBusyError`) instead of waiting without end.
 * - **Two lanes:** "interactive" jobs (a person waiting: a save's validation) are taken before
 *   "background" ones (the engine's evaluations), so a save waits for at most the jobs running.
 * - **A hard deadline per job:** a job still running at its deadline (a regular expression that
 *   cannot be interrupted, a bug) has its thread terminated and replaced (`PoolTimeoutError`).
 *   With `stallMs`, a job that is still making progress is let run on: each thread shares a
 *   progress cell with the pool (a SharedArrayBuffer sent with every job: `[job id, time of its
 *   last step]`, written by the thread), and at the deadline a job whose last step is more recent
 *   than `stallMs` gets more time, up to {@link PROGRESS_CEILING}× its deadline. On a busy machine a
 *   thread may wait long for a core and still be fine; a thread stuck in one step is not.
 *   Where the OS tells a thread's CPU time (Linux: /proc/self/task/<tid>/stat; the thread posts its
 *   tid with `ready`), the deadline counts that instead of the wall clock: a thread that waited
 *   for a core has not used its time yet (seen on CI at load 10: trivial jobs waited > 2 s).
 * - **A crashed thread** (out of memory under `resourceLimits`, an uncaught error) fails its job
 *   (`PoolThreadError`) and is replaced; the process itself is unharmed.
 * - **Idle threads do not keep the process alive** (unref'd); a thread with a job does.
 * - `close()` refuses new jobs, fails the queued and running ones (`PoolClosedError`) and ends the
 *   threads.
 *
 * Why not piscina: it starts its threads from a file name given at run time, which Next's bundler
 * cannot follow, so under `next start` the TypeScript worker would not exist; Turbopack bundles a
 * thread only from a literal `new Worker(new URL("./thread.ts", import.meta.url))`, which the
 * caller passes in as `spawn` (lib/pool/pool.ts). What piscina would add beyond that (task
 * cancellation, histograms) is not needed here, and this file is the whole pool.
 */
import { readFileSync } from "node:fs";
import type { Worker } from "node:worker_threads";

export type Lane = "interactive" | "background";

/** How long a new thread may take to load its modules. */
const STARTUP_TIMEOUT_MS = 30_000;
/** A job still making progress (see `stallMs`) is stopped at this many times its deadline all the same. */
export const PROGRESS_CEILING = 20;

export type ThreadPoolOptions = {
  /** Shown in errors, e.g. "expression pool". */
  name: string;
  /** Most threads at once (≥ 1). */
  size: number;
  /** Most jobs waiting for a thread (≥ 0); more are refused with PoolBusyError. */
  maxQueue: number;
  /** Starts one thread (its entry answers `{ id, job }` messages with `{ id, ok, result | message }`). */
  spawn: () => Worker;
};

export type RunOptions = {
  /** @default "background" */
  lane?: Lane;
  /** The job's thread is terminated if it has not answered this long after it started the job. */
  hardTimeoutMs: number;
  /**
   * At the deadline, a job whose thread reported a step within this many milliseconds is let run
   * on (it is making progress, only slowly: the thread waits for a core). Unset: the deadline is hard.
   */
  stallMs?: number;
};

export class PoolBusyError extends Error {
  constructor(pool: string, maxQueue: number) {
    super(`the ${pool} is full: ${maxQueue} jobs are already waiting`);
    this.name = "PoolBusyError";
  }
}

export class PoolTimeoutError extends Error {
  constructor(
    pool: string,
    readonly timeoutMs: number,
  ) {
    super(`a job of the ${pool} ran longer than ${timeoutMs} ms; its thread was terminated and replaced`);
    this.name = "PoolTimeoutError";
  }
}

export class PoolThreadError extends Error {
  constructor(
    pool: string,
    readonly detail: string,
    /** ERR_WORKER_OUT_OF_MEMORY when the thread hit its memory limit. */
    readonly code: string | undefined,
  ) {
    super(`a thread of the ${pool} failed: ${detail}`);
    this.name = "PoolThreadError";
  }
}

export class PoolClosedError extends Error {
  constructor(pool: string) {
    super(`the ${pool} is closed (the process is shutting down)`);
    this.name = "PoolClosedError";
  }
}

type Job = {
  id: number;
  payload: unknown;
  hardTimeoutMs: number;
  stallMs: number | undefined;
  /** When its deadline started (performance.now() of this thread). */
  deadlineFrom: number;
  /** The thread's CPU time when its deadline started (threadCpuMs), where known. */
  cpuFrom: number | undefined;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
};

/** `ready`: the thread has loaded its modules (its first message); a job's deadline counts from then. */
type Thread = { worker: Worker; job: Job | null; timer: NodeJS.Timeout | null; gone: boolean; ready: boolean; progress: Float64Array; tid: number | undefined };

type Answer = { ready: true; tid?: number } | { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };

/** `started`: threads started so far; `lost`: threads that crashed or were terminated at a job's deadline. */
export type PoolStats = { threads: number; busy: number; queued: number; started: number; lost: number };

export class ThreadPool {
  private readonly threads = new Set<Thread>();
  private readonly queues: Record<Lane, Job[]> = { interactive: [], background: [] };
  private nextId = 1;
  private closed = false;
  private started = 0;
  private lost = 0;

  constructor(private readonly options: ThreadPoolOptions) {
    if (!(options.size >= 1)) throw new Error(`${options.name}: size must be ≥ 1; got ${options.size}`);
    if (!(options.maxQueue >= 0)) throw new Error(`${options.name}: maxQueue must be ≥ 0; got ${options.maxQueue}`);
  }

  /** Runs a job on a thread; rejects with one of the Pool*Error classes above, or the thread's own error message. */
  run<T>(payload: unknown, options: RunOptions): Promise<T> {
    if (this.closed) return Promise.reject(new PoolClosedError(this.options.name));
    return new Promise<T>((resolve, reject) => {
      const job: Job = { id: this.nextId++, payload, hardTimeoutMs: options.hardTimeoutMs, stallMs: options.stallMs, deadlineFrom: 0, cpuFrom: undefined, resolve: resolve as (value: unknown) => void, reject };
      const idle = [...this.threads].find((thread) => thread.job === null && !thread.gone);
      if (idle) return this.assign(idle, job);
      if (this.threads.size < this.options.size) return this.assign(this.spawnThread(), job);
      const waiting = this.queues.interactive.length + this.queues.background.length;
      if (waiting >= this.options.maxQueue) return reject(new PoolBusyError(this.options.name, this.options.maxQueue));
      this.queues[options.lane ?? "background"].push(job);
    });
  }

  stats(): PoolStats {
    const busy = [...this.threads].filter((thread) => thread.job !== null).length;
    return { threads: this.threads.size, busy, queued: this.queues.interactive.length + this.queues.background.length, started: this.started, lost: this.lost };
  }

  /** Refuses new jobs, fails the waiting and running ones, and ends every thread. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new PoolClosedError(this.options.name);
    for (const job of this.queues.interactive.splice(0)) job.reject(error);
    for (const job of this.queues.background.splice(0)) job.reject(error);
    const ending = [...this.threads].map((thread) => {
      const job = this.release(thread);
      job?.reject(error);
      return this.discard(thread);
    });
    await Promise.all(ending);
  }

  private spawnThread(): Thread {
    const worker = this.options.spawn();
    const thread: Thread = { worker, job: null, timer: null, gone: false, ready: false, progress: new Float64Array(new SharedArrayBuffer(2 * Float64Array.BYTES_PER_ELEMENT)), tid: undefined };
    this.started += 1;
    this.threads.add(thread);
    // A thread that never gets its modules loaded (a broken build) fails its job instead of holding it.
    const startup = setTimeout(() => {
      if (!thread.ready) this.lose(thread, new PoolThreadError(this.options.name, `the thread did not start within ${STARTUP_TIMEOUT_MS} ms`, undefined));
    }, STARTUP_TIMEOUT_MS);
    startup.unref();
    worker.on("message", (answer: Answer) => {
      if ("ready" in answer) {
        clearTimeout(startup);
        thread.ready = true;
        thread.tid = typeof answer.tid === "number" ? answer.tid : undefined;
        if (thread.job) this.startDeadline(thread, thread.job);
        return;
      }
      const job = thread.job;
      if (!job || answer.id !== job.id) return;
      this.release(thread);
      if (answer.ok) job.resolve(answer.result);
      else job.reject(new Error(answer.message));
      this.next(thread);
    });
    // The thread is dying (an uncaught error, out of memory) or gone: its job fails, another thread takes the queue.
    worker.on("error", (error: Error & { code?: string }) => this.lose(thread, new PoolThreadError(this.options.name, error.message, error.code)));
    worker.on("exit", (code) => this.lose(thread, new PoolThreadError(this.options.name, `the thread exited with code ${code}`, undefined)));
    return thread;
  }

  private assign(thread: Thread, job: Job): void {
    thread.job = job;
    thread.worker.ref();
    if (thread.ready) this.startDeadline(thread, job);
    try {
      thread.worker.postMessage({ id: job.id, job: job.payload, progress: thread.progress.buffer });
    } catch (error) {
      // The payload cannot be sent (not structured-cloneable): this job fails, the thread is fine.
      this.release(thread);
      job.reject(error as Error);
      this.next(thread);
    }
  }

  private startDeadline(thread: Thread, job: Job): void {
    job.deadlineFrom = performance.now();
    job.cpuFrom = threadCpuMs(thread.tid);
    thread.timer = setTimeout(() => this.atDeadline(thread, job), job.hardTimeoutMs);
  }

  /** The deadline passed: stop the job, unless it still makes progress (stallMs) and is below the ceiling. */
  private atDeadline(thread: Thread, job: Job): void {
    if (thread.job !== job) return;
    const now = performance.now();
    const lastStepAgo = thread.progress[0] === job.id ? performance.timeOrigin + now - thread.progress[1]! : Infinity;
    const ran = now - job.deadlineFrom;
    const cpu = threadCpuMs(thread.tid);
    const cpuUsed = cpu !== undefined && job.cpuFrom !== undefined ? cpu - job.cpuFrom : undefined;
    if (cpuUsed !== undefined && cpuUsed < job.hardTimeoutMs && ran < job.hardTimeoutMs * PROGRESS_CEILING) {
      // The thread has not used its time: it waited for a core. Look again when it could have.
      thread.timer = setTimeout(() => this.atDeadline(thread, job), Math.max(50, job.hardTimeoutMs - cpuUsed));
      return;
    }
    if (job.stallMs !== undefined && lastStepAgo < job.stallMs && ran < job.hardTimeoutMs * PROGRESS_CEILING) {
      thread.timer = setTimeout(() => this.atDeadline(thread, job), Math.max(1, job.stallMs - lastStepAgo));
      return;
    }
    this.lose(thread, new PoolTimeoutError(this.options.name, job.hardTimeoutMs));
  }

  /** Clears a thread's job and timer; returns the job it had. */
  private release(thread: Thread): Job | null {
    const job = thread.job;
    if (thread.timer) clearTimeout(thread.timer);
    thread.timer = null;
    thread.job = null;
    if (!thread.gone) thread.worker.unref();
    return job;
  }

  private next(thread: Thread): void {
    const job = this.queues.interactive.shift() ?? this.queues.background.shift();
    if (job) this.assign(thread, job);
  }

  private discard(thread: Thread): Promise<void> {
    if (thread.gone) return Promise.resolve();
    thread.gone = true;
    this.threads.delete(thread);
    return thread.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
  }

  /** A thread is lost (crashed, exited, or past a job's deadline): its job fails with `error`; a new thread takes the next waiting job. */
  private lose(thread: Thread, error: Error): void {
    if (thread.gone) return;
    const job = this.release(thread);
    void this.discard(thread);
    this.lost += 1;
    job?.reject(error);
    if (this.closed) return;
    const waiting = this.queues.interactive.shift() ?? this.queues.background.shift();
    if (waiting) this.assign(this.spawnThread(), waiting);
  }
}

/**
 * The CPU time, in ms, a thread of this process has used (user + system), from Linux's
 * /proc/self/task/<tid>/stat (fields 14 and 15, in clock ticks of 10 ms: USER_HZ is 100);
 * undefined without a tid or where /proc cannot tell.
 */
function threadCpuMs(tid: number | undefined): number | undefined {
  if (tid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}
