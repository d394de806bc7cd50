import { describe, expect, it } from "vitest";
import { countExpressions, parseExpression, templateCost } from "./expressions";
import { MAX_BOUNDED_NODES } from "./expression-analysis";
import { prepareDefinition } from "./prepare";

function analysis(source: string) {
  const parsed = parseExpression(`{% ${source} %}`);
  if (!parsed.ok) throw new Error(`${source}: ${parsed.message}`);
  return parsed;
}

describe("bounded expressions (may run on the event loop)", () => {
  it.each([
    "$tasks.t1.output + 1",
    "($exists($input.value) ? $input.value : 0) + 1",
    "$sum([$tasks.a.output, $tasks.b.output])",
    "'Hello ' & $input.name",
    "$uppercase($input.user.name) & '!'",
    "{ 'total': $input.price * $input.quantity, 'currency': $vars.currency }",
    "$input.items[0].id",
    "$input.items[]",
    "$count($input.items) > 3 and $input.ok",
    "$tasks.`weird key`.output",
    "$string($execution.id) & '-' & $string($index)",
    "$item.name in ['a', 'b']",
    "-$input.x",
    "$merge([$input.a, { 'b': 1 }])",
    "$now()",
  ])("%s", (source) => {
    expect(analysis(source).bounded).toBe(true);
  });
});

describe("unbounded expressions (sent to the expression pool)", () => {
  it.each([
    ["a range", "$sum([1..50000].($sum([1..50000])))"],
    ["a lambda (recursion)", "( $f := function($n){ $n > 0 ? $f($n-1) : 0 }; $f(100000) )"],
    ["a higher-order function", "$map($input.items, function($v) { $v * 2 })"],
    ["$reduce", "$reduce($input.items, function($a, $b) { $a + $b })"],
    ["a predicate", "$input.items[price > 10].name"],
    ["a path step that is not a name", "$input.items.($input.items)"],
    ["a variable as a later path step", "$input.items.$input"],
    ["an object constructor as a path step", "$input.items.{ 'a': $input.items }"],
    ["grouping", "$input.items{ name: price }"],
    ["sorting", "$input.items^(price)"],
    ["a wildcard", "$input.*"],
    ["descendants", "$input.**"],
    ["a regular expression", "$match($input.text, /(a+)+b/)"],
    ["$eval", "$eval($input.code)"],
    ["$pad (builds a string of any length)", "$pad('', 100000000)"],
    ["$replace", "$replace($input.text, 'a', 'b')"],
    ["$distinct", "$distinct($input.items)"],
    ["a binding", "( $x := $input.a; $x )"],
    ["function application", "$input ~> $string"],
    ["a positional binding", "$input.items#$i.name"],
    ["a context binding", "$input.items@$v.name"],
    ["a variable that is not in the context (a function value)", "$eval"],
    ["a call of a non-built-in", "$input.f(1)"],
    ["a transform", "$input ~> |a|{'b': 1}|"],
  ])("%s: %s", (_, source) => {
    expect(analysis(source).bounded).toBe(false);
  });

  it(`a bounded shape larger than ${MAX_BOUNDED_NODES} nodes`, () => {
    const big = Array.from({ length: MAX_BOUNDED_NODES }, (_, index) => `$input.v${index}`).join(" + ");
    expect(analysis(big).bounded).toBe(false);
    expect(analysis("$input.a + $input.b").bounded).toBe(true);
  });
});

describe("what an expression reads of $tasks", () => {
  it("names the keys it reads as $tasks.<key>, or all of them for any other use", () => {
    expect(analysis("$tasks.a.output + $tasks.b.output.x").reads).toEqual({ all: false, keys: ["a", "b"] });
    expect(analysis("$input.x").reads).toEqual({ all: false, keys: [] });
    expect(analysis("$keys($tasks)").reads).toEqual({ all: true });
    expect(analysis("$lookup($tasks, $input.k).output").reads).toEqual({ all: true });
    expect(analysis("$tasks.*.output").reads).toEqual({ all: true });
    expect(analysis("$tasks[0]").reads).toEqual({ all: true });
    expect(analysis("$map([1], function($v) { $tasks.a.output[$v] })").reads).toEqual({ all: false, keys: ["a"] });
  });
});

describe("templateCost", () => {
  it("is bounded when every expression is (a broken one fails at once, so it counts as bounded)", () => {
    expect(templateCost({ a: "{% $input.x %}", b: ["{% $tasks.t.output %}", 3, "text"], c: "{% ( %}" })).toEqual({ bounded: true, reads: { all: false, keys: ["t"] } });
    expect(templateCost({ a: "{% $input.x %}", b: "{% $map($input.l, function($v){$v}) %}" }).bounded).toBe(false);
    expect(templateCost("{% $keys($tasks) %}").reads).toEqual({ all: true });
  });
});

describe("countExpressions and the expression limit", () => {
  it("counts {% … %} strings anywhere, and stops once over the limit", () => {
    expect(countExpressions({ a: "{% 1 %}", b: ["{% 2 %}", "x {% 3 %}", { c: "{% 4 %}" }], d: 5 })).toBe(3);
    const many = Array.from({ length: 1000 }, () => "{% 1 %}");
    expect(countExpressions(many, 10)).toBe(11);
    // No recursion: any nesting depth.
    let deep: unknown = "{% 1 %}";
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(countExpressions(deep)).toBe(1);
  });

  it("prepareDefinition refuses more expressions than the limit before validating anything", () => {
    const tasks = Array.from({ length: 3 }, (_, index) => ({ key: `t${index}`, type: "transform", params: { output: { a: "{% 1 %}", b: "{% 2 %}" } } }));
    expect(prepareDefinition({ name: "many", tasks }, 5)).toEqual({ status: "too_many_expressions", expressions: 6 });
    expect(prepareDefinition({ name: "many", tasks }, 6)).toMatchObject({ status: "valid", expressions: 6 });
    // Over the limit, even an invalid definition is only counted.
    expect(prepareDefinition({ name: "Bad Name", tasks: [...tasks, { key: "x" }] }, 5)).toEqual({ status: "too_many_expressions", expressions: 6 });
  });
});
