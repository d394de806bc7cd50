import { describe, expect, it } from "vitest";
import { compileJsonSchema, MAX_SCHEMA_PROBLEMS, pointerToPath } from "./json-schema-validator";

function checker(schema: object) {
  const compiled = compileJsonSchema(schema);
  if (!compiled.ok) throw new Error(compiled.message);
  return (value: unknown) => compiled.schema.check(value, "input");
}

describe("compileJsonSchema (Ajv, draft 2020-12)", () => {
  const check = checker({
    type: "object",
    required: ["count", "owner"],
    properties: {
      count: { type: "integer", minimum: 1, maximum: 10 },
      email: { type: "string", format: "email" },
      mode: { enum: ["fast", "safe"] },
      names: { type: "array", items: { type: "string", minLength: 1 }, maxItems: 3 },
      owner: { type: "object", additionalProperties: false, required: ["id"], properties: { id: { type: "string", pattern: "^u-[0-9]+$" } } },
    },
  });

  it("accepts what conforms", () => {
    expect(check({ count: 1, owner: { id: "u-1" }, names: ["a"], email: "a@example.com", mode: "fast" })).toEqual([]);
  });

  it("enforces minimum and maximum (the hand-written checks did not)", () => {
    expect(check({ count: 0, owner: { id: "u-1" } })).toEqual([{ path: "input.count", message: "must be >= 1" }]);
    expect(check({ count: 11, owner: { id: "u-1" } })).toEqual([{ path: "input.count", message: "must be <= 10" }]);
  });

  it("checks nested objects and arrays, naming each problem's path", () => {
    expect(check({ count: 2.5, owner: { id: "x", extra: true }, names: ["ok", "", 3, "d"], email: "nope", mode: "slow" })).toEqual([
      { path: "input.count", message: "must be integer" },
      { path: "input.email", message: 'must match format "email"' },
      { path: "input.mode", message: 'must be one of "fast", "safe"' },
      { path: "input.names", message: "must NOT have more than 3 items" },
      { path: "input.names[1]", message: "must NOT have fewer than 1 characters" },
      { path: "input.names[2]", message: "must be string" },
      { path: "input.owner.extra", message: "is not allowed (the schema has additionalProperties: false)" },
      { path: "input.owner.id", message: 'must match pattern "^u-[0-9]+$"' },
    ]);
  });

  it("names a missing property at its own path", () => {
    expect(check({ owner: {} })).toEqual([
      { path: "input.count", message: "is required" },
      { path: "input.owner.id", message: "is required" },
    ]);
  });

  it("bounds the problems of one value", () => {
    const many = checker({ type: "array", items: { type: "string" } });
    const problems = many(Array.from({ length: 500 }, (_, index) => index));
    expect(problems).toHaveLength(MAX_SCHEMA_PROBLEMS + 1);
    expect(problems.at(-1)).toEqual({ path: "input", message: `and ${500 - MAX_SCHEMA_PROBLEMS} more problems` });
  });

  it("refuses a schema that is not valid JSON Schema, naming the keyword", () => {
    expect(compileJsonSchema({ type: "object", properties: { n: { minimum: "one" } } })).toEqual({ ok: false, message: "schema is invalid: data/properties/n/minimum must be number" });
  });

  it("ignores unknown keywords (annotations), as the specification says", () => {
    expect(checker({ type: "object", "x-ui": { widget: "slider" }, properties: { n: { type: "number", "x-unit": "s" } } })({ n: 1 })).toEqual([]);
  });

  it("keeps nothing of a compiled schema: two schemas with one $id compile independently", () => {
    const first = checker({ $id: "https://example.com/input", type: "object", properties: { n: { type: "string" } } });
    const second = checker({ $id: "https://example.com/input", type: "object", properties: { n: { type: "number" } } });
    expect(first({ n: 1 })).toEqual([{ path: "input.n", message: "must be string" }]);
    expect(second({ n: 1 })).toEqual([]);
  });
});

describe("pointerToPath", () => {
  it.each([
    ["", "input", "input"],
    ["/a/0/b", "input", "input.a[0].b"],
    ["/with space/x~1y/t~0", "input", 'input["with space"]["x/y"]["t~"]'],
    ["/a", "", "a"],
  ])("%s under %s is %s", (pointer, root, path) => {
    expect(pointerToPath(pointer, root)).toBe(path);
  });
});
