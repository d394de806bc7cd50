import { describe, expect, it } from "vitest";
import { validateDefinition, type ValidationIssue } from "./validate";

function errorsOf(input: unknown): ValidationIssue[] {
  const result = validateDefinition(input);
  if (result.ok) throw new Error("expected the definition to be invalid");
  return result.errors;
}

function transform(key: string, extra: Record<string, unknown> = {}) {
  return { key, type: "transform", params: { output: { from: key } }, ...extra };
}

function definition(tasks: unknown[], extra: Record<string, unknown> = {}) {
  return { name: "demo", tasks, ...extra };
}

describe("validateDefinition: valid input", () => {
  it("returns the parsed definition", () => {
    const input = definition([transform("a"), transform("b", { dependsOn: ["a"], input: "{% $tasks.a.output %}" })], {
      output: "{% $tasks.b.output %}",
      layout: { a: { x: 0, y: 0 }, b: { x: 260, y: 0 } },
    });
    expect(validateDefinition(input)).toEqual({ ok: true, definition: input, warnings: [] });
  });

  it("allows $tasks of any transitive upstream task", () => {
    const input = definition([
      transform("a"),
      transform("b", { dependsOn: ["a"] }),
      transform("c", { dependsOn: ["b"], params: { output: "{% $tasks.a.output %}" } }),
    ]);
    expect(validateDefinition(input).ok).toBe(true);
  });
});

describe("validateDefinition: documents that are not definitions", () => {
  it.each([
    [null, "null"],
    ["text", 'string "text"'],
    [42, "number 42"],
    [[], "array"],
    [undefined, "undefined"],
  ])("%j is refused with one issue", (input, got) => {
    expect(errorsOf(input)).toEqual([
      { path: "", code: "invalid_type", message: `the definition must be a JSON object, got ${got}` },
    ]);
  });

  it("refuses nesting deeper than the limit without parsing", () => {
    let deep: unknown = 1;
    for (let level = 0; level < 10_000; level += 1) deep = [deep];
    const errors = errorsOf(definition([transform("a", { params: { output: deep } })]));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "too_deep", message: "the definition is nested deeper than 64 levels" });
    expect(errors[0]!.path.startsWith("tasks[0].params.output[0][0]")).toBe(true);
  });

  it("refuses __proto__ keys once, and leaves Object.prototype alone", () => {
    const input = JSON.parse(
      '{"name":"demo","tasks":[{"key":"a","type":"transform","params":{"output":1},"__proto__":{"polluted":true}}],' +
        '"variables":{"__proto__":{"polluted":true}}}',
    ) as unknown;
    expect(errorsOf(input)).toEqual([
      { path: "variables.__proto__", code: "forbidden_key", message: 'the key "__proto__" is not allowed' },
      { path: "tasks[0].__proto__", code: "forbidden_key", message: 'the key "__proto__" is not allowed' },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses reserved task keys with the path and the rule, the __proto__ value included", () => {
    const input = JSON.parse(
      '{"name":"demo","tasks":[{"key":"a","type":"transform","params":{"output":1}},' +
        '{"key":"b","type":"transform","params":{"output":1}},{"key":"constructor","type":"transform","params":{"output":1}},' +
        '{"key":"__proto__","type":"transform","dependsOn":["a"],"params":{"output":"{% $tasks.a.output %}"}}]}',
    ) as unknown;
    const rule = `the names of Object.prototype's members (__proto__, constructor, toString, …) and "prototype" are reserved`;
    expect(errorsOf(input)).toEqual([
      { path: "tasks[2].key", code: "invalid", message: `key must not be "constructor": ${rule}` },
      { path: "tasks[3].key", code: "invalid", message: `key must not be "__proto__": ${rule}` },
    ]);
  });

  it("refuses strings and keys with a lone surrogate, naming the path (not normalised)", () => {
    const input = JSON.parse('{"name":"demo","description":"x\\ud800","variables":{"k\\udc00":1},"tasks":[{"key":"a","type":"transform","params":{"output":["ok","\\udbff"]}}]}') as unknown;
    const tail = "strings must be well-formed Unicode (a surrogate needs its pair)";
    expect(errorsOf(input)).toEqual([
      { path: "description", code: "ill_formed_string", message: `the string has a lone surrogate \\uD800 at character 1; ${tail}` },
      { path: 'variables["k\\udc00"]', code: "ill_formed_string", message: `the key has a lone surrogate \\uDC00 at character 1; ${tail}` },
      { path: "tasks[0].params.output[1]", code: "ill_formed_string", message: `the string has a lone surrogate \\uDBFF at character 0; ${tail}` },
    ]);
  });

  it("refuses values that are not JSON", () => {
    expect(errorsOf(definition([transform("a", { params: { output: { at: new Date(0), n: Number.NaN } } })]))).toEqual([
      { path: "tasks[0].params.output.at", code: "not_json", message: "must be a JSON value" },
      { path: "tasks[0].params.output.n", code: "not_json", message: "must be a finite number" },
    ]);
  });

  it("does not throw on getters that throw", () => {
    const input = {
      name: "demo",
      get tasks(): unknown {
        throw new Error("boom");
      },
    };
    expect(errorsOf(input)).toEqual([{ path: "", code: "unreadable", message: "the definition could not be read: boom" }]);
  });
});

describe("validateDefinition: schema problems", () => {
  it("names the field, the expectation and what was given", () => {
    expect(
      errorsOf({
        name: "Bad Name",
        version: 0,
        tasks: [
          { key: "a", type: "http", params: { url: "ftp://example.com", method: "GETT" }, timeouts: { startToCloseMs: "5s" } },
          { type: "transform", params: { output: 1 } },
          5,
        ],
      }),
    ).toEqual([
      {
        path: "name",
        code: "invalid_format",
        message:
          "name must start with a lowercase letter or digit and contain only lowercase letters, digits, '.', '_' and '-' (it appears in URLs)",
      },
      { path: "version", code: "too_small", message: "version must be ≥ 1" },
      {
        path: "tasks[0].params.url",
        code: "invalid",
        message: "url must be an absolute http(s) URL or an expression {% … %}",
      },
      {
        path: "tasks[0].params.method",
        code: "invalid_value",
        message: 'method must be one of "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", got string "GETT"',
      },
      { path: "tasks[0].timeouts.startToCloseMs", code: "invalid_type", message: 'startToCloseMs must be a number, got string "5s"' },
      { path: "tasks[1].key", code: "required", message: "key is required" },
      { path: "tasks[2]", code: "invalid_type", message: "tasks[2] must be an object, got number 5" },
    ]);
  });

  it("lists the valid task types for an unknown or missing type", () => {
    expect(errorsOf(definition([{ key: "a", type: "htpp", params: {} }, { key: "b", params: {} }]))).toEqual([
      {
        path: "tasks[0].type",
        code: "unknown_task_type",
        message:
          'unknown task type "htpp": use one of http, transform, worker, wait, approval, switch, map, subworkflow, terminate, shell',
      },
      {
        path: "tasks[1].type",
        code: "required",
        message: "type is required: one of http, transform, worker, wait, approval, switch, map, subworkflow, terminate, shell",
      },
    ]);
  });

  it("points at each unknown field and suggests the likely one", () => {
    expect(
      errorsOf(
        definition([
          transform("a", { dependOn: [] }),
          { key: "b", type: "http", params: { url: "https://example.com", methd: "POST" } },
          { key: "c", type: "map", params: { items: [1], workflow: { name: "child", versoin: 2 } } },
          transform("d", { colour: "red" }),
        ]),
      ),
    ).toEqual([
      { path: "tasks[0].dependOn", code: "unknown_field", message: 'unknown field "dependOn" (did you mean "dependsOn"?)' },
      { path: "tasks[1].params.methd", code: "unknown_field", message: 'unknown field "methd" (did you mean "method"?)' },
      {
        path: "tasks[2].params.workflow.versoin",
        code: "unknown_field",
        message: 'unknown field "versoin" (did you mean "version"?)',
      },
      { path: "tasks[3].colour", code: "unknown_field", message: 'unknown field "colour"' },
    ]);
  });

  it("explains the 'exactly one of' rules", () => {
    expect(
      errorsOf(
        definition([
          { key: "w", type: "wait", params: {} },
          { key: "m", type: "map", params: { items: [1] } },
        ]),
      ),
    ).toEqual([
      { path: "tasks[0].params", code: "invalid", message: "wait needs exactly one of durationMs or until" },
      { path: "tasks[1].params", code: "invalid", message: "map needs exactly one of task or workflow" },
    ]);
  });

  it("checks workflow references of map, subworkflow and failureWorkflow", () => {
    expect(
      errorsOf(
        definition(
          [
            { key: "m", type: "map", params: { items: [1], workflow: { name: "Child Flow", version: 0 } } },
            { key: "s", type: "subworkflow", params: { workflow: "" } },
          ],
          { failureWorkflow: "demo" },
        ),
      ),
    ).toEqual([
      {
        path: "failureWorkflow",
        code: "failure_workflow_self",
        message: "failureWorkflow must name another workflow (a failing handler would start itself)",
      },
      {
        path: "tasks[0].params.workflow.name",
        code: "invalid_format",
        message:
          "name must start with a lowercase letter or digit and contain only lowercase letters, digits, '.', '_' and '-' (it appears in URLs)",
      },
      { path: "tasks[0].params.workflow.version", code: "too_small", message: "version must be ≥ 1" },
      { path: "tasks[1].params.workflow", code: "too_small", message: "workflow must not be empty" },
      {
        path: "tasks[1].params.workflow",
        code: "invalid_format",
        message:
          "workflow must start with a lowercase letter or digit and contain only lowercase letters, digits, '.', '_' and '-' (it appears in URLs)",
      },
    ]);
  });
});

describe("validateDefinition: graph problems", () => {
  it("reports duplicate keys, unknown and self dependencies", () => {
    expect(
      errorsOf(
        definition([
          transform("build"),
          transform("test", { dependsOn: ["biuld", "test", "build", "build"] }),
          transform("build"),
        ]),
      ),
    ).toEqual([
      { path: "tasks[1].dependsOn[0]", code: "unknown_dependency", message: 'unknown task "biuld" in dependsOn (did you mean "build"?)' },
      { path: "tasks[1].dependsOn[1]", code: "self_dependency", message: 'task "test" depends on itself' },
      { path: "tasks[1].dependsOn[3]", code: "duplicate_dependency", message: '"build" is listed twice in dependsOn' },
      { path: "tasks[2].key", code: "duplicate_key", message: 'duplicate task key "build" (also used by tasks[0])' },
    ]);
  });

  it("names every node of a cycle, at the dependency that closes it", () => {
    expect(
      errorsOf(
        definition([
          transform("start"),
          transform("a", { dependsOn: ["start", "c"] }),
          transform("b", { dependsOn: ["a"] }),
          transform("c", { dependsOn: ["b"] }),
          transform("x", { dependsOn: ["y"] }),
          transform("y", { dependsOn: ["x"] }),
        ]),
      ),
    ).toEqual([
      { path: "tasks[1].dependsOn[1]", code: "cycle", message: "cycle: a → b → c → a" },
      { path: "tasks[4].dependsOn[0]", code: "cycle", message: "cycle: x → y → x" },
    ]);
  });

  it("reports layout entries for unknown tasks", () => {
    expect(errorsOf(definition([transform("a")], { layout: { a: { x: 0, y: 0 }, ghost: { x: 1, y: 1 } } }))).toEqual([
      { path: "layout.ghost", code: "unknown_layout_task", message: 'layout entry for unknown task "ghost"' },
    ]);
  });
});

describe("validateDefinition: expressions", () => {
  it("reports JSONata that does not parse, with the path into the field", () => {
    expect(
      errorsOf(
        definition([
          transform("a", { when: "{% $input.x = %}", input: { deep: ["{% $foo( %}"] } }),
          { key: "s", type: "switch", params: { cases: [{ name: "yes", when: "{% ) %}", next: [] }] } },
        ]),
      ),
    ).toEqual([
      {
        path: "tasks[0].when",
        code: "invalid_expression",
        message: "invalid expression at position 14: Unexpected end of expression (S0207)",
      },
      {
        path: "tasks[0].input.deep[0]",
        code: "invalid_expression",
        message: 'invalid expression at position 9: Expected ")" before end of expression (S0203)',
      },
      {
        path: "tasks[1].params.cases[0].when",
        code: "invalid_expression",
        message: 'invalid expression at position 4: The symbol ")" cannot be used as a unary operator (S0211)',
      },
    ]);
  });

  it("reports $tasks references to tasks that are not upstream, unknown or the task itself", () => {
    expect(
      errorsOf(
        definition(
          [
            transform("a"),
            transform("b", { params: { output: { x: "{% $tasks.a.output %}" } } }),
            transform("c", { dependsOn: ["a"], when: "{% $tasks.c.status = 'x' %}", input: "{% $tasks.aa.output %}" }),
          ],
          { output: { all: "{% [$tasks.a.output, $tasks.zzz.output] %}" } },
        ),
      ),
    ).toEqual([
      {
        path: "tasks[1].params.output.x",
        code: "task_not_upstream",
        message: '$tasks.a is not upstream of "b": add "a" to its dependsOn (directly or through another task)',
      },
      {
        path: "tasks[2].when",
        code: "self_reference",
        message: "$tasks.c is this task's own result, which does not exist while it runs",
      },
      { path: "tasks[2].input", code: "unknown_task_reference", message: '$tasks.aa refers to no task (did you mean "a"?)' },
      { path: "output.all", code: "unknown_task_reference", message: "$tasks.zzz refers to no task" },
    ]);
  });

  it("checks expressions inside a map's item task", () => {
    expect(
      errorsOf(
        definition([
          transform("late"),
          {
            key: "m",
            type: "map",
            params: { items: "{% [1, 2] %}", task: { type: "transform", params: { output: "{% $item + $tasks.late.output %}" } } },
          },
        ]),
      ),
    ).toEqual([
      {
        path: "tasks[1].params.task.params.output",
        code: "task_not_upstream",
        message: '$tasks.late is not upstream of "m": add "late" to its dependsOn (directly or through another task)',
      },
    ]);
  });
});

describe("validateDefinition: switch branches", () => {
  const route = {
    key: "route",
    type: "switch",
    params: {
      cases: [
        { name: "big", when: "{% $input.n > 10 %}", next: ["big", "other"] },
        { name: "small", when: "{% $input.n <= 10 %}", next: ["small", "nowhere"] },
      ],
      default: ["fallback"],
    },
  };

  it("accepts branches that are direct dependents of the switch", () => {
    expect(
      validateDefinition(
        definition([
          { ...route, params: { ...route.params, cases: [{ name: "big", when: "{% true %}", next: ["big"] }] } },
          transform("big", { dependsOn: ["route"] }),
          transform("fallback", { dependsOn: ["route"] }),
        ]),
      ).ok,
    ).toBe(true);
  });

  it("reports branch tasks that do not depend on the switch and dependents in no branch", () => {
    expect(
      errorsOf(
        definition([
          route,
          transform("big", { dependsOn: ["route"] }),
          transform("small", { dependsOn: ["route"] }),
          transform("other"),
          transform("fallback", { dependsOn: ["route"] }),
          transform("stray", { dependsOn: ["big", "route"] }),
        ]),
      ),
    ).toEqual([
      {
        path: "tasks[0].params.cases[0].next[1]",
        code: "branch_not_dependent",
        message: '"other" must list "route" in dependsOn to be a branch of this switch',
      },
      { path: "tasks[0].params.cases[1].next[1]", code: "unknown_branch_task", message: 'unknown task "nowhere" in switch branch' },
      {
        path: "tasks[5].dependsOn[1]",
        code: "dependent_not_in_branch",
        message: '"stray" depends on switch "route" but is in none of its branches (cases or default)',
      },
    ]);
  });
});

describe("validateDefinition: all problems at once", () => {
  it("reports schema, graph and expression problems together", () => {
    const codes = errorsOf({
      name: "UPPER",
      tasks: [
        transform("a", { dependsOn: ["b"] }),
        transform("b", { dependsOn: ["a"], params: { output: "{% 1 + %}" } }),
        { key: "c", type: "nope", params: {} },
      ],
      layout: { ghost: { x: 0, y: 0 } },
    }).map((issue) => issue.code);
    expect(codes).toEqual(["invalid_format", "cycle", "invalid_expression", "unknown_task_type", "unknown_layout_task"]);
  });
});

describe("validateDefinition: size", () => {
  it("validates the largest workflow (2000 tasks in a chain, each reading the previous) quickly", () => {
    const tasks = Array.from({ length: 2000 }, (_, index) =>
      transform(`t${index}`, {
        ...(index > 0 ? { dependsOn: [`t${index - 1}`] } : {}),
        params: { output: index > 0 ? `{% $tasks.t${index - 1}.output + 1 %}` : 0 },
      }),
    );
    const started = Date.now();
    expect(validateDefinition(definition(tasks)).ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
