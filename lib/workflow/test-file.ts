/**
 * Workflow tests: the mocks of a test run (POST /api/workflows/test) and the `*.test.json` files
 * that hold test cases (`flowdeck test`). The one source of both: the API validates with these,
 * the OpenAPI document and the published JSON Schema (/schema/workflow-test.json) are generated
 * from them, and the CLI checks files with them before it sends anything.
 */
import * as z from "zod";

/** Longest delay a mock may ask for (ms). */
export const MAX_MOCK_DELAY_MS = 60_000;
/** Most steps in one mock's sequence. */
export const MAX_MOCK_STEPS = 100;

export const mockErrorSchema = z.strictObject({
  code: z.string().min(1).max(200).default("MOCK_ERROR").describe("Compared with the retry policy's nonRetryableErrors; default MOCK_ERROR"),
  message: z.string().max(10_000).default("mocked error"),
  details: z.json().optional(),
});

/**
 * One attempt's outcome: `output` (COMPLETED with it; the default: output null), or `error` (FAILED
 * with it), optionally after `delay` ms during which the attempt is RUNNING (its timeouts apply).
 */
export const mockStepSchema = z
  .strictObject({
    output: z.json().optional().describe("The attempt completes with this output"),
    error: mockErrorSchema.optional().describe("The attempt fails with this error (its retry policy applies)"),
    delay: z.number().int().min(0).max(MAX_MOCK_DELAY_MS).optional().describe("Milliseconds the attempt runs before its outcome"),
  })
  .refine((step) => step.output === undefined || step.error === undefined, { error: "give either output or error, not both" });

/** A mock: one step for every attempt, or a sequence (attempt n takes step n; the last one repeats). */
export const taskMockSchema = z.union([mockStepSchema, z.array(mockStepSchema).min(1).max(MAX_MOCK_STEPS)]);

/** Mocks by task key. For a map task the mock applies to each item's attempts. */
export const taskMocksSchema = z.record(z.string().min(1), taskMockSchema);

export type MockErrorInput = z.input<typeof mockErrorSchema>;
export type TaskMock = z.infer<typeof taskMockSchema>;
export type MockStepSpec = z.infer<typeof mockStepSchema>;
export type TaskMocksTable = z.infer<typeof taskMocksSchema>;

/** What a case expects of one task: its status, or `{ status?, output? }`. */
export const expectedTaskSchema = z.union([
  z.string().min(1).describe("The task's status, e.g. COMPLETED"),
  z.strictObject({ status: z.string().min(1).optional(), output: z.json().optional() }),
]);

export const testCaseSchema = z.strictObject({
  name: z.string().min(1).max(200),
  input: z.json().optional().describe("The execution's input; default {}"),
  mocks: taskMocksSchema.optional(),
  allowReal: z.array(z.string().min(1)).optional().describe("Task keys of http/worker/shell/subworkflow tasks that may run for real"),
  expect: z.strictObject({
    status: z.string().min(1).describe("The execution's status, e.g. COMPLETED or FAILED"),
    output: z.json().optional().describe("The workflow's output, compared as JSON (deep equality)"),
    error: z.strictObject({ code: z.string().optional(), message: z.string().optional() }).optional(),
    tasks: z.record(z.string().min(1), expectedTaskSchema).optional(),
  }),
});

/**
 * A `*.test.json` file: the workflow under test (`workflow`: a saved one by name, or `definition`:
 * a path relative to the file, or the definition inline) and its cases.
 */
export const workflowTestFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    workflow: z.string().min(1).optional().describe("A saved workflow's name (its latest version)"),
    definition: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional().describe("A definition file's path, relative to this file, or the definition inline"),
    cases: z.array(testCaseSchema).min(1).max(1000),
  })
  .refine((file) => (file.workflow === undefined) !== (file.definition === undefined), { error: "give exactly one of workflow or definition" });

export type WorkflowTestCase = z.infer<typeof testCaseSchema>;
export type WorkflowTestFile = z.infer<typeof workflowTestFileSchema>;

export const WORKFLOW_TEST_JSON_SCHEMA_ID = "https://flowdeck.dev/schema/workflow-test.json";

/** The JSON Schema (draft 2020-12) of a `*.test.json` file, served at /schema/workflow-test.json. */
export function workflowTestJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(workflowTestFileSchema, { target: "draft-2020-12", unrepresentable: "any" }) as Record<string, unknown>;
  return { $schema, $id: WORKFLOW_TEST_JSON_SCHEMA_ID, title: "Flowdeck workflow test file", ...rest };
}

/** Task types that reach outside the engine: a test run refuses them unmocked unless `allowReal` lists them (maps of them too). */
export const MUST_MOCK_TYPES: ReadonlySet<string> = new Set(["http", "worker", "shell", "subworkflow"]);
