// Engine-level benchmark: no web tier. Executions are inserted with startExecution straight into
// a fresh database. On SQLite the engine runs in this process (SQLite's embedded mode: one process
// writes); on PostgreSQL real `scripts/worker.ts` processes run them, as in scale-out mode.
import type { Db } from "@/lib/db/client";
import { Engine } from "@/lib/runtime/engine";
import { startPgNotify } from "@/lib/runtime/pg-notify";
import { engineOptionsFromEnv } from "@/lib/server/engine-options";
import { startExecution } from "@/lib/services/executions";
import { saveWorkflow } from "@/lib/services/workflows";
import { createTestDatabase } from "../tests/helpers/db";
import { ProcessGroup, sleep, type WorkerProcess } from "../tests/helpers/processes";
import { ENGINE_WORKLOADS } from "./workflows";
import { cpuTimeMs, highWaterMarkBytes, MiB, percentile, round } from "./stats";

export type EngineBenchOptions = {
  provider: "sqlite" | "postgresql";
  /** Worker processes; 0 runs the engine in this process. */
  workers: number;
  quick: boolean;
  log: (line: string) => void;
  /** Extra node flags for the workers (e.g. --cpu-prof --cpu-prof-dir=…). */
  workerNodeArgs?: string[];
  /** Which engine workloads to run. @default all */
  only?: ReadonlySet<string>;
  /** Extra environment for the workers. */
  workerEnv?: Record<string, string>;
};

export type EngineBenchResult = {
  provider: string;
  workers: number;
  chain100: null | { engineCpuMs: number;  runs: number; wallMs: number[]; perTaskMs: { p50: number; p95: number }; decisionGapMs: { p50: number; p95: number }; claimRunMs: { p50: number; p95: number } };
  fanout1000: null | { engineCpuMs: number;  wallMs: number; tasks: number };
  burst: null | { engineCpuMs: number;  executions: number; tasksPerExecution: number; wallMs: number; executionsPerSecond: number; taskEvents: number; taskTransitionsPerSecond: number; startMs: number };
  workerPeakRssMiB: number[];
  workerCpuMs: number[];
  errors: string[];
};

const TERMINAL = ["COMPLETED", "FAILED", "TERMINATED", "TIMED_OUT"];

async function waitAll(db: Db, ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let open = 0;
    for (let i = 0; i < ids.length; i += 500) {
      open += await db.execution.count({ where: { id: { in: ids.slice(i, i + 500) }, status: { notIn: TERMINAL } } });
    }
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error(`${open} of ${ids.length} executions still running after ${timeoutMs} ms`);
    await sleep(50);
  }
}

async function start(db: Db, workflow: string): Promise<string> {
  return (await startExecution(db, { workflow }, "bench")).id;
}

export async function runEngineBench(options: EngineBenchOptions): Promise<EngineBenchResult> {
  const { provider, log } = options;
  const testDb = await createTestDatabase(provider);
  const db = testDb.db;
  const group = new ProcessGroup();
  let stopNotify: (() => Promise<void>) | null = null;
  let inProcess: Engine | null = null;
  const errors: string[] = [];
  try {
    for (const workflow of Object.values(ENGINE_WORKLOADS)) await saveWorkflow(db, workflow, "bench");
    const url = testDb.config.provider === "sqlite" ? `file:${testDb.config.filePath}` : testDb.config.url;
    const workers: WorkerProcess[] = [];
    if (options.workers === 0) {
      inProcess = new Engine(db, provider, engineOptionsFromEnv({ ...process.env, ...options.workerEnv }));
      inProcess.start();
    }
    for (let i = 0; i < options.workers; i++) {
      workers.push(await group.startWorker({ DATABASE_URL: url, ...options.workerEnv }, { name: `${provider}-worker-${i + 1}`, nodeArgs: options.workerNodeArgs }));
    }
    if (testDb.config.provider === "postgresql") stopNotify = await startPgNotify(testDb.config.url);
    log(`engine bench on ${provider}: ${inProcess ? `engine in this process (${process.pid})` : `${workers.length} worker processes (${workers.map((w) => w.pid).join(", ")})`}`);

    const enginePids = inProcess ? [process.pid] : workers.map((w) => w.pid);
    const cpuNow = () => enginePids.reduce((sum, pid) => sum + cpuTimeMs(pid), 0);
    const measure = async <T,>(name: string, run: () => Promise<T>): Promise<(T & { engineCpuMs: number }) | null> => {
      if (options.only && !options.only.has(name)) return null;
      const before = cpuNow();
      const result = await run();
      return { ...result, engineCpuMs: round(cpuNow() - before, 0) };
    };
    const chain100 = await measure("chain100", () => benchChain100(db, options, errors));
    const fanout1000 = await measure("fanout1000", () => benchFanout1000(db, log, errors));
    const burst = await measure("burst", () => benchBurst(db, options, errors));

    const workerPeakRssMiB = enginePids.map((pid) => round(highWaterMarkBytes([pid]) / MiB));
    const workerCpuMs = enginePids.map((pid) => cpuTimeMs(pid));
    return { provider, workers: workers.length, chain100, fanout1000, burst, workerPeakRssMiB, workerCpuMs, errors };
  } finally {
    await inProcess?.stop();
    await stopNotify?.();
    // SIGTERM first so that --cpu-prof writes its profile; stopAll SIGKILLs what is left.
    await group.stopAll("SIGTERM", 15_000);
    await testDb.cleanup();
  }
}

const pair = (values: number[]) => ({ p50: round(percentile(values, 50)), p95: round(percentile(values, 95)) });

async function benchChain100(db: Db, options: EngineBenchOptions, errors: string[]) {
  const { log } = options;
  // 1. Chain of 100: per-task overhead from the attempts' times.
  const chainRuns = options.quick ? 1 : 3;
  const wallMs: number[] = [];
  const perTask: number[] = [];
  const decisionGap: number[] = [];
  const claimRun: number[] = [];
  for (let r = 0; r < chainRuns; r++) {
    const id = await start(db, ENGINE_WORKLOADS.chain100.name);
    await waitAll(db, [id], 300_000);
    const execution = await db.execution.findUniqueOrThrow({ where: { id }, include: { taskRuns: true } });
    if (execution.status !== "COMPLETED" || execution.output !== "100") errors.push(`chain100 ${id}: ${execution.status} output ${execution.output}`);
    wallMs.push(execution.endedAt!.getTime() - execution.createdAt.getTime());
    const runs = new Map(execution.taskRuns.map((run) => [run.taskKey, run]));
    for (let i = 2; i <= 100; i++) {
      const previous = runs.get(`t${i - 1}`)!;
      const current = runs.get(`t${i}`)!;
      perTask.push(current.endedAt!.getTime() - previous.endedAt!.getTime());
      decisionGap.push(current.scheduledAt!.getTime() - previous.endedAt!.getTime());
      claimRun.push(current.endedAt!.getTime() - current.scheduledAt!.getTime());
    }
  }
  const result = { runs: chainRuns, wallMs, perTaskMs: pair(perTask), decisionGapMs: pair(decisionGap), claimRunMs: pair(claimRun) };
  log(`  chain100: wall ${wallMs.join(", ")} ms; per task p50 ${result.perTaskMs.p50} ms p95 ${result.perTaskMs.p95} ms`);

  return result;
}

async function benchFanout1000(db: Db, log: (line: string) => void, errors: string[]) {
  // 2. Fan-out of 1,000 + join.
  const fanId = await start(db, ENGINE_WORKLOADS.fanout1000.name);
  await waitAll(db, [fanId], 600_000);
  const fan = await db.execution.findUniqueOrThrow({ where: { id: fanId } });
  if (fan.status !== "COMPLETED" || fan.output !== "2000") errors.push(`fanout1000 ${fanId}: ${fan.status} output ${fan.output}`);
  const result = { wallMs: fan.endedAt!.getTime() - fan.createdAt.getTime(), tasks: await db.taskRun.count({ where: { executionId: fanId } }) };
  log(`  fanout1000: wall ${result.wallMs} ms (${result.tasks} attempts)`);

  return result;
}

async function benchBurst(db: Db, options: EngineBenchOptions, errors: string[]) {
  const { log } = options;
  // 3. 1,000 executions of a 10-task chain started at once (16 start calls in flight).
  const count = options.quick ? 200 : 1000;
  const startedAt = Date.now();
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        next++;
        ids.push(await start(db, ENGINE_WORKLOADS.tasks10.name));
      }
    }),
  );
  const startMs = Date.now() - startedAt;
  await waitAll(db, ids, 600_000);
  let first = Infinity;
  let last = 0;
  let taskEvents = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500);
    const rows = await db.execution.findMany({ where: { id: { in: slice } }, select: { id: true, status: true, output: true, createdAt: true, endedAt: true } });
    for (const row of rows) {
      if (row.status !== "COMPLETED" || row.output !== "10") errors.push(`tasks10 ${row.id}: ${row.status} output ${row.output}`);
      first = Math.min(first, row.createdAt.getTime());
      last = Math.max(last, row.endedAt?.getTime() ?? 0);
    }
    taskEvents += await db.executionEvent.count({ where: { executionId: { in: slice }, type: { startsWith: "TASK_" } } });
  }
  const wall = last - first;
  const result = {
    executions: count,
    tasksPerExecution: 10,
    wallMs: wall,
    executionsPerSecond: round((count * 1000) / wall),
    taskEvents,
    taskTransitionsPerSecond: round((taskEvents * 1000) / wall),
    startMs,
  };
  log(`  burst: ${count} × tasks10 in ${wall} ms → ${result.executionsPerSecond} executions/s, ${result.taskTransitionsPerSecond} task transitions/s`);

  return result;
}
