/**
 * The entry of an expression pool thread (started by pool.ts): answers `{ id, job }` with
 * `{ id, ok: true, result }`, or `{ id, ok: false, message }` if the job threw (the evaluators
 * never throw; this is for bugs). Posts `{ ready: true }` once its modules are loaded, so the
 * pool's deadline for a job does not count the thread's start.
 */
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { reportStepsTo } from "@/lib/workflow/expressions";
import { runPoolJob, type PoolJob } from "./jobs";

const port = parentPort;
if (!port) throw new Error("lib/pool/thread.ts runs as a worker thread (lib/pool/pool.ts starts it)");

/**
 * The pool's work is background work: when the cores are busy, the thread serving requests (the
 * event loop) is scheduled first. On Linux a nice value is per thread, so this lowers only this
 * thread; elsewhere it would lower the whole process, so it is left alone.
 */
const THREAD_NICE = 10;
if (process.platform === "linux") {
  try {
    setPriority(THREAD_NICE);
  } catch {
    // Not allowed (a sandbox): the thread runs at the process's priority.
  }
}

/** This thread's OS thread id (Linux: /proc/thread-self is "<pid>/task/<tid>"), so the pool can read its CPU time. */
function ownThreadId(): number | undefined {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    return Number.isInteger(tid) ? tid : undefined;
  } catch {
    return undefined;
  }
}

/** The progress cell shared with the pool (thread-pool.ts): [job id, time of the job's last step]. */
let progress: Float64Array | null = null;

port.on("message", (message: { id: number; job: PoolJob; progress?: SharedArrayBuffer }) => {
  if (!progress && message.progress) {
    progress = new Float64Array(message.progress);
    reportStepsTo(progress);
  }
  if (progress) {
    progress[0] = message.id;
    progress[1] = performance.timeOrigin + performance.now();
  }
  runPoolJob(message.job).then(
    (result) => port.postMessage({ id: message.id, ok: true, result }),
    (error: unknown) => port.postMessage({ id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
});
port.postMessage({ ready: true, tid: ownThreadId() });
