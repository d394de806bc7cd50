import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { serializeDefinition } from "./canonical";
import { applyInputDefaults } from "./input-defaults";
import { compileJsonSchema } from "./json-schema-validator";
import { prepareDefinition } from "./prepare";
import { workflowTestFileSchema } from "./test-file";
import { BLANK_TEMPLATE_ID, findTemplate, uniqueWorkflowName, workflowTemplates } from "./templates";
import type { WorkflowDefinition } from "./schema";

const examplesDir = fileURLToPath(new URL("../../examples", import.meta.url));
const templatesDir = join(examplesDir, "templates");
const templateFiles = readdirSync(templatesDir).filter((file) => file.endsWith(".json") && !file.endsWith(".test.json"));

/** The save's own pure step (lib/services/workflows.ts runs it, on a thread for large definitions). */
function prepared(definition: unknown): WorkflowDefinition {
  const result = prepareDefinition(definition, 10_000);
  if (result.status !== "valid") throw new Error(JSON.stringify(result, null, 2));
  return result.definition;
}

/** The test file beside a definition file: examples/x.json → examples/x.test.json. */
function testFileOf(template: (typeof workflowTemplates)[number]) {
  const dir = template.category === "pattern" ? templatesDir : examplesDir;
  return workflowTestFileSchema.parse(JSON.parse(readFileSync(join(dir, `${template.id}.test.json`), "utf8")));
}

describe("workflow templates", () => {
  it("list every file of examples/templates and the seeded examples, each once, with the blank id free", () => {
    const ids = workflowTemplates.map((template) => template.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(BLANK_TEMPLATE_ID);
    expect(workflowTemplates.filter((t) => t.category === "pattern").map((t) => `${t.id}.json`).sort()).toEqual(templateFiles.sort());
    expect(ids).toEqual(expect.arrayContaining(["fan-out-fan-in", "map-over-list", "approval-gate", "retry-with-backoff", "build-test-deploy"]));
    expect(findTemplate("approval-gate")?.title).toBe("Approval gate");
    expect(findTemplate("nope")).toBeUndefined();
  });

  it.each(workflowTemplates.map((template) => [template.id, template] as const))("%s is valid as the save path validates it, and named after its id", (_id, template) => {
    const definition = prepared(template.definition);
    expect(definition.name).toBe(template.id);
    expect(definition.description?.length).toBeGreaterThan(40);
    expect(template.summary.length).toBeLessThanOrEqual(110);
    expect(Object.keys(definition.layout ?? {})).toEqual(definition.tasks.map((task) => task.key));
  });

  it.each(templateFiles)("examples/templates/%s is canonical and has no version", (file) => {
    const text = readFileSync(join(templatesDir, file), "utf8");
    expect(serializeDefinition(prepared(JSON.parse(text)))).toBe(text);
    expect("version" in (JSON.parse(text) as object)).toBe(false);
  });

  it.each(workflowTemplates.map((template) => [template.id, template] as const))("%s: its test cases' inputs agree with its input schema, and its mocks name its tasks", (_id, template) => {
    const definition = prepared(template.definition);
    const file = testFileOf(template);
    expect(file.definition).toBe(`./${template.id}.json`);
    const schema = definition.input ?? { type: "object" };
    const compiled = compileJsonSchema(schema);
    if (!compiled.ok) throw new Error(compiled.message);
    // Every case's input as an execution gets it (defaults applied); a pattern also runs with the defaults alone (a Run with nothing typed in).
    const inputs = file.cases.map((testCase) => testCase.input ?? {});
    for (const input of template.category === "pattern" ? [{}, ...inputs] : inputs) {
      expect(compiled.schema.check(applyInputDefaults(definition.input, input), "input"), JSON.stringify(input)).toEqual([]);
    }
    const keys = new Set(definition.tasks.map((task) => task.key));
    for (const testCase of file.cases) {
      for (const key of [...Object.keys(testCase.mocks ?? {}), ...Object.keys(testCase.expect.tasks ?? {})]) expect(keys, `${testCase.name}: ${key}`).toContain(key);
    }
  });
});

describe("uniqueWorkflowName", () => {
  it.each([
    ["fan-out-fan-in", [], "fan-out-fan-in"],
    ["fan-out-fan-in", ["fan-out-fan-in"], "fan-out-fan-in-2"],
    ["fan-out-fan-in", ["fan-out-fan-in", "fan-out-fan-in-2", "fan-out-fan-in-3"], "fan-out-fan-in-4"],
    ["job-2", ["job-2"], "job-3"],
  ])("%s among %j is %s", (base, taken, expected) => {
    expect(uniqueWorkflowName(base, taken)).toBe(expected);
  });

  it("stays within the length limit", () => {
    const long = "a".repeat(100);
    const name = uniqueWorkflowName(long, [long]);
    expect(name).toHaveLength(100);
    expect(name.endsWith("-2")).toBe(true);
  });
});
