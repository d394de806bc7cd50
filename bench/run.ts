// `npm run bench`: Flowdeck against the BENCHMARKS.md workloads and peer figures.
//
//   npm run bench                      HTTP workloads (chain10, fanout, wait) at concurrency 1 and 16
//   npm run bench -- --quick           20 warm-up / 100 measured (engine: 1 chain run, 200-execution burst)
//   npm run bench -- --only=chain10,wait
//   npm run bench -- --engine          engine-level figures too (SQLite in-process, PostgreSQL 2 workers)
//   npm run bench -- --engine-only     engine-level figures only
//   npm run bench -- --scale-out       PostgreSQL scale-out only: the burst with 1 and with 2 worker processes
//                                      (also part of --engine / --engine-only)
//   npm run bench -- --triggers        triggers only: signed webhook calls (respond: accepted) and a 1 s schedule's
//                                      fire lag under 100 busy executions (also part of the default run;
//                                      --only=webhook,schedule picks one)
//
// Prints markdown tables and writes JSON to bench-results/.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../tests/helpers/processes";
import { runEngineBench, type EngineBenchResult } from "./engine";
import { runHttpBench, type HttpRow } from "./http";
import { HTTP_WORKLOADS, type HttpWorkloadName } from "./workflows";
import { runTriggerBench, type TriggerBenchResult } from "./triggers";
import { machineInfo, markdownTable, round } from "./stats";

/** BENCHMARKS.md: n8n 2.8.4 on this machine (median of 3 runs of 500). */
const N8N: Record<string, { p50: number; p95: number; eps: number; rss: number }> = {
  "chain10:1": { p50: 16.1, p95: 25.0, eps: 57.0, rss: 396 },
  "chain10:16": { p50: 206.5, p95: 253.7, eps: 75.8, rss: 500 },
  "fanout:1": { p50: 17.0, p95: 24.7, eps: 55.5, rss: 564 },
  "fanout:16": { p50: 268.5, p95: 329.5, eps: 58.4, rss: 551 },
  "wait:1": { p50: 117.1, p95: 125.6, eps: 8.5, rss: 529 },
  "wait:16": { p50: 266.9, p95: 326.9, eps: 58.1, rss: 460 },
};

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = flag("quick");
const only = value("only")?.split(",").map((s) => s.trim()).filter(Boolean);
const engineOnly = flag("engine-only");
const scaleOutOnly = flag("scale-out");
const triggersOnly = flag("triggers");
const withEngine = !scaleOutOnly && (engineOnly || flag("engine"));
const withScaleOut = scaleOutOnly || withEngine;
const httpNames = triggersOnly ? [] : (Object.keys(HTTP_WORKLOADS) as HttpWorkloadName[]).filter((name) => !only || only.includes(name));
const triggerRows = { webhook: !only || only.includes("webhook"), schedule: !only || only.includes("schedule") };
const withTriggers = (triggersOnly || (!engineOnly && !scaleOutOnly)) && (triggerRows.webhook || triggerRows.schedule);
const engineNames = new Set(["chain100", "fanout1000", "burst"].filter((name) => !only || only.includes(name)));

function gitDescription(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "lib", "app", "scripts"], { cwd: PROJECT_ROOT, encoding: "utf8" }).trimEnd();
    return dirty ? `${head} + uncommitted changes in ${dirty.split("\n").map((line) => line.slice(3)).join(", ")}` : head;
  } catch {
    return "unknown";
  }
}

const lines: string[] = [];
const out = (line = "") => {
  lines.push(line);
  console.log(line);
};
const log = (line: string) => console.error(`[bench] ${line}`);

const machine = machineInfo();
const loadBefore = loadavg().map((l) => round(l, 2));
out(`# Flowdeck benchmark`);
out();
out(`- command: \`npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}\``);
out(`- machine: ${machine.nproc} cores (${machine.cpuModel}), ${machine.memoryTotalMiB} MiB memory (${machine.memoryFreeMiB} MiB free), ${machine.os}, node ${machine.node}`);
out(`- load average at start: ${loadBefore.join(" / ")} (1/5/15 min) — other processes on this machine compete for the 2 cores`);
out(`- date: ${new Date().toISOString()}; code: ${gitDescription()}`);
out();

const results: { machine: typeof machine; args: string[]; loadBefore: number[]; loadAfter?: number[]; http?: HttpRow[]; httpDb?: Record<string, number>; serverRssMiBAtStart?: number; engine: EngineBenchResult[]; triggers?: TriggerBenchResult } = {
  machine,
  args,
  loadBefore,
  engine: [],
};

let failed = false;
if (!engineOnly && !scaleOutOnly && httpNames.length > 0) {
  const warmup = quick ? 20 : 100;
  const measured = quick ? 100 : 500;
  const http = await runHttpBench({ workloads: httpNames, concurrencies: [1, 16], warmup, measured, log });
  results.http = http.rows;
  results.httpDb = http.dbCheck;
  results.serverRssMiBAtStart = http.serverRssMiBAtStart;
  out(`## HTTP API (production server, embedded engine, SQLite; ${warmup} warm-up + ${measured} measured per row)`);
  out();
  out(
    markdownTable(
      ["workload", "conc.", "p50 ms", "p95 ms", "exec/s", "peak RSS MiB", "errors", "server CPU ms/exec", "n8n exec/s", "exec/s ratio (≥ 2)", "n8n RSS MiB", "RSS ratio (≤ 0.5)"],
      http.rows.map((row) => {
        const peer = N8N[`${row.workload}:${row.concurrency}`]!;
        return [row.workload, row.concurrency, row.p50Ms, row.p95Ms, row.executionsPerSecond, row.peakRssMiB, row.errors, row.serverCpuMsPerExecution, peer.eps, round(row.executionsPerSecond / peer.eps, 2), peer.rss, round(row.peakRssMiB / peer.rss, 2)];
      }),
    ),
  );
  out();
  out(`Server RSS right after start: ${http.serverRssMiBAtStart} MiB. Executions in the server's database afterwards: ${JSON.stringify(http.dbCheck)}.`);
  out();
  if (http.rows.some((row) => row.errors > 0)) failed = true;
}

if (withTriggers) {
  const triggers = await runTriggerBench({ quick, ...triggerRows, log });
  results.triggers = triggers;
  out(`## Triggers (production server, embedded engine, SQLite)`);
  out();
  if (triggers.webhook) {
    const w = triggers.webhook;
    out(markdownTable(["webhook (respond: accepted, HMAC-signed)", "conc.", "requests/s", "p50 ms", "p99 ms", "errors", "executions created"], [[`${w.calls} calls`, w.concurrency, w.requestsPerSecond, w.p50Ms, w.p99Ms, w.errors, w.executions]]));
    out();
    if (w.errors > 0) failed = true;
  }
  if (triggers.schedule) {
    const s = triggers.schedule;
    out(
      markdownTable(
        ["schedule (every 1 s)", "busy executions", "fires / expected", "lag p50 ms", "lag p99 ms", "lag max ms", "target p99"],
        [[`${s.seconds} s`, s.busy, `${s.fires} / ${s.expectedFires}`, s.lagP50Ms, s.lagP99Ms, s.lagMaxMs, "≤ 1000 ms"]],
      ),
    );
    out();
    out(`Fire lag: an execution's createdAt minus its trigger's fireTime. ${s.busyCompleted} busy executions (2 steps, 2 waits of 100 ms) completed meanwhile.`);
    out();
  }
}

if (withEngine) {
  for (const [provider, workers] of [
    ["sqlite", 0],
    ["postgresql", 2],
  ] as const) {
    results.engine.push(await runEngineBench({ provider, workers, quick, only: engineNames, log }));
  }
  out(`## Engine level (no web tier; SQLite: engine in the benchmark process; PostgreSQL: 2 \`scripts/worker.ts\` processes)`);
  out();
  const fmt = (n: number | undefined) => (n === undefined ? "–" : n);
  out(
    markdownTable(
      ["database", "chain100 ms/task p50", "p95", "target p50", "fan-out 1,000 + join wall s", "burst executions", "burst exec/s", "task transitions/s", "target", "engine CPU ms/task (burst)", "engine peak RSS MiB"],
      results.engine.map((r) => [
        r.provider,
        fmt(r.chain100?.perTaskMs.p50),
        fmt(r.chain100?.perTaskMs.p95),
        "≤ 10",
        r.fanout1000 ? round(r.fanout1000.wallMs / 1000, 1) : "–",
        fmt(r.burst?.executions),
        fmt(r.burst?.executionsPerSecond),
        fmt(r.burst?.taskTransitionsPerSecond),
        "≥ 1,000",
        r.burst ? round(r.burst.engineCpuMs / (r.burst.executions * r.burst.tasksPerExecution), 2) : "–",
        r.workerPeakRssMiB.join(" + "),
      ]),
    ),
  );
  out();
  for (const r of results.engine) {
    if (r.chain100) out(`- ${r.provider} chain100: wall ${r.chain100.wallMs.join(", ")} ms; per task = decision gap p50 ${r.chain100.decisionGapMs.p50} ms (previous end → scheduled) + claim and run p50 ${r.chain100.claimRunMs.p50} ms (scheduled → end)`);
    if (r.errors.length > 0) {
      failed = true;
      out(`- ${r.provider} ERRORS: ${r.errors.slice(0, 5).join("; ")}${r.errors.length > 5 ? ` (+${r.errors.length - 5})` : ""}`);
    }
  }
  out();
}

if (withScaleOut) {
  // The same burst against one PostgreSQL database with 1, then 2 `scripts/worker.ts` processes: does
  // adding a process add throughput? (PostgreSQL's server shares the machine's 2 cores with them.)
  const engineRun = (workers: number) => results.engine.find((r) => r.provider === "postgresql" && r.workers === workers && r.burst);
  for (const workers of [1, 2]) {
    if (!engineRun(workers)) results.engine.push(await runEngineBench({ provider: "postgresql", workers, quick, only: new Set(["burst"]), log }));
  }
  const [one, two] = [engineRun(1), engineRun(2)];
  out(`## PostgreSQL scale-out (the burst: ${one?.burst?.executions ?? "?"} executions of 10 tasks started at once, one database, 1 vs 2 worker processes)`);
  out();
  const speedUp = one?.burst && two?.burst ? round(two.burst.taskTransitionsPerSecond / one.burst.taskTransitionsPerSecond, 2) : "–";
  out(
    markdownTable(
      ["workers", "task transitions/s", "executions/s", "wall s", "worker CPU ms", "worker peak RSS MiB", "speed-up 1 → 2 (target ≥ 1.6)"],
      [one, two].map((r, i) => [
        i + 1,
        r?.burst?.taskTransitionsPerSecond ?? "–",
        r?.burst?.executionsPerSecond ?? "–",
        r?.burst ? round(r.burst.wallMs / 1000, 1) : "–",
        r ? r.workerCpuMs.map((ms) => round(ms, 0)).join(" + ") : "–",
        r ? r.workerPeakRssMiB.join(" + ") : "–",
        i === 1 ? speedUp : "",
      ]),
    ),
  );
  out();
  for (const r of [one, two]) if (r && r.errors.length > 0) failed = true;
}

results.loadAfter = loadavg().map((l) => round(l, 2));
out(`Load average at the end: ${results.loadAfter.join(" / ")}.`);
const dir = join(PROJECT_ROOT, "bench-results");
mkdirSync(dir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
writeFileSync(join(dir, `bench-${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(dir, `bench-${stamp}.md`), `${lines.join("\n")}\n`);
log(`wrote bench-results/bench-${stamp}.json and .md`);
process.exit(failed ? 1 : 0);
