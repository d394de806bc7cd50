import { describe, expect, it } from "vitest";
import {
  checkTemplate,
  evaluateCondition,
  evaluateExpression,
  evaluateTemplate,
  findExpressions,
  isExpression,
  jsonataTruthy,
  parseExpression,
  referencedTasks,
} from "./expressions";

describe("isExpression", () => {
  it.each([
    ["{% 1 %}", true],
    ["{%$input%}", true],
    ["{% $a\n & $b %}", true],
    [" {% 1 %}", false],
    ["{% 1 %} ", false],
    ["hello {% 1 %}", false],
    ["{% 1", false],
    ["plain", false],
  ])("%j → %s", (value, expected) => {
    expect(isExpression(value)).toBe(expected);
  });

  it("is false for non-strings", () => {
    expect(isExpression(1)).toBe(false);
    expect(isExpression(null)).toBe(false);
    expect(isExpression({ a: "{% 1 %}" })).toBe(false);
  });
});

describe("parseExpression", () => {
  it("returns the AST of a valid expression", () => {
    const result = parseExpression("{% $input.a + 1 %}");
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.ast.type).toBe("binary");
  });

  it("reports JSONata's message, code and the position in the string as written", () => {
    expect(parseExpression("{% $foo( %}")).toEqual({
      ok: false,
      message: 'Expected ")" before end of expression (S0203)',
      position: 9,
      code: "S0203",
    });
    expect(parseExpression("$foo(")).toMatchObject({ ok: false, position: 5 });
  });

  it("reports an empty expression", () => {
    expect(parseExpression("{%   %}")).toEqual({ ok: false, message: "expression is empty", position: 2, code: "empty" });
  });

  it("never throws, even on absurdly nested input", () => {
    const deep = `{% ${"(".repeat(20_000)}1${")".repeat(20_000)} %}`;
    expect(() => parseExpression(deep)).not.toThrow();
  });
});

describe("findExpressions and checkTemplate", () => {
  const template = {
    a: "{% $input.x %}",
    list: [1, "{% $tasks.b.output %}", { deep: "{% $vars.y %}" }],
    text: "not an expression",
    "odd key": "{% 1 %}",
  };

  it("walks a template in document order with paths", () => {
    expect(findExpressions(template, "tasks[0].input")).toEqual([
      { path: "tasks[0].input.a", source: "{% $input.x %}" },
      { path: "tasks[0].input.list[1]", source: "{% $tasks.b.output %}" },
      { path: "tasks[0].input.list[2].deep", source: "{% $vars.y %}" },
      { path: 'tasks[0].input["odd key"]', source: "{% 1 %}" },
    ]);
    expect(findExpressions("{% 1 %}")).toEqual([{ path: "", source: "{% 1 %}" }]);
  });

  it("reports expressions that do not parse and strings that mix text with {% %}", () => {
    expect(checkTemplate({ ok: "{% 1 %}", bad: "{% 1 + %}", mixed: "Hi {% $input.name %}!" }, "output")).toEqual([
      {
        path: "output.bad",
        code: "invalid_expression",
        message: "invalid expression at position 7: Unexpected end of expression (S0207)",
      },
      {
        path: "output.mixed",
        code: "expression_not_whole_string",
        message:
          "an expression must be the whole string {% … %}; build text inside it, e.g. {% 'Hello ' & $input.name %}",
      },
    ]);
  });
});

describe("referencedTasks", () => {
  it.each([
    ["{% $tasks.a.output.x + $tasks.b.output %}", ["a", "b"]],
    ["{% $tasks.a.output & $tasks.a.status %}", ["a"]],
    ["{% { 'v': $tasks.`odd`.output } %}", ["odd"]],
    ["{% $map($tasks.items.output, function($v) { $v * 2 }) %}", ["items"]],
    ["{% $input.tasks.a %}", []],
    ["{% $keys($tasks) %}", []],
    ["{% $tasks.a.output + %}", ["a"]],
  ])("%s → %j", (source, expected) => {
    expect(referencedTasks(source)).toEqual(expected);
  });
});

describe("evaluateTemplate", () => {
  const context = {
    input: { name: "Ada", n: 4 },
    tasks: { fetch: { status: "COMPLETED", output: { items: [1, 2, 3] } } },
    vars: { greeting: "Hello" },
    item: { id: 7 },
    index: 2,
    execution: { id: "ex_1", name: "demo", version: 3 },
  };

  it("replaces every expression with its value, of any JSON type", async () => {
    const result = await evaluateTemplate(
      {
        text: "{% $vars.greeting & ', ' & $input.name %}",
        total: "{% $sum($tasks.fetch.output.items) %}",
        list: ["{% $item.id %}", "{% $index %}", "literal"],
        object: "{% { 'run': $execution.name & '@' & $string($execution.version) } %}",
        flag: "{% $input.n > 3 %}",
        nothing: "{% null %}",
        constant: { keep: [1, true, null] },
      },
      context,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        text: "Hello, Ada",
        total: 6,
        list: [7, 2, "literal"],
        object: { run: "demo@3" },
        flag: true,
        nothing: null,
        constant: { keep: [1, true, null] },
      },
    });
  });

  it("drops object fields whose expression is undefined, and makes them null in arrays", async () => {
    expect(await evaluateTemplate({ a: "{% $input.missing %}", b: ["{% $input.missing %}"] }, context)).toEqual({
      ok: true,
      value: { b: [null] },
    });
    expect(await evaluateTemplate("{% $input.missing %}", context)).toEqual({ ok: true, value: undefined });
  });

  it("returns plain arrays (no JSONata sequences)", async () => {
    const result = await evaluateTemplate("{% $tasks.fetch.output.items.($ * 10) %}", context);
    expect(result).toEqual({ ok: true, value: [10, 20, 30] });
    if (result.ok) expect(Object.keys(result.value as object)).toEqual(["0", "1", "2"]);
  });

  it("surfaces $error(message) with exactly that message and the path of the expression", async () => {
    expect(await evaluateTemplate({ a: { b: "{% $error('item 2 is even') %}" } }, context, { basePath: "tasks[1].params.output" })).toEqual({
      ok: false,
      error: { path: "tasks[1].params.output.a.b", code: "expression_failed", message: "item 2 is even" },
    });
  });

  it("reports JSONata evaluation errors with code and position", async () => {
    expect(await evaluateTemplate("{% 1 + 'a' %}", context)).toEqual({
      ok: false,
      error: {
        path: "",
        code: "expression_failed",
        message: 'The right side of the "+" operator must evaluate to a number (T2002 at position 6)',
        position: 6,
      },
    });
  });

  it("reports an expression that does not parse", async () => {
    expect(await evaluateTemplate({ x: "{% $foo( %}" }, context)).toEqual({
      ok: false,
      error: {
        path: "x",
        code: "invalid_expression",
        message: 'invalid expression at position 9: Expected ")" before end of expression (S0203)',
        position: 9,
      },
    });
  });

  it("stops an endless loop at the time budget", async () => {
    const started = Date.now();
    const result = await evaluateTemplate("{% ($f := function($n) { $f($n + 1) }; $f(0)) %}", context, { timeoutMs: 100 });
    expect(result).toEqual({
      ok: false,
      error: { path: "", code: "expression_timeout", message: "expression ran longer than 100 ms" },
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("counts each evaluation's own running time: many at once finish, though together they take longer than one budget", async () => {
    // Many at once interleave at every JSONata step, so each one's wall-clock span is the whole
    // batch's. A wall-clock budget would fail them all. Sized from this machine's own speed: a
    // first batch with a generous budget measures the batch, and the second batch runs with a
    // budget of a quarter of that, ten times what each evaluation's share of the batch is.
    const work = "{% $sum([1..500].($ * 2)) %}";
    const count = 40;
    const batch = async (timeoutMs: number) => {
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: count }, () => evaluateTemplate(work, context, { timeoutMs })));
      return { results, batchMs: performance.now() - started };
    };
    const first = await batch(60_000);
    expect(first.results.every((result) => result.ok)).toBe(true);
    const timeoutMs = Math.max(20, Math.ceil(first.batchMs / 4));
    const { results, batchMs } = await batch(timeoutMs);
    const failed = results.filter((result) => !result.ok);
    expect(failed.slice(0, 3), `${failed.length} of ${count} failed (${timeoutMs} ms budget; batches of ${first.batchMs.toFixed(0)} and ${batchMs.toFixed(0)} ms)`).toEqual([]);
    expect(results[0]).toEqual({ ok: true, value: 250500 });
    expect(batchMs, `${count} evaluations against a ${timeoutMs} ms budget`).toBeGreaterThan(timeoutMs);
  });

  it("still stops runaway loops that run at the same time as each other", async () => {
    const loop = "{% ($f := function($n) { $f($n + 1) }; $f(0)) %}";
    const results = await Promise.all(Array.from({ length: 5 }, () => evaluateTemplate(loop, context, { timeoutMs: 100 })));
    for (const result of results) expect(result).toMatchObject({ ok: false, error: { code: "expression_timeout" } });
  });

  it("stops runaway recursion at the depth budget", async () => {
    const result = await evaluateTemplate("{% ($f := function($n) { 1 + $f($n + 1) }; $f(0)) %}", context);
    expect(result).toMatchObject({ ok: false, error: { code: "expression_too_large" } });
  });

  it("stops results over the size budget", async () => {
    expect(await evaluateTemplate("{% [1..200000] %}", context)).toEqual({
      ok: false,
      error: { path: "", code: "expression_too_large", message: "an array has more than 100000 items" },
    });
    expect(await evaluateTemplate({ a: "{% $pad('', 600) %}", b: "{% $pad('', 600) %}" }, context, { maxResultBytes: 1000 })).toMatchObject({
      ok: false,
      error: { path: "b", code: "expression_too_large" },
    });
  });

  it("refuses results that are not JSON", async () => {
    expect(await evaluateTemplate("{% function($x) { $x } %}", context)).toEqual({
      ok: false,
      error: { path: "", code: "expression_not_json", message: "the result is a function, not a JSON value" },
    });
  });

  it("does not expose Object.prototype through $tasks", async () => {
    expect(await evaluateTemplate("{% $tasks.constructor %}", context)).toEqual({ ok: true, value: undefined });
    expect(await evaluateTemplate("{% $tasks.toString %}", context)).toEqual({ ok: true, value: undefined });
  });

  it("keeps the document's $ undefined: variables are the only way in", async () => {
    expect(await evaluateTemplate("{% name %}", context)).toEqual({ ok: true, value: undefined });
  });
});

describe("evaluateExpression and evaluateCondition", () => {
  it("evaluates one expression", async () => {
    expect(await evaluateExpression("{% $input.a * 2 %}", { input: { a: 21 } })).toEqual({ ok: true, value: 42 });
    expect(await evaluateExpression("$input.a", { input: { a: 1 } })).toEqual({ ok: true, value: 1 });
  });

  it.each([
    ["{% $input.branch = 'main' %}", { branch: "main" }, true],
    ["{% $input.branch = 'main' %}", { branch: "dev" }, false],
    ["{% $input.branch = 'main' %}", {}, false],
    ["{% $input.list %}", { list: [] }, false],
    ["{% $input.list %}", { list: [0, 1] }, true],
    ["{% $input.text %}", { text: "" }, false],
  ])("condition %s with %j → %s", async (source, input, expected) => {
    expect(await evaluateCondition(source, { input })).toEqual({ ok: true, value: expected });
  });

  it("applies JSONata's $boolean rules", () => {
    expect([undefined, null, false, 0, "", [], {}, [0, false]].map(jsonataTruthy)).toEqual(Array(8).fill(false));
    expect([true, 1, "x", [0, 1], { a: 0 }].map(jsonataTruthy)).toEqual(Array(5).fill(true));
  });
});

describe("expression caches", () => {
  it("stay within their bounds in sources and characters, and keep no source larger than the bound", async () => {
    const { expressionCacheStats, EXPRESSION_CACHE_ENTRIES, EXPRESSION_CACHE_CHARS, parseExpression, evaluateExpression } = await import("./expressions");
    for (let n = 0; n < EXPRESSION_CACHE_ENTRIES + 500; n++) {
      expect(parseExpression(`{% ${n} + 1 %}`).ok).toBe(true);
      if (n % 5 === 0) await evaluateExpression(`{% ${n} * 2 %}`, {});
    }
    let stats = expressionCacheStats();
    expect(stats.parsed).toBeLessThanOrEqual(EXPRESSION_CACHE_ENTRIES);
    expect(stats.compiled).toBeLessThanOrEqual(EXPRESSION_CACHE_ENTRIES);
    const before = expressionCacheStats().parsed;
    const huge = `{% "${"x".repeat(EXPRESSION_CACHE_CHARS)}" %}`;
    expect(parseExpression(huge).ok).toBe(true);
    stats = expressionCacheStats();
    expect(stats.parsed).toBe(before); // not kept: it alone is over the bound
    expect(stats.parsedChars).toBeLessThanOrEqual(EXPRESSION_CACHE_CHARS);
    expect(stats.compiledChars).toBeLessThanOrEqual(EXPRESSION_CACHE_CHARS);
  });
});
