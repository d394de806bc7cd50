// The engine's evaluation (lib/pool/evaluate.ts) against lib/workflow's on the same templates, and
// what only the pool does: runaways and uninterruptible regular expressions stop without holding
// this thread's event loop. Real threads (pool.ts starts them from source, with tsx's loader).
import { afterAll, describe, expect, it } from "vitest";
import { evaluateCondition as conditionHere, evaluateTemplate as evaluateHere, type ExpressionContext } from "@/lib/workflow/expressions";
import { evaluateCondition, evaluateTemplate, INLINE_SLICE_MS } from "./evaluate";
import { closeExpressionPool, expressionPoolStats } from "./pool";

afterAll(() => closeExpressionPool());

const context: ExpressionContext = {
  input: { name: "Ada", items: [{ price: 3 }, { price: 12 }], nested: { deep: [1, 2, 3] } },
  tasks: { a: { status: "COMPLETED", output: { total: 5 }, error: null }, b: { status: "FAILED", output: null, error: { code: "X", message: "no" } } },
  vars: { currency: "EUR" },
  execution: { id: "e1", name: "demo", version: 2 },
};

/** Counts turns of this thread's event loop while `work` runs: a blocked loop counts none. */
async function loopTurnsDuring<T>(work: Promise<T>): Promise<{ result: T; turns: number; longestGapMs: number }> {
  let turns = 0;
  let longestGapMs = 0;
  let last = performance.now();
  let done = false;
  const tick = () => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    turns += 1;
    if (!done) setTimeout(tick, 5);
  };
  setTimeout(tick, 5);
  const result = await work;
  done = true;
  return { result, turns, longestGapMs };
}

describe("the engine's evaluation gives lib/workflow's results", () => {
  it.each([
    ["a bounded template", { hello: "{% 'Hi ' & $input.name %}", total: "{% $tasks.a.output.total * 2 %}", dropped: "{% $input.missing %}", list: ["{% $input.missing %}", 1] }],
    ["an unbounded template", { expensive: "{% $map($input.items, function($i) { $i.price * 2 }) %}", sum: "{% $sum($input.items[price > 5].price) %}", currency: "{% $vars.currency %}" }],
    ["one that reads $tasks as a whole", "{% $keys($tasks) %}"],
    ["one that reads named tasks, unbounded", "{% $map([1], function($v) { $tasks.a.output.total + $v }) %}"],
    ["a failing one", { x: "{% $map([1], function($v) { $error('boom ' & $v) }) %}" }],
    ["a broken one", { x: "{% $map( %}" }],
    ["undefined as the whole value", "{% $filter([1], function($v) { $v > 1 }) %}"],
  ])("%s", async (_, template) => {
    const expected = await evaluateHere(template, context, { basePath: "tasks.t.params" });
    expect(await evaluateTemplate(template, context, { basePath: "tasks.t.params" })).toEqual(expected);
  });

  it("conditions, bounded and not", async () => {
    for (const source of ["{% $input.name = 'Ada' %}", "{% $count($filter($input.items, function($i) { $i.price > 5 })) = 1 %}", "{% $input.missing %}", "{% ( %}"]) {
      expect(await evaluateCondition(source, context, { basePath: "when" })).toEqual(await conditionHere(source, context, { basePath: "when" }));
    }
  });
});

describe("off the event loop", () => {
  it("a runaway expression stops at its budget in a thread, while this event loop keeps turning", async () => {
    const { result, turns, longestGapMs } = await loopTurnsDuring(evaluateTemplate({ total: "{% $sum([1..50000].($sum([1..50000]))) %}" }, context, { basePath: "tasks.spin.params.output", timeoutMs: 500 }));
    expect(result).toEqual({ ok: false, error: { path: "tasks.spin.params.output.total", code: "expression_timeout", message: "expression ran longer than 500 ms" } });
    // On this thread the evaluation would have blocked the loop for the whole 500 ms.
    expect(turns).toBeGreaterThan(10);
    expect(longestGapMs).toBeLessThan(400);
  });

  it("a regular expression that cannot be interrupted is stopped with its thread, and the pool goes on", async () => {
    const before = expressionPoolStats().lost;
    // Stopped at all is what counts here (the test's own timeout fails a hang); how soon depends on
    // how much CPU the niced thread gets (its CPU time is what the pool counts), not on a clock.
    const result = await evaluateTemplate({ m: "{% $match('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', /(a+)+$/) %}" }, context, { basePath: "tasks.re.params", timeoutMs: 200 });
    expect(result).toEqual({ ok: false, error: { path: "tasks.re.params", code: "expression_timeout", message: "expression ran longer than 200 ms and could not be interrupted (e.g. a regular expression that backtracks); it was stopped" } });
    expect(expressionPoolStats().lost).toBe(before + 1);
    expect(await evaluateTemplate("{% $map([1, 2], function($v) { $v * 10 }) %}", context)).toEqual({ ok: true, value: [10, 20] });
  });

  it(`a bounded expression that is slow on large data gives up its slice (${INLINE_SLICE_MS} ms) and finishes in the pool`, async () => {
    const items = Array.from({ length: 90_000 }, (_, index) => ({ name: `n${index}` }));
    const { result, longestGapMs } = await loopTurnsDuring(evaluateTemplate("{% $count($input.items.name) %}", { input: { items } }));
    expect(result).toEqual({ ok: true, value: 90_000 });
    // The inline slice, plus copying 90,000 items to the thread, is all this loop paid.
    expect(longestGapMs).toBeLessThan(500);
  });
});
