import { describe, expect, it } from "vitest";
import { applyCompletion, expressionCompletions, type CompletionScope } from "./expression-completion";
import type { DraftDefinition } from "./document";

//   fetch ─┬─ total ── notify
//          └─ each (map over [{ id, sku }])
//   other (unconnected)
const draft: DraftDefinition = {
  name: "orders",
  input: {
    type: "object",
    properties: {
      customer: { type: "object", description: "who ordered", properties: { email: { type: "string" }, name: { type: "string" } } },
      lines: { type: "array", items: { type: "object", properties: { sku: { type: "string" }, qty: { type: "integer" } } } },
      count: { type: "integer", description: "how many" },
    },
  },
  variables: { region: "eu", limits: { daily: 10 } },
  tasks: [
    { key: "fetch", type: "http", name: "Fetch orders", params: { url: "https://x.example" } },
    { key: "total", type: "transform", dependsOn: ["fetch"], params: { output: { sum: "{% 1 %}", lines: { first: 1 } } } },
    { key: "notify", type: "worker", dependsOn: ["total"], params: { taskType: "mail" } },
    { key: "each", type: "map", dependsOn: ["fetch"], params: { items: [{ id: 1, sku: "a" }], task: { type: "transform", params: { output: "{% $item %}" } } } },
    { key: "other", type: "transform", params: { output: 1 } },
  ],
};

const scope = (taskKey: string | undefined, field: string): CompletionScope => ({ draft, taskKey, field });
/** The labels suggested with the cursor at `|`. */
function labels(textWithCursor: string, at: CompletionScope): string[] | null {
  const cursor = textWithCursor.indexOf("|");
  const text = textWithCursor.replace("|", "");
  return expressionCompletions(text, cursor, at)?.items.map((item) => item.label) ?? null;
}

describe("expressionCompletions", () => {
  it("offers the context's variables after $, narrowed by what is typed", () => {
    expect(labels("{% $| %}", scope("notify", "when"))).toEqual(["$input", "$tasks", "$vars", "$execution"]);
    expect(labels("{% $t| %}", scope("notify", "when"))).toEqual(["$tasks"]);
    expect(labels("{% $I| %}", scope("notify", "when"))).toEqual(["$input"]); // case-insensitive
    expect(labels("{% $input| %}", scope("notify", "when"))).toBeNull(); // typed in full: nothing left to add
  });

  it("offers $tasks only where some task can be read, and $item/$index only in a map's item context", () => {
    expect(labels("{% $| %}", scope("fetch", "params.url"))).toEqual(["$input", "$vars", "$execution"]);
    expect(labels("{% $| %}", scope("each", "params.task"))).toEqual(["$input", "$tasks", "$vars", "$item", "$index", "$execution"]);
    expect(labels("{% $| %}", scope("each", "params.items"))).toEqual(["$input", "$tasks", "$vars", "$execution"]);
    expect(labels('{ "n": "{% $i| %}" }', scope("each", "params.workflow"))).toEqual(["$input", "$item", "$index"]);
    expect(labels("{% $item.| %}", scope("each", "params.task"))).toEqual(["id", "sku"]);
  });

  it("offers the input schema's fields, nested and through arrays, with their type and description", () => {
    const completions = expressionCompletions("{% $input. %}", 10, scope("notify", "when"))!;
    expect(completions.items).toEqual([
      { label: "customer", insert: "customer", detail: "object · who ordered" },
      { label: "lines", insert: "lines", detail: "array" },
      { label: "count", insert: "count", detail: "integer · how many" },
    ]);
    expect(labels("{% $input.customer.e| %}", scope("notify", "when"))).toEqual(["email"]);
    expect(labels("{% $input.lines.| %}", scope("notify", "when"))).toEqual(["sku", "qty"]);
    expect(labels("{% $input.nope.| %}", scope("notify", "when"))).toBeNull();
  });

  it("offers only upstream tasks after $tasks. (transitively), completing to <key>.output", () => {
    expect(labels("{% $tasks.| %}", scope("notify", "when"))).toEqual(["fetch", "total"]);
    expect(labels("{% $tasks.| %}", scope("total", "params.output"))).toEqual(["fetch"]);
    expect(labels("{% $tasks.| %}", scope("fetch", "when"))).toBeNull(); // a start task reads no task
    const completions = expressionCompletions("{% $tasks.f %}", 11, scope("notify", "when"))!;
    expect(completions.items).toEqual([{ label: "fetch", insert: "fetch.output", detail: "Fetch orders · http" }]);
    // The workflow's output mapping may read every task.
    expect(labels("{% $tasks.| %}", scope(undefined, "output"))).toEqual(["fetch", "total", "notify", "each", "other"]);
  });

  it("offers a result's fields, and what a transform's template, an http answer or a map holds", () => {
    expect(labels("{% $tasks.total.| %}", scope("notify", "when"))).toEqual(["output", "status", "error"]);
    expect(labels("{% $tasks.total.output.| %}", scope("notify", "when"))).toEqual(["sum", "lines"]);
    expect(labels("{% $tasks.total.output.lines.| %}", scope("notify", "when"))).toEqual(["first"]);
    expect(labels("{% $tasks.fetch.output.b| %}", scope("notify", "when"))).toEqual(["body"]);
    expect(labels("{% $tasks.each.output.| %}", scope(undefined, "output"))).toEqual(["success", "failure"]);
    expect(labels("{% $tasks.other.| %}", scope("notify", "when"))).toBeNull(); // not upstream of notify
    expect(labels("{% $tasks.notify.output.| %}", scope(undefined, "output"))).toBeNull(); // a worker's output is unknown
  });

  it("offers variables and the execution's fields", () => {
    expect(labels("{% $vars.| %}", scope("notify", "when"))).toEqual(["region", "limits"]);
    expect(labels("{% $vars.limits.| %}", scope("notify", "when"))).toEqual(["daily"]);
    expect(labels("{% $execution.| %}", scope("notify", "when"))).toEqual(["id", "name", "version"]);
  });

  it("suggests nothing outside an expression, inside a string literal, or where no context is bound", () => {
    expect(labels("$tasks.|", scope("notify", "when"))).toBeNull();
    expect(labels("{% 1 %} $tasks.|", scope("notify", "when"))).toBeNull();
    expect(labels("{% '$tasks.| %}", scope("notify", "when"))).toBeNull();
    expect(labels("{% $a.$tasks.| %}", scope("notify", "when"))).toEqual(["fetch", "total"]);
    expect(labels("{% x$tasks.| %}", scope("notify", "when"))).toBeNull();
    expect(labels("{% $tasks.| %}", scope(undefined, "variables"))).toBeNull();
    expect(labels("{% $tasks.| %}", scope("nope", "when"))).toBeNull();
  });

  it("finds the expression in a JSON field's text, among others", () => {
    const text = '{ "a": "{% $input.count %}", "b": "{% $tasks.to';
    expect(expressionCompletions(text, text.length, scope("notify", "input"))?.items.map((item) => item.label)).toEqual(["total"]);
    expect(expressionCompletions(text, text.indexOf("count") + 2, scope("notify", "input"))?.items.map((item) => item.label)).toEqual(["count"]);
  });
});

describe("applyCompletion", () => {
  it("replaces the typed part and the rest of the word, and closes an open expression", () => {
    const open = "{% $tasks.to";
    const completions = expressionCompletions(open, open.length, scope("notify", "when"))!;
    expect(completions.close).toBe(" %}");
    expect(applyCompletion(open, completions, completions.items[0]!)).toEqual({ text: "{% $tasks.total.output %}", cursor: 22 });

    const closed = "{% $tasks.totXYZ = 1 %}";
    const inWord = expressionCompletions(closed, 13, scope("notify", "when"))!;
    expect(inWord.close).toBe("");
    expect(applyCompletion(closed, inWord, inWord.items[0]!)).toEqual({ text: "{% $tasks.total.output = 1 %}", cursor: 22 });
  });

  it("inserts a variable after its $", () => {
    const text = "{% $ %}";
    const completions = expressionCompletions(text, 4, scope("notify", "when"))!;
    expect(applyCompletion(text, completions, completions.items[0]!)).toEqual({ text: "{% $input %}", cursor: 9 });
  });
});
