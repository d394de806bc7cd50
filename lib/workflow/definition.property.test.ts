import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalize, parseDefinitionText, serializeDefinition, withVersionLine } from "./canonical";
import { prepareDefinition } from "./prepare";
import { TASK_TYPES, type WorkflowDefinition } from "./schema";
import { validateDefinition } from "./validate";

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** JSON as it comes out of JSON.parse (no -0), without "__proto__" keys (which are refused). */
const plainJson = fc
  .jsonValue({ maxDepth: 3 })
  .map((value) => JSON.parse(JSON.stringify(value)) as unknown)
  .filter((value) => !JSON.stringify(value).includes('"__proto__"') && !JSON.stringify(value).includes("{%"));

const taskKey = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);

interface Shape {
  key: string;
  type: "transform" | "wait" | "worker";
  parents: number[];
}

/** A random DAG of transform, wait and worker tasks, listed in a random (not topological) order. */
const validDefinition: fc.Arbitrary<WorkflowDefinition> = fc
  .uniqueArray(taskKey, { minLength: 1, maxLength: 10, selector: (key) => key })
  .chain((keys) => {
    const shapes = keys.map((key, index) =>
      fc.record({
        key: fc.constant(key),
        type: fc.constantFrom("transform" as const, "wait" as const, "worker" as const),
        parents: index === 0 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.nat({ max: index - 1 }), { maxLength: Math.min(3, index) }),
      }),
    );
    return fc.tuple(fc.tuple(...shapes), fc.array(fc.nat(), { minLength: keys.length, maxLength: keys.length }));
  })
  .chain(([shapes, shuffleKeys]: [Shape[], number[]]) => {
    const tasks = shapes.map((shape) => {
      const dependsOn = shape.parents.map((parent) => shapes[parent]!.key);
      const reference = dependsOn.length > 0 ? `{% $tasks.${dependsOn[0]}.output %}` : "{% $input %}";
      const params =
        shape.type === "transform"
          ? fc.record({ output: fc.oneof(plainJson, fc.constant(reference), fc.record({ value: fc.constant(reference), extra: plainJson })) })
          : shape.type === "wait"
            ? fc.oneof(fc.record({ durationMs: fc.nat({ max: 86_400_000 }) }), fc.constant({ until: "2030-01-01T09:00:00Z" }))
            : fc.record(
                { taskType: fc.constantFrom("resize", "send_email", "get.user-v2"), concurrencyLimit: fc.integer({ min: 1, max: 50 }) },
                { requiredKeys: ["taskType"] },
              );
      return fc.record(
        {
          key: fc.constant(shape.key),
          name: fc.string({ maxLength: 20 }).filter((text) => !text.includes("{%")),
          type: fc.constant(shape.type),
          dependsOn: fc.constant(dependsOn),
          triggerRule: fc.constantFrom("all_success" as const, "all_done" as const, "one_success" as const, "none_failed" as const),
          when: fc.constantFrom("{% true %}", "{% $input.go = 'yes' %}"),
          input: fc.oneof(plainJson, fc.constant({ from: reference })),
          params,
          retry: fc.record(
            {
              maximumAttempts: fc.integer({ min: 1, max: 10 }),
              backoff: fc.constantFrom("fixed" as const, "linear" as const, "exponential" as const),
              initialIntervalMs: fc.integer({ min: 1, max: 1000 }),
              nonRetryableErrors: fc.array(fc.constantFrom("AUTH", "NOT_FOUND")),
            },
            { requiredKeys: [] },
          ),
          timeouts: fc.record({ startToCloseMs: fc.integer({ min: 1, max: 60_000 }) }, { requiredKeys: [] }),
        },
        // A reference to an upstream task needs the edge, so dependsOn stays when it is not empty.
        { requiredKeys: dependsOn.length > 0 ? ["key", "type", "params", "dependsOn"] : ["key", "type", "params"] },
      );
    });
    const order = shapes.map((_, index) => index).sort((a, b) => (shuffleKeys[a]! % 7) - (shuffleKeys[b]! % 7) || a - b);
    return fc.record(
      {
        name: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/),
        description: fc.string({ maxLength: 40 }),
        variables: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), plainJson, { maxKeys: 3 }),
        tasks: fc.tuple(...tasks).map((list) => order.map((index) => list[index]!)),
        output: fc.constant(`{% $tasks.${shapes[0]!.key}.output %}`),
        layout: fc.tuple(...shapes.map(() => fc.record({ x: fc.integer({ min: -2000, max: 2000 }), y: fc.integer({ min: -2000, max: 2000 }) }))).map(
          (points) => Object.fromEntries(points.map((point, index) => [shapes[order[index]!]!.key, point])),
        ),
      },
      { requiredKeys: ["name", "tasks"] },
    );
  })
  .map((definition) => definition as unknown as WorkflowDefinition);

/** Objects shaped like definitions, mostly invalid: random keys, types, edges and expressions. */
const definitionLike = fc.record(
  {
    name: fc.oneof(fc.string(), fc.constantFrom("demo", "Bad Name"), plainJson),
    version: fc.oneof(fc.integer(), plainJson),
    tasks: fc.oneof(
      fc.array(
        fc.record(
          {
            key: fc.oneof(fc.constantFrom("a", "b", "c", "d", "constructor", "toString", "1bad"), plainJson),
            type: fc.oneof(fc.constantFrom(...TASK_TYPES, "htpp", ""), plainJson),
            dependsOn: fc.oneof(fc.array(fc.constantFrom("a", "b", "c", "d", "ghost", "constructor")), plainJson),
            when: fc.constantFrom("{% true %}", "{% $tasks.a.output %}", "{% ( %}", "nope", "{% $tasks.constructor %}"),
            input: fc.oneof(plainJson, fc.constantFrom("{% $tasks.b.output %}", "a {% 1 %}", "{% %}")),
            params: fc.oneof(
              plainJson,
              fc.record({
                output: fc.constantFrom("{% $tasks.c.output %}", "{% $error('x') %}"),
                url: fc.constantFrom("https://x", "ftp://y", "{% $input.url %}"),
                cases: fc.array(fc.record({ name: fc.string(), when: fc.constantFrom("{% true %}"), next: fc.array(fc.constantFrom("a", "b", "z")) })),
                items: plainJson,
                workflow: fc.oneof(fc.constantFrom("child", "Bad"), fc.record({ name: fc.string() })),
              }),
            ),
            retry: plainJson,
          },
          { requiredKeys: [] },
        ),
        { maxLength: 8 },
      ),
      plainJson,
    ),
    layout: fc.oneof(fc.dictionary(fc.constantFrom("a", "b", "ghost"), fc.record({ x: fc.integer(), y: fc.oneof(fc.integer(), fc.string()) })), plainJson),
    output: fc.oneof(plainJson, fc.constantFrom("{% $tasks.zz %}", "{% 1 + %}")),
    extra: plainJson,
  },
  { requiredKeys: [] },
);

function expectWellFormedResult(input: unknown): void {
  const result = validateDefinition(input);
  if (result.ok) return;
  expect(result.errors.length).toBeGreaterThan(0);
  for (const issue of result.errors) {
    expect(typeof issue.path).toBe("string");
    expect(typeof issue.code).toBe("string");
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

// ---------------------------------------------------------------------------------------------
// Properties

/** Generating a random definition costs ~15 ms; 60 runs keep this file within a few seconds. */
const definitionRuns = { numRuns: 60 };

describe("validateDefinition (properties)", () => {
  it("never throws on arbitrary JSON", () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => expectWellFormedResult(value)), { numRuns: 300 });
  });

  it("never throws on arbitrary JavaScript values", () => {
    fc.assert(fc.property(fc.anything(), (value) => expectWellFormedResult(value)), { numRuns: 300 });
  });

  it("never throws on objects shaped like definitions, with random tasks and edges", () => {
    fc.assert(fc.property(definitionLike, (value) => expectWellFormedResult(value)), { numRuns: 300 });
  });

  it("accepts the generated valid definitions", () => {
    fc.assert(
      fc.property(validDefinition, (definition) => {
        const result = validateDefinition(definition);
        expect(result.ok ? [] : result.errors).toEqual([]);
      }),
      definitionRuns,
    );
  });
});

describe("canonical form (properties)", () => {
  it("canonicalize is idempotent", () => {
    fc.assert(
      fc.property(validDefinition, (definition) => {
        const once = canonicalize(definition);
        expect(canonicalize(once)).toEqual(once);
        expect(JSON.stringify(canonicalize(once))).toBe(JSON.stringify(once));
      }),
      definitionRuns,
    );
  });

  it("puts every task after the tasks it depends on", () => {
    fc.assert(
      fc.property(validDefinition, (definition) => {
        const seen = new Set<string>();
        for (const task of canonicalize(definition).tasks) {
          for (const dependency of task.dependsOn ?? []) expect(seen.has(dependency)).toBe(true);
          seen.add(task.key);
        }
      }),
      definitionRuns,
    );
  });

  it("parse(serialize(d)) equals canonicalize(d)", () => {
    fc.assert(
      fc.property(validDefinition, (definition) => {
        const parsed = parseDefinitionText(serializeDefinition(definition));
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(parsed.definition).toEqual(canonicalize(definition));
      }),
      definitionRuns,
    );
  });

  it("serialize ∘ parse is the identity on serialized definitions", () => {
    fc.assert(
      fc.property(validDefinition, (definition) => {
        const text = serializeDefinition(definition);
        const parsed = parseDefinitionText(text);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(serializeDefinition(parsed.definition)).toBe(text);
        expect(text.endsWith("}\n")).toBe(true);
      }),
      definitionRuns,
    );
  });

  it("withVersionLine(text without version, v) is serializeDefinition with version v; prepareDefinition gives that text", () => {
    fc.assert(
      fc.property(validDefinition, fc.integer({ min: 1, max: 1_000_000 }), fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined }), (definition, version, authored) => {
        const submitted = authored === undefined ? definition : { ...definition, version: authored };
        const prepared = prepareDefinition(submitted, 10_000);
        expect(prepared.status).toBe("valid");
        if (prepared.status !== "valid") return;
        expect(withVersionLine(prepared.canonicalText, version)).toBe(serializeDefinition({ ...definition, version }));
      }),
      definitionRuns,
    );
  });
});
