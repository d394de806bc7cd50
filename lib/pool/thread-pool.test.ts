// ThreadPool with real threads running a small script (no TypeScript, so the test needs no loader):
// jobs { op, ms?, value? } — "echo" answers value, "sleep" answers after ms, "spin" blocks the
// thread (nothing can interrupt it), "throw" answers with an error, "crash" throws uncaught,
// "oom" allocates until its heap limit, "steps" spins for ms while reporting a step every few ms
// into the progress cell the pool sends with each job ([job id, time of the last step]).
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { PoolBusyError, PoolClosedError, PoolThreadError, PoolTimeoutError, ThreadPool } from "./thread-pool";

const SCRIPT = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", async ({ id, job, progress }) => {
  const cell = new Float64Array(progress);
  cell[0] = id;
  cell[1] = performance.timeOrigin + performance.now();
  if (job.op === "steps") { const end = Date.now() + job.ms; while (Date.now() < end) { cell[1] = performance.timeOrigin + performance.now(); } return parentPort.postMessage({ id, ok: true, result: "stepped" }); }
  if (job.op === "echo") return parentPort.postMessage({ id, ok: true, result: job.value });
  if (job.op === "sleep") { await new Promise((r) => setTimeout(r, job.ms)); return parentPort.postMessage({ id, ok: true, result: job.value }); }
  if (job.op === "spin") { const end = Date.now() + job.ms; while (Date.now() < end) {} return parentPort.postMessage({ id, ok: true, result: "spun" }); }
  if (job.op === "throw") return parentPort.postMessage({ id, ok: false, message: "it threw" });
  if (job.op === "crash") setImmediate(() => { throw new Error("uncaught in the thread"); });
  if (job.op === "oom") { const keep = []; for (;;) keep.push(new Array(100000).fill(Math.random())); }
});
parentPort.postMessage({ ready: true, ...(process.env.POOL_TEST_TID ? { tid: Number(require("node:fs").readlinkSync("/proc/thread-self").split("/").pop()) } : {}) });
`;

const pools: ThreadPool[] = [];
function pool(size: number, maxQueue: number): ThreadPool {
  const created = new ThreadPool({ name: "test pool", size, maxQueue, spawn: () => new Worker(SCRIPT, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 32 } }) });
  pools.push(created);
  return created;
}
afterEach(async () => {
  for (const created of pools.splice(0)) await created.close();
});

describe("ThreadPool", () => {
  it("runs jobs on at most `size` threads, started on demand", async () => {
    const p = pool(2, 10);
    expect(p.stats()).toMatchObject({ threads: 0, started: 0 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((value) => p.run({ op: "sleep", ms: 30, value }, { hardTimeoutMs: 5_000 })));
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(p.stats()).toMatchObject({ threads: 2, busy: 0, queued: 0, started: 2, lost: 0 });
  });

  it("refuses a job when the queue is full, at once", async () => {
    const p = pool(1, 2);
    const running = [p.run({ op: "sleep", ms: 200, value: "a" }, { hardTimeoutMs: 5_000 }), p.run({ op: "echo", value: "b" }, { hardTimeoutMs: 5_000 }), p.run({ op: "echo", value: "c" }, { hardTimeoutMs: 5_000 })];
    await expect(p.run({ op: "echo", value: "d" }, { hardTimeoutMs: 5_000 })).rejects.toBeInstanceOf(PoolBusyError);
    expect(await Promise.all(running)).toEqual(["a", "b", "c"]);
  });

  it("takes interactive jobs before background ones", async () => {
    const p = pool(1, 10);
    const order: string[] = [];
    const track = (value: string, lane: "interactive" | "background") => p.run<string>({ op: "echo", value }, { lane, hardTimeoutMs: 5_000 }).then((result) => void order.push(result));
    const first = p.run({ op: "sleep", ms: 100, value: "first" }, { hardTimeoutMs: 5_000 });
    await Promise.all([first, track("b1", "background"), track("b2", "background"), track("i1", "interactive")]);
    expect(order).toEqual(["i1", "b1", "b2"]);
  });

  it("terminates and replaces a thread whose job runs past its deadline; the queue goes on", async () => {
    const p = pool(1, 10);
    const stuck = p.run({ op: "spin", ms: 60_000 }, { hardTimeoutMs: 300 });
    const next = p.run({ op: "echo", value: "after" }, { hardTimeoutMs: 5_000 });
    const startedAt = Date.now();
    await expect(stuck).rejects.toBeInstanceOf(PoolTimeoutError);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(await next).toBe("after");
    expect(p.stats()).toMatchObject({ threads: 1, started: 2, lost: 1 });
  });

  it("lets a job that still takes steps run past its deadline (stallMs), and stops one stuck in a single step", async () => {
    const p = pool(1, 10);
    // Busy for 1.2 s, four times its deadline, but stepping all along: a slow thread, not a stuck one.
    expect(await p.run({ op: "steps", ms: 1_200 }, { hardTimeoutMs: 300, stallMs: 200 })).toBe("stepped");
    expect(p.stats()).toMatchObject({ lost: 0 });
    // One step that never ends: stopped once no step came for stallMs after the deadline.
    const startedAt = Date.now();
    await expect(p.run({ op: "spin", ms: 60_000 }, { hardTimeoutMs: 300, stallMs: 200 })).rejects.toBeInstanceOf(PoolTimeoutError);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    // Stepping forever still ends at the ceiling (PROGRESS_CEILING × the deadline).
    await expect(p.run({ op: "steps", ms: 60_000 }, { hardTimeoutMs: 100, stallMs: 50 })).rejects.toBeInstanceOf(PoolTimeoutError);
    expect(p.stats()).toMatchObject({ lost: 2 });
  });

  it.runIf(process.platform === "linux")("counts a thread's CPU time, not the wall clock, where /proc tells it: a job that waits is not stopped, one that spins is", async () => {
    process.env.POOL_TEST_TID = "1";
    try {
      const p = pool(1, 10);
      // 1.2 s of waiting (no CPU), four times its deadline: what a thread starved of a core looks like.
      expect(await p.run({ op: "sleep", ms: 1_200, value: "waited" }, { hardTimeoutMs: 300 })).toBe("waited");
      const startedAt = Date.now();
      await expect(p.run({ op: "spin", ms: 60_000 }, { hardTimeoutMs: 300 })).rejects.toBeInstanceOf(PoolTimeoutError);
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      expect(p.stats()).toMatchObject({ lost: 1 });
    } finally {
      delete process.env.POOL_TEST_TID;
    }
  });

  it("fails the job of a thread that crashes or runs out of memory, and goes on with a new thread", async () => {
    const p = pool(1, 10);
    await expect(p.run({ op: "crash" }, { hardTimeoutMs: 5_000 })).rejects.toMatchObject({ name: "PoolThreadError", detail: "uncaught in the thread" });
    const oom = await p.run({ op: "oom" }, { hardTimeoutMs: 30_000 }).catch((error: unknown) => error);
    expect(oom).toBeInstanceOf(PoolThreadError);
    expect((oom as PoolThreadError).code).toBe("ERR_WORKER_OUT_OF_MEMORY");
    expect(await p.run({ op: "echo", value: "alive" }, { hardTimeoutMs: 5_000 })).toBe("alive");
    expect(p.stats()).toMatchObject({ lost: 2 });
  });

  it("passes a job's own error back without losing the thread", async () => {
    const p = pool(1, 10);
    await expect(p.run({ op: "throw" }, { hardTimeoutMs: 5_000 })).rejects.toThrow("it threw");
    expect(await p.run({ op: "echo", value: 1 }, { hardTimeoutMs: 5_000 })).toBe(1);
    expect(p.stats()).toMatchObject({ started: 1, lost: 0 });
  });

  it("refuses a payload that cannot be copied to a thread, and the thread stays", async () => {
    const p = pool(1, 10);
    await expect(p.run({ op: "echo", value: () => 1 }, { hardTimeoutMs: 5_000 })).rejects.toMatchObject({ name: "DataCloneError" });
    expect(await p.run({ op: "echo", value: 2 }, { hardTimeoutMs: 5_000 })).toBe(2);
  });

  it("close() fails the running and waiting jobs, ends the threads and refuses new jobs", async () => {
    const p = pool(1, 10);
    const running = p.run({ op: "sleep", ms: 10_000 }, { hardTimeoutMs: 20_000 }).catch((error: unknown) => error);
    const waiting = p.run({ op: "echo", value: 1 }, { hardTimeoutMs: 5_000 }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await p.close();
    expect(await running).toBeInstanceOf(PoolClosedError);
    expect(await waiting).toBeInstanceOf(PoolClosedError);
    await expect(p.run({ op: "echo", value: 1 }, { hardTimeoutMs: 5_000 })).rejects.toBeInstanceOf(PoolClosedError);
    expect(p.stats()).toMatchObject({ threads: 0 });
  });
});
