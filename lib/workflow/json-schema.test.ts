import { describe, expect, it } from "vitest";
import { exampleFiles } from "./examples";
import { compileJsonSchema, type CompiledSchema } from "./json-schema-validator";
import { WORKFLOW_JSON_SCHEMA_ID, workflowJsonSchema } from "./json-schema";
import { RESERVED_TASK_KEYS, TASK_TYPES, workflowDefinitionSchema } from "./schema";

type Schema = Record<string, unknown>;

/**
 * The generated schema checked by the same validator the engine checks execution inputs with
 * (Ajv, draft 2020-12: json-schema-validator.ts), so the examples, the zod schema and the JSON
 * Schema agree by a real implementation of the standard. Returns "path: message" lines.
 */
function check(schema: Schema, value: unknown): string[] {
  const text = JSON.stringify(schema);
  if (compiledText !== text) {
    const compiled = compileJsonSchema(schema);
    if (!compiled.ok) throw new Error(`the generated schema does not compile: ${compiled.message}`);
    [compiledText, compiledSchema] = [text, compiled.schema];
  }
  return compiledSchema!.check(value, "$").map((problem) => `${problem.path}: ${problem.message}`);
}
/** Compiling the workflow schema takes about half a second: once per schema text. */
let compiledText: string | undefined;
let compiledSchema: CompiledSchema | undefined;

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
      "$schema",
      "name",
      "version",
      "description",
      "input",
      "variables",
      "timeoutMs",
      "failureWorkflow",
      "tasks",
      "output",
      "triggers",
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
    expect(check(schema, example)).toEqual([]);
  });

  it("rejects unknown fields, unknown task types and wrong types", () => {
    const schema = workflowJsonSchema();
    const valid = { name: "x", tasks: [{ key: "a", type: "transform", params: { output: 1 } }] };
    expect(check(schema, valid)).toEqual([]);
    expect(check(schema, { ...valid, extra: 1 })).toEqual(["$.extra: is not allowed (the schema has additionalProperties: false)"]);
    expect(check(schema, { ...valid, tasks: [{ key: "a", type: "nope", params: {} }] })).toContain("$.tasks[0]: must match exactly one schema in oneOf");
    expect(check(schema, { ...valid, name: "Upper Case" })).toEqual([expect.stringMatching(/^\$\.name: must match pattern /)]);
    expect(check(schema, { ...valid, tasks: [{ key: "a", type: "transform", params: { output: 1 }, retry: { maximumAttempts: 0 } }] })).toContain(
      "$.tasks[0].retry.maximumAttempts: must be >= 1",
    );
  });

  it("refuses the reserved task keys, as the zod schema does", () => {
    const schema = workflowJsonSchema();
    const withKey = (key: string) => ({ name: "x", tasks: [{ key, type: "transform", params: { output: 1 } }] });
    for (const key of RESERVED_TASK_KEYS) {
      expect(workflowDefinitionSchema.safeParse(withKey(key)).success, key).toBe(false);
      expect(check(schema, withKey(key)), key).toContain("$.tasks[0]: must match exactly one schema in oneOf");
    }
    expect(check(schema, withKey("Constructor"))).toEqual([]);
    expect(workflowDefinitionSchema.safeParse(withKey("Constructor")).success).toBe(true);
  });
});
