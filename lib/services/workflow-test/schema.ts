// The request and the answer of POST /api/workflows/test (the one source: the route validates with
// these, the OpenAPI document is generated from them).
import { z } from "zod";
import { boundedJsonSchema } from "@/lib/services/json-value";
import { taskMocksSchema } from "@/lib/workflow/test-file";

/** Longest a test run may take (FLOWDECK_TEST_RUN_TIMEOUT_MS). @default 30000 */
export const MAX_TEST_RUN_MS = Number(process.env.FLOWDECK_TEST_RUN_TIMEOUT_MS ?? 30_000);

export const workflowTestRequestSchema = z
  .strictObject({
    definition: z.record(z.string(), z.unknown()).optional().describe("A definition to test (saved or not: a draft)"),
    workflow: z.string().min(1).optional().describe("Or a saved workflow's name"),
    version: z.number().int().min(1).optional().describe("With workflow: the version (latest otherwise)"),
    input: boundedJsonSchema.optional().describe("The execution's input; default {}"),
    mocks: taskMocksSchema.optional().describe("Mocked outcomes by task key: { output } | { error } | { delay, … } | a sequence for the attempts"),
    allowReal: z.array(z.string().min(1)).max(1000).optional().describe("Keys of http/worker/shell/subworkflow tasks allowed to run for real"),
    timeoutSeconds: z
      .number()
      .positive()
      .max(MAX_TEST_RUN_MS / 1000, { error: `must be at most ${MAX_TEST_RUN_MS / 1000}` })
      .optional()
      .describe(`How long the run may take; default and limit ${MAX_TEST_RUN_MS / 1000}`),
  })
  .refine((body) => (body.definition === undefined) !== (body.workflow === undefined), { error: "give exactly one of definition or workflow", path: ["definition"] })
  .refine((body) => body.version === undefined || body.workflow !== undefined, { error: "version goes with workflow", path: ["version"] });
export type WorkflowTestRequest = z.infer<typeof workflowTestRequestSchema>;

export const testAttemptSchema = z.object({
  attempt: z.number().int(),
  status: z.string(),
  input: z.unknown(),
  output: z.unknown(),
  error: z.unknown(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});

export const testTaskSchema = z.object({
  key: z.string(),
  /** -1 for the task itself; a map's items are listed after it with their index. */
  mapIndex: z.number().int(),
  type: z.string(),
  status: z.string(),
  mocked: z.boolean(),
  attempts: z.array(testAttemptSchema),
});

export const workflowTestResultSchema = z.object({
  workflow: z.object({ name: z.string(), version: z.number().int() }),
  status: z.string().describe("The execution's status; RUNNING (or PAUSED, WAITING tasks) when the run hit its time limit"),
  timedOut: z.boolean().describe("The run hit its time limit before the execution ended"),
  durationMs: z.number(),
  output: z.unknown(),
  error: z.unknown(),
  tasks: z.array(testTaskSchema),
});
export type WorkflowTestResult = z.infer<typeof workflowTestResultSchema>;
export type TestTaskResult = z.infer<typeof testTaskSchema>;
