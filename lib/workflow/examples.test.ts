import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseDefinitionText, serializeDefinition } from "./canonical";
import { exampleDefinitions, exampleFiles } from "./examples";
import { evaluateCondition, evaluateTemplate, type ExpressionContext, type TaskResultView } from "./expressions";
import { topologicalOrder } from "./graph";
import { workflowTestFileSchema, workflowTestJsonSchema } from "./test-file";
import { applyInputDefaults } from "./input-defaults";
import type { WorkflowDefinition } from "./schema";

const examplesDir = fileURLToPath(new URL("../../examples", import.meta.url));
const files = readdirSync(examplesDir).filter((file) => file.endsWith(".json") && !file.endsWith(".test.json"));
const testFiles = readdirSync(examplesDir).filter((file) => file.endsWith(".test.json"));

describe("example test files", () => {
  it("exist for every example, fit the test-file schema and name a definition file next to them", () => {
    expect(testFiles.map((file) => file.replace(/\.test\.json$/, "")).sort()).toEqual(files.map((file) => file.replace(/\.json$/, "")).sort());
    for (const file of testFiles) {
      const parsed = workflowTestFileSchema.safeParse(JSON.parse(readFileSync(join(examplesDir, file), "utf8")));
      expect(parsed.error?.issues, file).toBeUndefined();
      expect(parsed.data!.definition, file).toBe(`./${file.replace(/\.test\.json$/, ".json")}`);
    }
  });

  it("refuse a file with both workflow and definition, or a case without expect, naming the path", () => {
    const both = workflowTestFileSchema.safeParse({ workflow: "a", definition: "./a.json", cases: [{ name: "c", expect: { status: "COMPLETED" } }] });
    expect(both.error?.issues.map((issue) => issue.message)).toEqual(["give exactly one of workflow or definition"]);
    const noExpect = workflowTestFileSchema.safeParse({ workflow: "a", cases: [{ name: "c" }] });
    expect(noExpect.error?.issues.map((issue) => issue.path.join("."))).toEqual(["cases.0.expect"]);
    const both2 = workflowTestFileSchema.safeParse({ workflow: "a", cases: [{ name: "c", mocks: { t: { output: 1, error: { message: "x" } } }, expect: { status: "COMPLETED" } }] });
    expect(both2.error?.issues.map((issue) => issue.path.join("."))).toEqual(["cases.0.mocks.t"]);
  });

  it("have a published JSON Schema generated from the same zod schema", () => {
    const schema = workflowTestJsonSchema();
    expect(schema).toMatchObject({ $id: "https://flowdeck.dev/schema/workflow-test.json", type: "object", required: ["cases"] });
  });
});

describe("example files", () => {
  it("are all exported", () => {
    expect(files.map((file) => file.replace(/\.json$/, "")).sort()).toEqual(Object.keys(exampleFiles).sort());
    expect(exampleDefinitions.map((definition) => definition.name)).toEqual([
      "child-process-item",
      "parent-map-children",
      "build-test-deploy",
      "serial-chain",
      "user-email",
      "nightly-report",
      "deploy-hook",
    ]);
  });

  it.each(files)("%s is valid, canonical, named after its file and has no version", (file) => {
    const text = readFileSync(join(examplesDir, file), "utf8");
    const result = parseDefinitionText(text);
    if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
    expect(serializeDefinition(result.definition)).toBe(text);
    expect(result.definition.name).toBe(file.replace(/\.json$/, ""));
    expect("version" in (JSON.parse(text) as object)).toBe(false);
    expect(result.definition.description?.length).toBeGreaterThan(40);
    expect(Object.keys(result.definition.layout ?? {})).toEqual(result.definition.tasks.map((task) => task.key));
  });
});

/**
 * A toy run of the transform-only parts of an example, enough to show that the examples behave as
 * their descriptions say. (The engine has its own tests; this checks the example files.)
 */
async function runTransforms(
  definition: WorkflowDefinition,
  input: unknown,
  stubs: Record<string, unknown> = {},
): Promise<Record<string, TaskResultView>> {
  const tasks: Record<string, TaskResultView> = {};
  const order = topologicalOrder(definition.tasks)!;
  for (const key of order) {
    const task = definition.tasks.find((candidate) => candidate.key === key)!;
    const context: ExpressionContext = {
      input: applyInputDefaults(definition.input, input),
      tasks,
      vars: definition.variables,
      execution: { id: "ex_test", name: definition.name, version: 1 },
    };
    const upstream = task.dependsOn ?? [];
    if (upstream.some((dependency) => tasks[dependency]?.status !== "COMPLETED")) {
      tasks[key] = { status: "UPSTREAM_FAILED" };
      continue;
    }
    if (task.when) {
      const condition = await evaluateCondition(task.when, context);
      if (!condition.ok || !condition.value) {
        tasks[key] = { status: "SKIPPED" };
        continue;
      }
    }
    if (task.type !== "transform") {
      tasks[key] = { status: "COMPLETED", output: stubs[key] };
      continue;
    }
    const output = await evaluateTemplate(task.params.output, context, { basePath: `${key}.params.output` });
    tasks[key] = output.ok
      ? { status: "COMPLETED", output: output.value }
      : { status: "FAILED", error: { message: output.error.message } };
  }
  return tasks;
}

function example(name: string): WorkflowDefinition {
  return exampleDefinitions.find((definition) => definition.name === name)!;
}

describe("example behaviour", () => {
  it("build-test-deploy deploys main with the default input", async () => {
    const tasks = await runTransforms(example("build-test-deploy"), {});
    expect(Object.values(tasks).map((task) => task.status)).toEqual(Array(6).fill("COMPLETED"));
    expect(tasks.deploy!.output).toEqual({ environment: "production", artifact: "app-main.tar.gz" });
  });

  it("build-test-deploy fails the chosen test, and deploy is not reached", async () => {
    const tasks = await runTransforms(example("build-test-deploy"), { failTest: "test_3" });
    expect(tasks.test_3).toEqual({
      status: "FAILED",
      error: { message: 'acceptance test test_3 failed (input.failTest = "test_3")' },
    });
    expect(["test_1", "test_2", "test_4"].map((key) => tasks[key]!.status)).toEqual(Array(3).fill("COMPLETED"));
    expect(tasks.deploy!.status).toBe("UPSTREAM_FAILED");
  });

  it("build-test-deploy skips deploy for another branch", async () => {
    const tasks = await runTransforms(example("build-test-deploy"), { branch: "feature" });
    expect(tasks.deploy!.status).toBe("SKIPPED");
  });

  it.each([
    [1, { status: "COMPLETED", output: { value: 10 } }],
    [2, { status: "FAILED", error: { message: "item 2 is even" } }],
    [3, { status: "COMPLETED", output: { value: 30 } }],
    [4, { status: "FAILED", error: { message: "item 4 is even" } }],
  ])("child-process-item with item %d", async (item, expected) => {
    const tasks = await runTransforms(example("child-process-item"), { item, index: item - 1 });
    expect(tasks.process).toEqual(expected);
  });

  it("parent-map-children runs the child per item, four at a time, collecting failures", async () => {
    const parent = example("parent-map-children");
    const map = parent.tasks[0]!;
    expect(map.type === "map" && map.params).toMatchObject({
      items: [1, 2, 3, 4],
      concurrency: 4,
      failFast: false,
      workflow: { name: "child-process-item" },
    });
    const mapOutput = {
      success: { "0": { value: 10 }, "2": { value: 30 } },
      failure: { "1": { message: "item 2 is even" }, "3": { message: "item 4 is even" } },
    };
    const tasks = await runTransforms(parent, {}, { process_items: mapOutput });
    expect(tasks.collect).toEqual({ status: "COMPLETED", output: { succeeded: 2, failed: 2, ...mapOutput } });
    const childInput = await evaluateTemplate(map.type === "map" ? map.params.workflow?.input : undefined, {
      item: 3,
      index: 2,
    });
    expect(childInput).toEqual({ ok: true, value: { item: 3, index: 2 } });
  });

  it("serial-chain runs extract → transform → load, and fails at transform on request", async () => {
    const ok = await runTransforms(example("serial-chain"), {});
    expect(ok.load).toEqual({ status: "COMPLETED", output: { loaded: 3, names: ["ALPHA", "BETA", "GAMMA"] } });
    const failed = await runTransforms(example("serial-chain"), { failAt: "transform" });
    expect(failed.extract!.status).toBe("COMPLETED");
    expect(failed.transform).toEqual({
      status: "FAILED",
      error: { message: 'transform failed (input.failAt = "transform")' },
    });
    expect(failed.load!.status).toBe("UPSTREAM_FAILED");
  });

  it("user-email maps the looked-up address into send_email's input", async () => {
    const definition = example("user-email");
    const send = definition.tasks.find((task) => task.key === "send_email")!;
    expect(send.type === "worker" && send.params.taskType).toBe("send_email");
    const input = await evaluateTemplate(send.input, {
      tasks: { get_user_email: { status: "COMPLETED", output: { email: "ada@example.com" } } },
    });
    expect(input).toEqual({ ok: true, value: { to: "ada@example.com", subject: "Hello from Flowdeck" } });
  });
});
