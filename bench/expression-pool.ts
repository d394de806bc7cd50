// What the expression pool (lib/pool) costs and saves, per evaluation:
//   npx tsx bench/expression-pool.ts
// - the benchmarks' transform ({% $tasks.t1.output + 1 %}) evaluated by lib/workflow directly, by
//   the engine's evaluateTemplate (bounded: inline, after the cost check), and forced through the
//   pool (a round trip to a thread);
// - an unbounded expression ($map) inline vs in the pool;
// - how long this event loop is blocked while 20 runaway expressions run (inline vs pool).
import { evaluateTemplate as evaluateHere, type ExpressionContext } from "@/lib/workflow/expressions";
import { evaluateTemplate } from "@/lib/pool/evaluate";
import { closeExpressionPool, expressionPool, EXPRESSION_THREADS } from "@/lib/pool/pool";
import type { PoolJob } from "@/lib/pool/jobs";

const context: ExpressionContext = { input: { value: 3, values: Array.from({ length: 20 }, (_, i) => i) }, tasks: { t1: { status: "COMPLETED", output: 41, error: null } }, vars: {}, execution: { id: "e", name: "bench", version: 1 } };
const round = (n: number) => Math.round(n * 1000) / 1000;

/** Median of 5 rounds of n calls, after a warm-up: the time of one call. */
async function perCall(label: string, n: number, run: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < Math.min(500, n); i += 1) await run();
  const rounds: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    const startedAt = performance.now();
    for (let i = 0; i < n; i += 1) await run();
    rounds.push(((performance.now() - startedAt) * 1000) / n);
  }
  rounds.sort((a, b) => a - b);
  console.log(`| ${label} | ${round(rounds[2]!)} µs |`);
}

async function longestGap(work: () => Promise<unknown>): Promise<number> {
  let longest = 0;
  let last = performance.now();
  let done = false;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (!done) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  await work();
  // The tick that was due while the loop was blocked runs now, and measures that gap.
  await new Promise((resolve) => setTimeout(resolve, 5));
  done = true;
  return Math.round(longest);
}

const plusOne = "{% $tasks.t1.output + 1 %}";
const mapped = "{% $map($input.values, function($v) { $v * 2 }) %}";
const runaway = { total: "{% $sum([1..50000].($sum([1..50000]))) %}" };
const inPool = (template: unknown) => expressionPool().run({ kind: "evaluate-template", template, context, options: {} } satisfies PoolJob, { hardTimeoutMs: 5_000 });

console.log(`threads: ${EXPRESSION_THREADS}\n\n| evaluation | time per call |\n|---|---|`);
await perCall("`$tasks.t1.output + 1`, lib/workflow (before: what the engine called)", 5_000, () => evaluateHere(plusOne, context));
await perCall("`$tasks.t1.output + 1`, lib/pool/evaluate (bounded: inline)", 5_000, () => evaluateTemplate(plusOne, context));
await perCall("`$tasks.t1.output + 1`, forced through the pool (round trip)", 2_000, () => inPool(plusOne));
await perCall("`$map(…)` over 20 items, lib/workflow (inline)", 2_000, () => evaluateHere(mapped, context));
await perCall("`$map(…)` over 20 items, lib/pool/evaluate (pool)", 2_000, () => evaluateTemplate(mapped, context));

const runaways = (evaluate: typeof evaluateHere) => () => Promise.all(Array.from({ length: 20 }, () => evaluate(runaway, context)));
console.log(`\n| 20 runaway expressions (1 s budget each) | longest event-loop gap |\n|---|---|`);
console.log(`| inline (before) | ${await longestGap(runaways(evaluateHere))} ms |`);
console.log(`| in the pool | ${await longestGap(runaways(evaluateTemplate))} ms |`);
await closeExpressionPool();
