// `npm run soak`: memory under churn (issue 11, point 5). Saves fuzzed definitions (each a new
// workflow with its own expressions, so every cache sees new keys) and runs one execution of each,
// for at most --seconds, and prints RSS over time and the verdict "RSS returns within 50 MiB of its
// warm baseline".
//
// What runs: the engine and the services in THIS process (lib/services saveWorkflow and
// startExecution, an Engine as the web server embeds it), not `next start`: no production build is
// needed, and the RSS measured is that of the code whose caches are bounded. Next.js's own caches
// are not measured here.
//
//   npm run soak -- [--seconds 60] [--count 10000] [--db postgresql://…] [--sample 5]
//
// Defaults: 60 s, up to 10,000 saves + 10,000 executions (the target; a run stops at
// whichever comes first), SQLite in .tmp/soak-<pid>/ in the project (deleted afterwards).
// Run it with --expose-gc (the npm script does) so the baseline and the end are measured after a
// full collection.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { createPrismaClient, type Db } from "@/lib/db/client";
import { resolveDatabaseConfig, type DatabaseConfig } from "@/lib/db/config";
import { applyMigrations } from "@/lib/db/migrate";
import { engineBus } from "@/lib/runtime/bus";
import { definitionCacheStats } from "@/lib/runtime/definitions";
import { Engine } from "@/lib/runtime/engine";
import { startPgNotify } from "@/lib/runtime/pg-notify";
import { startExecution } from "@/lib/services/executions";
import { saveWorkflow } from "@/lib/services/workflows";
import { expressionCacheStats } from "@/lib/workflow/expressions";
import { markdownTable, MiB, round } from "./stats";

const VERDICT_MIB = 50;
/** Executions allowed to be open at once (the soak measures churn, not a backlog). */
const MAX_OPEN = 64;

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

const seconds = Number(arg("seconds", "60"));
const count = Number(arg("count", "10000"));
const sampleSeconds = Number(arg("sample", "5"));
const dbUrl = arg("db", "");
if (!(seconds > 0) || !(count > 0) || !(sampleSeconds > 0)) throw new Error("--seconds, --count and --sample must be positive numbers");

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) console.warn("[soak] run with node --expose-gc (npm run soak does): RSS is measured without a full collection");

/** A full collection, twice with a pause (finalizers, then what they freed). */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const rssMiB = () => round(process.memoryUsage().rss / MiB);
const heapMiB = () => round(process.memoryUsage().heapUsed / MiB);
const listeners = () => (["wake", "executionChanged", "executionEnded", "timerAt"] as const).reduce((sum, event) => sum + engineBus.listenerCount(event), 0);

// ------------------------------------------------------------------------------------------ fuzzing

const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/).filter((key) => !["constructor", "prototype"].includes(key));
const jsonValue = fc.dictionary(word, fc.oneof(fc.integer(), fc.string({ maxLength: 20 }).filter((text) => !text.includes("{%")), fc.boolean(), fc.constant(null)), { maxKeys: 4 });
/** One task of a chain: a transform with an expression of its own, or a short wait. */
const taskArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("transform" as const), k: fc.integer({ min: -1e6, max: 1e6 }), literal: jsonValue, label: fc.string({ maxLength: 40 }).filter((text) => !text.includes("{%")) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("text" as const), k: fc.integer({ min: -1e6, max: 1e6 }), label: word }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 1, max: 20 }) }) },
);
const definitionArb = fc.record({ description: fc.string({ maxLength: 200 }), keys: fc.uniqueArray(word, { minLength: 1, maxLength: 8 }), tasks: fc.array(taskArb, { minLength: 8, maxLength: 8 }) });

export function fuzzedDefinition(name: string, seed: number) {
  const [sample] = fc.sample(definitionArb, { numRuns: 1, seed });
  const { description, keys, tasks } = sample!;
  return {
    name,
    description,
    tasks: keys.map((key, i) => {
      const task = tasks[i]!;
      const dependsOn = i > 0 ? [keys[i - 1]!] : [];
      if (task.kind === "wait") return { key, type: "wait", dependsOn, params: { durationMs: task.ms } };
      if (task.kind === "text") return { key, type: "transform", dependsOn, params: { output: `{% $uppercase($string($input.n * ${task.k})) & ${JSON.stringify(task.label)} %}` } };
      return { key, type: "transform", dependsOn, params: { output: { value: `{% $input.n + ${task.k} %}`, label: task.label, literal: task.literal } } };
    }),
    output: `{% $tasks.${keys[0]}.output %}`,
  };
}

// ------------------------------------------------------------------------------------------- the run

async function main() {
  const root = join(import.meta.dirname, "..");
  const scratch = join(root, ".tmp", `soak-${process.pid}`);
  let config: DatabaseConfig;
  if (dbUrl) config = resolveDatabaseConfig({ DATABASE_URL: dbUrl });
  else {
    mkdirSync(scratch, { recursive: true });
    config = { provider: "sqlite", filePath: join(scratch, "flowdeck.db") };
  }
  await applyMigrations(config);
  const db: Db = createPrismaClient(config);
  const stopNotify = config.provider === "postgresql" ? await startPgNotify(config.url) : async () => {};
  const engine = new Engine(db, config.provider);
  engine.start();

  const startedAt = Date.now();
  const endAt = startedAt + seconds * 1000;
  const warmUntil = startedAt + Math.min(15_000, seconds * 250);
  const open = new Set<string>();
  let saves = 0;
  let refused = 0;
  let started = 0;
  let finished = 0;
  let failed = 0;
  const samples: { t: number; saves: number; executions: number; rss: number; heap: number; note: string }[] = [];
  let baseline: { rss: number; heap: number; listeners: number } | null = null;
  let nextSample = startedAt;
  const run = `${process.pid}-${startedAt}`;

  async function settle(): Promise<void> {
    if (open.size === 0) return;
    const rows = await db.execution.findMany({ where: { id: { in: [...open] }, status: { notIn: ["QUEUED", "RUNNING"] } }, select: { id: true, status: true } });
    for (const row of rows) {
      open.delete(row.id);
      finished++;
      if (row.status !== "COMPLETED") failed++;
    }
  }

  while (Date.now() < endAt && started < count) {
    const name = `soak-${run}-${saves + refused}`;
    try {
      await saveWorkflow(db, fuzzedDefinition(name, saves + refused), "soak");
    } catch (error) {
      // A fuzzed definition the validator refuses is counted and skipped (it is churn too).
      if ((error as { code?: string }).code !== "VALIDATION_FAILED") throw error;
      refused++;
      continue;
    }
    saves++;
    open.add((await startExecution(db, { workflow: name, input: { n: saves } }, "soak")).id);
    started++;
    while (open.size >= MAX_OPEN) {
      await settle();
      if (open.size >= MAX_OPEN) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (!baseline && Date.now() >= warmUntil) {
      await collect();
      baseline = { rss: rssMiB(), heap: heapMiB(), listeners: listeners() };
      samples.push({ t: round((Date.now() - startedAt) / 1000), saves, executions: finished, rss: baseline.rss, heap: baseline.heap, note: "warm baseline (after gc)" });
      nextSample = Date.now() + sampleSeconds * 1000;
    } else if (Date.now() >= nextSample) {
      samples.push({ t: round((Date.now() - startedAt) / 1000), saves, executions: finished, rss: rssMiB(), heap: heapMiB(), note: "" });
      nextSample = Date.now() + sampleSeconds * 1000;
    }
  }
  const drainBy = Date.now() + 30_000;
  while (open.size > 0 && Date.now() < drainBy) {
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const peak = round((process.resourceUsage().maxRSS * 1024) / MiB);
  samples.push({ t: round((Date.now() - startedAt) / 1000), saves, executions: finished, rss: rssMiB(), heap: heapMiB(), note: "end of churn" });
  await collect();
  const final = { rss: rssMiB(), heap: heapMiB(), listeners: listeners() };
  samples.push({ t: round((Date.now() - startedAt) / 1000), saves, executions: finished, rss: final.rss, heap: final.heap, note: "after gc" });

  const memory = engine.memory();
  const definitions = definitionCacheStats();
  const expressions = expressionCacheStats();
  await engine.stop({ graceMs: 5_000 });
  await stopNotify();
  await db.$disconnect();
  if (!dbUrl) rmSync(scratch, { recursive: true, force: true });

  console.log(`\n## Soak: ${saves} saves of fuzzed definitions (${refused} refused by validation), ${finished} executions (${failed} not COMPLETED, ${open.size} still open) in ${round((Date.now() - startedAt) / 1000)} s on ${config.provider}; engine in this process`);
  console.log(markdownTable(["t (s)", "saves", "executions done", "RSS (MiB)", "heap used (MiB)", ""], samples.map((s) => [s.t, s.saves, s.executions, s.rss, s.heap, s.note])));
  console.log(`\npeak RSS ${peak} MiB; caches at the end: definitions ${definitions.entries} (${definitions.chars} chars), parsed expressions ${expressions.parsed} (${expressions.parsedChars} chars), compiled ${expressions.compiled}; engine states ${memory.states} (${memory.stateRuns} rows), outcome queues ${memory.outcomeQueues}, in flight ${memory.inFlight}; bus listeners ${final.listeners} (baseline ${baseline?.listeners ?? "–"})`);
  if (!baseline) {
    console.log("verdict: no warm baseline (the run was too short)");
    process.exitCode = 1;
    return;
  }
  const growth = round(final.rss - baseline.rss);
  const pass = growth <= VERDICT_MIB && final.listeners <= baseline.listeners;
  console.log(`verdict: ${pass ? "PASS" : "FAIL"} — RSS after gc ${final.rss} MiB vs warm baseline ${baseline.rss} MiB: ${growth >= 0 ? "+" : ""}${growth} MiB (limit +${VERDICT_MIB} MiB)`);
  if (!pass) process.exitCode = 1;
}

if (process.argv[1]?.endsWith("soak.ts")) {
  try {
    await main();
  } finally {
    // The scratch SQLite database goes even when the run fails.
    rmSync(join(import.meta.dirname, "..", ".tmp", `soak-${process.pid}`), { recursive: true, force: true });
  }
}
