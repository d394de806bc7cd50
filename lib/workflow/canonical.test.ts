import { describe, expect, it } from "vitest";
import { canonicalize, locateJsonError, parseDefinitionText, parseJsonText, serializeDefinition } from "./canonical";
import type { WorkflowDefinition } from "./schema";

const messy = {
  layout: { ghost: { y: 5, x: 5 }, deploy: { y: 0, x: 520 }, build: { y: 0, x: 0 } },
  tasks: [
    {
      params: { output: { zeta: 1, alpha: "{% $tasks.build.output %}" } },
      dependsOn: ["build"],
      type: "transform",
      key: "deploy",
    },
    {
      timeouts: { heartbeatMs: 10, startToCloseMs: 5000 },
      retry: { backoffCoefficient: 3, maximumAttempts: 2 },
      params: { headers: { "X-B": "2", Accept: "json" }, url: "https://example.com", method: "POST" },
      type: "http",
      key: "build",
    },
  ],
  variables: { zone: "eu", region: "north" },
  input: { properties: { b: { type: "string" }, a: { type: "number" } }, type: "object", title: "Input" },
  name: "demo",
} as unknown as WorkflowDefinition;

describe("canonicalize", () => {
  it("orders keys by the schema, records sorted, tasks topologically, layout last in task order", () => {
    expect(serializeDefinition(messy)).toBe(`{
  "name": "demo",
  "input": {
    "title": "Input",
    "type": "object",
    "properties": {
      "b": {
        "type": "string"
      },
      "a": {
        "type": "number"
      }
    }
  },
  "variables": {
    "region": "north",
    "zone": "eu"
  },
  "tasks": [
    {
      "key": "build",
      "type": "http",
      "params": {
        "url": "https://example.com",
        "method": "POST",
        "headers": {
          "Accept": "json",
          "X-B": "2"
        }
      },
      "retry": {
        "maximumAttempts": 2,
        "backoffCoefficient": 3
      },
      "timeouts": {
        "startToCloseMs": 5000,
        "heartbeatMs": 10
      }
    },
    {
      "key": "deploy",
      "type": "transform",
      "dependsOn": [
        "build"
      ],
      "params": {
        "output": {
          "zeta": 1,
          "alpha": "{% $tasks.build.output %}"
        }
      }
    }
  ],
  "layout": {
    "build": {
      "x": 0,
      "y": 0
    },
    "deploy": {
      "x": 520,
      "y": 0
    },
    "ghost": {
      "x": 5,
      "y": 5
    }
  }
}
`);
  });

  it("does not fill in defaults", () => {
    const definition: WorkflowDefinition = {
      name: "d",
      tasks: [{ key: "w", type: "wait", params: { durationMs: 5 }, retry: {} }],
    };
    expect(canonicalize(definition)).toEqual(definition);
  });

  it("is idempotent", () => {
    const once = canonicalize(messy);
    expect(canonicalize(once)).toEqual(once);
    expect(serializeDefinition(once)).toBe(serializeDefinition(messy));
  });

  it("keeps the original task order when the graph is cyclic", () => {
    const cyclic = {
      name: "c",
      tasks: [
        { key: "b", type: "transform", dependsOn: ["a"], params: { output: 1 } },
        { key: "a", type: "transform", dependsOn: ["b"], params: { output: 1 } },
      ],
    } as WorkflowDefinition;
    expect(canonicalize(cyclic).tasks.map((task) => task.key)).toEqual(["b", "a"]);
  });

  it("orders nested known objects: switch cases, map item task and workflow reference", () => {
    const definition = {
      name: "n",
      tasks: [
        { key: "s", type: "switch", params: { default: ["m"], cases: [{ next: ["m"], when: "{% true %}", name: "yes" }] } },
        {
          key: "m",
          type: "map",
          dependsOn: ["s"],
          params: { task: { input: 1, params: { taskType: "t" }, type: "worker" }, items: [1] },
        },
        { key: "c", type: "map", params: { workflow: { version: 2, name: "child" }, concurrency: 2, items: [] } },
      ],
    } as unknown as WorkflowDefinition;
    const tasks = canonicalize(definition).tasks as unknown as Array<{ params: Record<string, unknown> }>;
    expect(Object.keys(tasks[0]!.params)).toEqual(["cases", "default"]);
    expect(Object.keys((tasks[0]!.params.cases as object[])[0]!)).toEqual(["name", "when", "next"]);
    expect(Object.keys(tasks[1]!.params)).toEqual(["items", "task"]);
    expect(Object.keys(tasks[1]!.params.task as object)).toEqual(["type", "params", "input"]);
    expect(Object.keys(tasks[2]!.params)).toEqual(["items", "concurrency", "workflow"]);
    expect(Object.keys(tasks[2]!.params.workflow as object)).toEqual(["name", "version"]);
  });

  it("shows only layout lines in a diff when a node moved", () => {
    const before = serializeDefinition(messy).split("\n");
    const moved = { ...messy, layout: { ...messy.layout, build: { x: 40, y: 80 } } } as WorkflowDefinition;
    const after = serializeDefinition(moved).split("\n");
    expect(after).toHaveLength(before.length);
    const layoutStart = before.indexOf('  "layout": {');
    const changed = before.flatMap((line, index) => (line === after[index] ? [] : [index]));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((index) => index > layoutStart)).toBe(true);
  });
});

describe("parseJsonText and parseDefinitionText", () => {
  it("parses and validates a definition file", () => {
    const text = serializeDefinition(messy);
    const result = parseDefinitionText(text.replace(/,\n\s*"ghost": \{[^}]*\}/, ""));
    expect(result.ok).toBe(true);
  });

  it("returns validation issues for a valid JSON document that is not a valid definition", () => {
    expect(parseDefinitionText('{"name": "x", "tasks": []}')).toEqual({
      ok: false,
      errors: [{ path: "tasks", code: "too_small", message: "tasks must have at least 1 task" }],
    });
  });

  it.each([
    ['{\n  "name": "x",\n  "tasks": [,]\n}', 'invalid JSON at line 3, column 13: unexpected ","'],
    ['{\n  "name": "x"', 'invalid JSON at line 2, column 14: unexpected end of input: expected "," or "}"'],
    ['{"a": 1,}', 'invalid JSON at line 1, column 9: unexpected "}": expected a property name in double quotes'],
    ["{'a': 1}", "invalid JSON at line 1, column 2: unexpected \"'\": expected a property name in double quotes"],
    ['{"a": "unterminated}', "invalid JSON at line 1, column 21: unterminated string"],
    ['{"a": tru}', 'invalid JSON at line 1, column 10: unexpected "}"'],
    ['{"a": 1} extra', 'invalid JSON at line 1, column 10: unexpected "e" after the end of the document'],
    ["", "invalid JSON at line 1, column 1: unexpected end of input"],
    ['{"a": [1, 2', 'invalid JSON at line 1, column 12: unexpected end of input: expected "," or "]"'],
    ['{"a": -}', 'invalid JSON at line 1, column 7: unexpected "-"'],
    ['{"a": "\\x"}', "invalid JSON at line 1, column 8: invalid escape in string"],
  ])("%j → %s", (text, message) => {
    expect(parseJsonText(text)).toEqual({ ok: false, errors: [{ path: "", code: "invalid_json", message }] });
  });

  it("accepts a byte order mark", () => {
    expect(parseJsonText('\uFEFF{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it("locates errors in deeply nested text without exhausting the stack", () => {
    const text = `${"[".repeat(100_000)}1${"]".repeat(99_999)}`;
    expect(locateJsonError(text)).toEqual({ offset: 200_000, problem: 'unexpected end of input: expected "," or "]"' });
  });

  it("finds no error position in valid JSON (agrees with JSON.parse)", () => {
    const text = '{"a": [1, -2.5e3, "x\\u00e9\\n", true, false, null, {}, []], "b": {"c": {}}}';
    expect(() => JSON.parse(text) as unknown).not.toThrow();
    expect(locateJsonError(text)).toEqual({ offset: text.length, problem: "invalid JSON" });
  });
});
