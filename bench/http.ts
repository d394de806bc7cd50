// HTTP workloads through the real production server: `next start` (built by scripts/start.mjs's
// ensureBuilt when stale) on a free port with a fresh SQLite database, embedded engine on.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import { createPrismaClient } from "@/lib/db/client";
import { freePort, ProcessGroup, PROJECT_ROOT, sleep, type ManagedProcess } from "../tests/helpers/processes";
import { HTTP_WORKLOADS, type HttpWorkloadName } from "./workflows";
import { cpuTimeMs, highWaterMarkBytes, MiB, percentile, round, RssSampler, withDescendants } from "./stats";
import { benchAuthEnv, benchHeaders } from "./auth";

export type HttpRow = {
  workload: HttpWorkloadName;
  concurrency: number;
  warmup: number;
  measured: number;
  p50Ms: number;
  p95Ms: number;
  executionsPerSecond: number;
  peakRssMiB: number;
  errors: number;
  errorSamples: string[];
  serverCpuMsPerExecution: number;
};

export type HttpBenchOptions = {
  workloads: HttpWorkloadName[];
  concurrencies: number[];
  warmup: number;
  measured: number;
  log: (line: string) => void;
};

const require = createRequire(import.meta.url);

/** Builds the production app when the sources changed since the last build (scripts/start.mjs). */
export function ensureProductionBuild(log: (line: string) => void): void {
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", "const m = await import('./scripts/start.mjs'); m.ensureBuilt();"], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error("the production build failed");
  log("production build is up to date");
}

export async function runHttpBench(options: HttpBenchOptions): Promise<{ rows: HttpRow[]; serverRssMiBAtStart: number; dbCheck: Record<string, number> }> {
  const { log } = options;
  ensureProductionBuild(log);
  const dataDir = mkdtempSync(join(tmpdir(), "flowdeck-bench-"));
  const port = await freePort();
  const group = new ProcessGroup();
  const base = `http://127.0.0.1:${port}`;
  let server: ManagedProcess | null = null;
  try {
    server = group.spawn([require.resolve("next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
      name: "server",
      env: { DATABASE_URL: undefined, FLOWDECK_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", ...benchAuthEnv },
    });
    await waitForHealth(base, server);
    const serverPids = () => [server!.pid];
    const serverRssMiBAtStart = round(new RssSampler(serverPids).start().stop() / MiB);
    log(`server pid ${server.pid} on ${base}, SQLite in ${dataDir}, RSS at start ${serverRssMiBAtStart} MiB`);

    for (const name of options.workloads) {
      const response = await fetch(`${base}/api/workflows`, { method: "POST", headers: benchHeaders, body: JSON.stringify(HTTP_WORKLOADS[name].workflow) });
      if (response.status !== 201 && response.status !== 200) throw new Error(`saving ${name}: ${response.status} ${await response.text()}`);
    }

    const rows: HttpRow[] = [];
    for (const name of options.workloads) {
      for (const concurrency of options.concurrencies) {
        const { workflow, expectedOutput } = HTTP_WORKLOADS[name];
        const run = (count: number) => drive(base, workflow.name, expectedOutput, count, concurrency);
        await run(options.warmup);
        const sampler = new RssSampler(serverPids).start();
        const cpuBefore = cpuOf(serverPids());
        const result = await run(options.measured);
        const cpuMs = cpuOf(serverPids()) - cpuBefore;
        const peak = sampler.stop();
        const row: HttpRow = {
          workload: name,
          concurrency,
          warmup: options.warmup,
          measured: options.measured,
          p50Ms: round(percentile(result.latencies, 50)),
          p95Ms: round(percentile(result.latencies, 95)),
          executionsPerSecond: round((options.measured * 1000) / result.wallMs),
          peakRssMiB: round(peak / MiB),
          errors: result.errors.length,
          errorSamples: result.errors.slice(0, 5),
          serverCpuMsPerExecution: round(cpuMs / options.measured, 2),
        };
        rows.push(row);
        log(`  ${name} c=${concurrency}: p50 ${row.p50Ms} ms, p95 ${row.p95Ms} ms, ${row.executionsPerSecond} exec/s, peak RSS ${row.peakRssMiB} MiB, ${row.errors} errors, ${row.serverCpuMsPerExecution} ms server CPU/execution`);
      }
    }
    log(`server VmHWM (peak RSS since start): ${round(highWaterMarkBytes(serverPids()) / MiB)} MiB`);

    // Durably recorded: read the server's database file directly.
    const db = createPrismaClient({ provider: "sqlite", filePath: join(dataDir, "flowdeck.db") });
    const byStatus = await db.execution.groupBy({ by: ["status"], _count: true });
    await db.$disconnect();
    const dbCheck = Object.fromEntries(byStatus.map((row) => [row.status, row._count]));
    log(`executions in the server's database by status: ${JSON.stringify(dbCheck)}`);
    return { rows, serverRssMiBAtStart, dbCheck };
  } finally {
    await group.stopAll("SIGTERM", 10_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function waitForHealth(base: string, server: ManagedProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (!server.running) throw new Error(`the server exited:\n${server.log.slice(-3000)}`);
    try {
      const response = await fetch(`${base}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the server did not become healthy:\n${server.log.slice(-3000)}`);
}

function cpuOf(pids: number[]): number {
  return withDescendants(pids).reduce((sum, pid) => sum + cpuTimeMs(pid), 0);
}

/** Starts `count` executions with waitSeconds, `concurrency` requests always in flight. */
async function drive(base: string, workflow: string, expectedOutput: unknown, count: number, concurrency: number) {
  const latencies: number[] = [];
  const errors: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        next++;
        const t0 = performance.now();
        try {
          const response = await fetch(`${base}/api/executions`, {
            method: "POST",
            headers: benchHeaders,
            body: JSON.stringify({ workflow, waitSeconds: 60 }),
          });
          const body = (await response.json()) as { status?: string; output?: unknown; id?: string };
          latencies.push(performance.now() - t0);
          if (response.status !== 201 || body.status !== "COMPLETED") errors.push(`${response.status} ${body.status ?? ""} ${JSON.stringify(body).slice(0, 200)}`);
          else if (expectedOutput !== undefined && body.output !== expectedOutput) errors.push(`${body.id}: output ${JSON.stringify(body.output)}, expected ${JSON.stringify(expectedOutput)}`);
        } catch (error) {
          latencies.push(performance.now() - t0);
          errors.push((error as Error).message);
        }
      }
    }),
  );
  return { latencies, errors, wallMs: performance.now() - started };
}
