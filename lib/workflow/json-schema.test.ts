import { describe, expect, it } from "vitest";
import { exampleFiles } from "./examples";
import { WORKFLOW_JSON_SCHEMA_ID, workflowJsonSchema } from "./json-schema";
import { RESERVED_TASK_KEYS, TASK_TYPES, workflowDefinitionSchema } from "./schema";

type Schema = Record<string, unknown>;

/**
 * A small JSON Schema checker for the keywords the generated schema uses (no validator package is
 * available here). Returns the paths that do not conform.
 */
function check(root: Schema, schema: Schema, value: unknown, path = "$"): string[] {
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.replace("#/$defs/", "");
    const target = (root.$defs as Record<string, Schema>)[name];
    if (!target) return [`${path}: unresolved ${schema.$ref}`];
    const { $ref: _ref, ...rest } = schema;
    return [...check(root, target, value, path), ...check(root, rest, value, path)];
  }
  const errors: string[] = [];
  const typeOf = (v: unknown) =>
    v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v;
  if (typeof schema.type === "string") {
    const actual = typeOf(value);
    const ok = schema.type === actual || (schema.type === "number" && actual === "integer");
    if (!ok) return [`${path}: expected ${schema.type}, got ${actual}`];
  }
  if ("const" in schema && schema.const !== value) errors.push(`${path}: expected const ${String(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${path}: not in enum`);
  if (typeof value === "string") {
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: pattern`);
    if (typeof schema.minLength === "number" && value.length < schema.minLength) errors.push(`${path}: minLength`);
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength) errors.push(`${path}: maxLength`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) errors.push(`${path}: minimum`);
    if (typeof schema.maximum === "number" && value > schema.maximum) errors.push(`${path}: maximum`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) errors.push(`${path}: minItems`);
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) errors.push(`${path}: maxItems`);
    if (schema.items) value.forEach((item, index) => errors.push(...check(root, schema.items as Schema, item, `${path}[${index}]`)));
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in record)) errors.push(`${path}.${key}: required`);
    }
    for (const [key, member] of Object.entries(record)) {
      if (properties[key]) errors.push(...check(root, properties[key], member, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${key}: not allowed`);
      else if (typeof schema.additionalProperties === "object") {
        errors.push(...check(root, schema.additionalProperties as Schema, member, `${path}.${key}`));
      }
    }
  }
  if (typeof schema.not === "object" && schema.not !== null && check(root, schema.not as Schema, value, path).length === 0) {
    errors.push(`${path}: not`);
  }
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const branches = schema[keyword] as Schema[] | undefined;
    if (!branches) continue;
    const passing = branches.filter((branch) => check(root, branch, value, path).length === 0).length;
    if (keyword === "anyOf" ? passing === 0 : passing !== 1) errors.push(`${path}: ${keyword} matched ${passing}`);
  }
  return errors;
}

describe("workflowJsonSchema", () => {
  it("is draft 2020-12 with Flowdeck's $id and a title", () => {
    const schema = workflowJsonSchema();
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe(WORKFLOW_JSON_SCHEMA_ID);
    expect(schema.$id).toBe("https://flowdeck.dev/schema/workflow.json");
    expect(schema.title).toBe("Flowdeck workflow definition");
    expect(Object.keys(schema).slice(0, 3)).toEqual(["$schema", "$id", "title"]);
  });

  it("is stable JSON and a fresh object on each call", () => {
    const first = workflowJsonSchema();
    const second = workflowJsonSchema();
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(second).not.toBe(first);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
  });

  it("describes the workflow's fields in canonical order, strictly", () => {
    const schema = workflowJsonSchema();
    expect(Object.keys(schema.properties as object)).toEqual([
      "name",
      "version",
      "description",
      "input",
      "variables",
      "timeoutMs",
      "failureWorkflow",
      "tasks",
      "output",
      "layout",
    ]);
    expect(schema.required).toEqual(["name", "tasks"]);
    expect(schema.additionalProperties).toBe(false);
    const defs = schema.$defs as Record<string, Schema>;
    // Every task type, in palette order (schema.test.ts pins the list itself).
    expect((defs.Task!.oneOf as Schema[]).map((branch) => (branch.properties as Record<string, Schema>).type!.const)).toEqual([...TASK_TYPES]);
    expect((defs.RetryPolicy!.properties as Record<string, Schema>).maximumAttempts).toMatchObject({ default: 1, type: "integer" });
  });

  it.each(Object.entries(exampleFiles))("accepts the example %s", (_, example) => {
    const schema = workflowJsonSchema();
    expect(check(schema, schema, example)).toEqual([]);
  });

  it("rejects unknown fields, unknown task types and wrong types", () => {
    const schema = workflowJsonSchema();
    const valid = { name: "x", tasks: [{ key: "a", type: "transform", params: { output: 1 } }] };
    expect(check(schema, schema, valid)).toEqual([]);
    expect(check(schema, schema, { ...valid, extra: 1 })).toEqual(["$.extra: not allowed"]);
    expect(check(schema, schema, { ...valid, tasks: [{ key: "a", type: "nope", params: {} }] })).toEqual([
      "$.tasks[0]: oneOf matched 0",
    ]);
    expect(check(schema, schema, { ...valid, name: "Upper Case" })).toEqual(["$.name: pattern"]);
  });

  it("refuses the reserved task keys, as the zod schema does", () => {
    const schema = workflowJsonSchema();
    const withKey = (key: string) => ({ name: "x", tasks: [{ key, type: "transform", params: { output: 1 } }] });
    for (const key of RESERVED_TASK_KEYS) {
      expect(workflowDefinitionSchema.safeParse(withKey(key)).success, key).toBe(false);
      expect(check(schema, schema, withKey(key)), key).toEqual(["$.tasks[0]: oneOf matched 0"]);
    }
    expect(check(schema, schema, withKey("Constructor"))).toEqual([]);
    expect(workflowDefinitionSchema.safeParse(withKey("Constructor")).success).toBe(true);
  });
});
