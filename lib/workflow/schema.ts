/**
 * The workflow definition schema: the single source for the editor's forms, the API's validation,
 * the importer and the generated JSON Schema (see `json-schema.ts`).
 *
 * Conventions
 * - Objects are strict (unknown keys are rejected, so a typo such as `retires` is an error), except
 *   the workflow's `input` JSON Schema, which is passed through as written.
 * - No `.default()` is used: parsing never inflates a definition with defaults, so a saved or
 *   exported definition keeps exactly what its author wrote. Each default is documented instead,
 *   three times over: JSDoc `@default`, the schema's `default` metadata (it lands in the JSON Schema
 *   and the form generator reads it), and the exported `*_DEFAULTS` constants the engine applies.
 * - Field order in every `z.strictObject` is the canonical key order (`canonical.ts` reads it).
 * - Strings that are exactly `{% … %}` are JSONata expressions (`expressions.ts`).
 */
import * as z from "zod";
import { isExpression } from "./expressions";
import { cronProblem, parseInterval, timezoneProblem } from "./schedule";

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Every task type, in palette order. */
export const TASK_TYPES = [
  "http",
  "transform",
  "worker",
  "wait",
  "approval",
  "switch",
  "map",
  "subworkflow",
  "terminate",
  "shell",
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** Workflow names appear in URLs (`/workflows/{name}`), so they are lowercase slugs. */
export const WORKFLOW_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
export const WORKFLOW_NAME_MAX_LENGTH = 100;
/** Task keys are used in JSONata as `$tasks.<key>`, so they are identifiers. */
export const TASK_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const TASK_KEY_MAX_LENGTH = 64;
/**
 * Names a task key may not have, though they fit TASK_KEY_PATTERN: every property name of
 * `Object.prototype` (what any plain JavaScript object answers to without being given it, so a
 * task keyed `toString` or `__proto__` would be shadowed by, or would replace, the prototype's
 * member wherever results are kept by key), plus `prototype`, which functions carry and which
 * merge-style code treats as special along with `__proto__` and `constructor`. Compared
 * case-sensitively (`Constructor` is fine). schema.test.ts pins this list against
 * `Object.getOwnPropertyNames(Object.prototype)`.
 */
export const RESERVED_TASK_KEYS = [
  "__proto__",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
  "constructor",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "toString",
  "valueOf",
  "prototype",
] as const;
const reservedTaskKeys: ReadonlySet<string> = new Set(RESERVED_TASK_KEYS);
/** Worker task types (Conductor's SIMPLE task names), polled by `POST /api/workers/poll`. */
export const WORKER_TASK_TYPE_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
export const MAX_TASKS = 2000;

/** Any JSON value. Strings that are exactly `{% … %}` inside it are evaluated as JSONata. */
export const jsonValueSchema = z.json().meta({ id: "JsonValue", description: "Any JSON value" });
export type JsonValue = z.infer<typeof jsonValueSchema>;
export type JsonObject = { [key: string]: JsonValue };

/**
 * A JSON template: any JSON value in which every string that is exactly `{% expr %}` is replaced
 * by the expression's value when the template is evaluated.
 */
export const jsonTemplateSchema = jsonValueSchema.describe("A JSON value; every string that is exactly {% … %} is replaced by the JSONata expression's value");

/** A JSONata expression string: exactly `{% … %}`. */
export const expressionSchema = z
  .string()
  .refine(isExpression, { error: "must be a JSONata expression written as {% … %}" })
  .describe("A JSONata expression written as {% … %}");

export const workflowNameSchema = z
  .string()
  .min(1, { error: "must not be empty" })
  .max(WORKFLOW_NAME_MAX_LENGTH, { error: `must be at most ${WORKFLOW_NAME_MAX_LENGTH} characters` })
  .regex(WORKFLOW_NAME_PATTERN, {
    error:
      "must start with a lowercase letter or digit and contain only lowercase letters, digits, '.', '_' and '-' (it appears in URLs)",
  })
  .describe("Workflow name: a lowercase slug, unique per workspace; it appears in URLs");

export const workflowVersionSchema = z
  .number()
  .int({ error: "must be an integer" })
  .min(1, { error: "must be ≥ 1" })
  .describe("Version number, assigned by the server when a definition is saved");

export const taskKeySchema = z
  .string()
  .min(1, { error: "must not be empty" })
  .max(TASK_KEY_MAX_LENGTH, { error: `must be at most ${TASK_KEY_MAX_LENGTH} characters` })
  .regex(TASK_KEY_PATTERN, {
    error:
      "must start with a letter or '_' and contain only letters, digits and '_' (it is used in expressions as $tasks.<key>)",
  })
  .refine((key) => !reservedTaskKeys.has(key), {
    error: (issue) =>
      `must not be ${JSON.stringify(issue.input)}: the names of Object.prototype's members (__proto__, constructor, toString, …) and "prototype" are reserved`,
  })
  // The refinement above, in the JSON Schema (which cannot run code).
  .meta({
    description: "Unique key of the task within the workflow; expressions read its result as $tasks.<key>",
    not: { enum: [...RESERVED_TASK_KEYS] },
  });

const positiveMsSchema = z
  .number()
  .int({ error: "must be an integer number of milliseconds" })
  .min(1, { error: "must be ≥ 1" });

const nonNegativeMsSchema = z
  .number()
  .int({ error: "must be an integer number of milliseconds" })
  .min(0, { error: "must be ≥ 0" });

const stringRecordSchema = z.record(z.string(), z.string());

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function isIsoDateTime(value: string): boolean {
  return z.iso.datetime({ offset: true }).safeParse(value).success;
}

// ---------------------------------------------------------------------------------------------
// Retry and timeouts (Temporal's vocabulary)

export const BACKOFF_KINDS = ["fixed", "linear", "exponential"] as const;
export type Backoff = (typeof BACKOFF_KINDS)[number];

/** Defaults of a retry policy; `maximumIntervalMs` defaults to 100 × `initialIntervalMs`. */
export const RETRY_DEFAULTS = {
  maximumAttempts: 1,
  backoff: "exponential",
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maximumIntervalFactor: 100,
} as const;

export const retryPolicySchema = z
  .strictObject({
    /**
     * Attempts in total, the first one included; 1 means no retry.
     * @default 1
     */
    maximumAttempts: z
      .number()
      .int({ error: "must be an integer" })
      .min(1, { error: "must be ≥ 1" })
      .max(1000, { error: "must be ≤ 1000" })
      .optional()
      .meta({ description: "Attempts in total, the first one included; 1 means no retry", default: 1 }),
    /**
     * How the delay grows between attempts: fixed (initial every time), linear (initial × n),
     * exponential (initial × coefficient^(n-1)); always capped by `maximumIntervalMs`.
     * @default "exponential"
     */
    backoff: z
      .enum(BACKOFF_KINDS)
      .optional()
      .meta({ description: "How the delay grows between attempts", default: "exponential" }),
    /**
     * Delay before the first retry.
     * @default 1000
     */
    initialIntervalMs: positiveMsSchema
      .optional()
      .meta({ description: "Delay before the first retry, in milliseconds", default: 1000 }),
    /**
     * Multiplier of the delay per attempt (exponential backoff only).
     * @default 2
     */
    backoffCoefficient: z
      .number()
      .min(1, { error: "must be ≥ 1" })
      .max(100, { error: "must be ≤ 100" })
      .optional()
      .meta({ description: "Multiplier of the delay per attempt (exponential backoff)", default: 2 }),
    /**
     * Upper bound of the delay between attempts.
     * @default 100 × initialIntervalMs
     */
    maximumIntervalMs: positiveMsSchema
      .optional()
      .describe("Upper bound of the delay between attempts, in milliseconds (default: 100 × initialIntervalMs)"),
    /**
     * Error codes that fail the task at once, without further attempts.
     * @default []
     */
    nonRetryableErrors: z
      .array(z.string().min(1, { error: "must not be empty" }))
      .optional()
      .meta({ description: "Error codes that fail the task at once, without further attempts", default: [] }),
  })
  .superRefine((retry, ctx) => {
    if (
      retry.maximumIntervalMs !== undefined &&
      retry.maximumIntervalMs < (retry.initialIntervalMs ?? RETRY_DEFAULTS.initialIntervalMs)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["maximumIntervalMs"],
        message: "maximumIntervalMs must be ≥ initialIntervalMs",
      });
    }
  })
  .describe("Retry policy: how often and how soon a failed attempt is retried")
  .meta({ id: "RetryPolicy" });
export type RetryPolicy = z.infer<typeof retryPolicySchema>;
export type ResolvedRetryPolicy = Required<Omit<RetryPolicy, "nonRetryableErrors">> & {
  nonRetryableErrors: string[];
};

/** The retry policy with every default applied, as the engine uses it. */
export function resolveRetryPolicy(retry: RetryPolicy | undefined): ResolvedRetryPolicy {
  const initialIntervalMs = retry?.initialIntervalMs ?? RETRY_DEFAULTS.initialIntervalMs;
  return {
    maximumAttempts: retry?.maximumAttempts ?? RETRY_DEFAULTS.maximumAttempts,
    backoff: retry?.backoff ?? RETRY_DEFAULTS.backoff,
    initialIntervalMs,
    backoffCoefficient: retry?.backoffCoefficient ?? RETRY_DEFAULTS.backoffCoefficient,
    maximumIntervalMs: retry?.maximumIntervalMs ?? initialIntervalMs * RETRY_DEFAULTS.maximumIntervalFactor,
    nonRetryableErrors: [...(retry?.nonRetryableErrors ?? [])],
  };
}

export const timeoutsSchema = z
  .strictObject({
    /** Limit of one attempt, from its start to its completion. No limit when absent. */
    startToCloseMs: positiveMsSchema.optional().describe("Limit of one attempt, in milliseconds"),
    /** Limit of the task over all its attempts and the waits between them. No limit when absent. */
    scheduleToCloseMs: positiveMsSchema
      .optional()
      .describe("Limit of the task over all attempts and the delays between them, in milliseconds"),
    /** A worker that has not heartbeated within this time loses its lease (the attempt times out). */
    heartbeatMs: positiveMsSchema
      .optional()
      .describe("Maximum time between two heartbeats of a worker, in milliseconds"),
  })
  .describe("Timeouts of the task; absent means no limit")
  .meta({ id: "Timeouts" });
export type Timeouts = z.infer<typeof timeoutsSchema>;

// ---------------------------------------------------------------------------------------------
// Params per task type

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;
export const HTTP_DEFAULTS = { method: "GET", successStatuses: ["2xx"] } as const;
const STATUS_CLASS_PATTERN = /^[1-5]xx$/;

export const httpParamsSchema = z
  .strictObject({
    /** Absolute http(s) URL, or an expression producing one. */
    url: z
      .string()
      .min(1, { error: "must not be empty" })
      .refine((url) => isExpression(url) || isHttpUrl(url), {
        error: "must be an absolute http(s) URL or an expression {% … %}",
      })
      .describe("Absolute http(s) URL, or an expression {% … %} producing one"),
    /** @default "GET" */
    method: z.enum(HTTP_METHODS).optional().meta({ description: "HTTP method", default: "GET" }),
    headers: stringRecordSchema.optional().describe("Request headers; values may be expressions"),
    query: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe("Query parameters added to the URL; values may be expressions"),
    /** Sent as JSON. */
    body: jsonTemplateSchema.optional().describe("Request body, sent as JSON (a template)"),
    /** Limit of one request; the attempt fails with code `TIMEOUT` when it is reached. */
    timeoutMs: positiveMsSchema.optional().describe("Limit of one request, in milliseconds"),
    /**
     * Response statuses that count as success: numbers, or classes such as "2xx".
     * @default ["2xx"]
     */
    successStatuses: z
      .array(
        z.union([
          z.number().int().min(100, { error: "must be ≥ 100" }).max(599, { error: "must be ≤ 599" }),
          z.string().regex(STATUS_CLASS_PATTERN, { error: 'must be a status class such as "2xx"' }),
        ]),
      )
      .min(1, { error: "must list at least one status" })
      .optional()
      .meta({ description: 'Response statuses that count as success, e.g. [200, "3xx"]', default: ["2xx"] }),
  })
  .describe("Call an HTTP API; the task's output is { status, headers, body }")
  .meta({ id: "HttpParams" });

export const transformParamsSchema = z
  .strictObject({
    /** The task's output: a JSON template evaluated with the expression context. */
    output: jsonTemplateSchema.describe("The task's output: a JSON template"),
  })
  .describe("Compute an output from a JSON template with JSONata expressions")
  .meta({ id: "TransformParams" });

export const workerParamsSchema = z
  .strictObject({
    taskType: z
      .string()
      .min(1, { error: "must not be empty" })
      .max(100, { error: "must be at most 100 characters" })
      .regex(WORKER_TASK_TYPE_PATTERN, {
        error: "must start with a letter or '_' and contain only letters, digits, '_', '.' and '-'",
      })
      .describe("The task type external workers poll for"),
    /** Most tasks of this taskType running at once, over all executions. No limit when absent. */
    concurrencyLimit: z
      .number()
      .int({ error: "must be an integer" })
      .min(1, { error: "must be ≥ 1" })
      .optional()
      .describe("Most tasks of this taskType running at once, over all executions"),
  })
  .describe("Hand the task to an external worker that polls for its taskType")
  .meta({ id: "WorkerParams" });

export const waitParamsSchema = z
  .strictObject({
    durationMs: nonNegativeMsSchema.optional().describe("How long to wait, in milliseconds"),
    until: z
      .string()
      .refine((value) => isExpression(value) || isIsoDateTime(value), {
        error: "must be an ISO 8601 date-time with offset (e.g. 2030-01-01T09:00:00Z) or an expression {% … %}",
      })
      .optional()
      .describe("Wait until this ISO 8601 date-time (or an expression producing one)"),
  })
  .superRefine((params, ctx) => {
    const given = (params.durationMs !== undefined ? 1 : 0) + (params.until !== undefined ? 1 : 0);
    if (given !== 1) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message:
          given === 0 ? "wait needs exactly one of durationMs or until" : "wait takes durationMs or until, not both",
      });
    }
  })
  .describe("Wait for a duration or until a date-time; exactly one of durationMs and until")
  .meta({ id: "WaitParams" });

export const approvalParamsSchema = z
  .strictObject({
    prompt: z.string().optional().describe("What the approver is asked"),
    approvers: z
      .array(z.string().min(1, { error: "must not be empty" }))
      .optional()
      .describe("Users or roles allowed to approve; anyone with the operator role when absent"),
    /** The task times out (TIMED_OUT) when nobody decides in time. No limit when absent. */
    timeoutMs: positiveMsSchema.optional().describe("How long to wait for a decision, in milliseconds"),
  })
  .describe("Wait for a person (or an API call) to approve or reject")
  .meta({ id: "ApprovalParams" });

export const switchCaseSchema = z.strictObject({
  name: z.string().min(1, { error: "must not be empty" }).describe("Name of the branch, shown on the edge"),
  when: expressionSchema.describe("Condition of the branch; the first case whose condition is true is taken"),
  next: z
    .array(taskKeySchema)
    .describe("Tasks of this branch: direct dependents of the switch that run when it is taken"),
});

export const switchParamsSchema = z
  .strictObject({
    cases: z.array(switchCaseSchema).min(1, { error: "must have at least one case" }).describe("Branches, in order"),
    default: z
      .array(taskKeySchema)
      .optional()
      .describe("Tasks that run when no case matches; when absent and no case matches, all branches are skipped"),
  })
  .describe(
    "Pick one branch: the first case whose condition holds. Dependents of the switch outside that branch are SKIPPED",
  )
  .meta({ id: "SwitchParams" });

export const workflowRefSchema = z
  .strictObject({
    name: workflowNameSchema,
    version: workflowVersionSchema.optional().describe("Version to run; the latest version when absent"),
    input: jsonTemplateSchema
      .optional()
      .describe("Input of each child execution (a template with $item and $index); { item, index } when absent"),
  })
  .describe("A workflow to run, by name and optionally version")
  .meta({ id: "WorkflowRef" });

/** Task types that may run per item inside a map (nothing that needs a place in the graph). */
export const MAP_ITEM_TASK_TYPES = ["http", "transform", "worker", "wait", "approval", "subworkflow", "shell"] as const;

export const MAP_DEFAULTS = { concurrency: 10, failFast: false } as const;

// The params of the other types are declared before the map's item template needs them.
export const subworkflowParamsSchema = z
  .strictObject({
    workflow: workflowNameSchema.describe("Name of the workflow to run"),
    version: workflowVersionSchema.optional().describe("Version to run; the latest version when absent"),
    input: jsonTemplateSchema.optional().describe("Input of the child execution (a template)"),
  })
  .describe("Run another workflow and wait for it; the task's output is the child's output")
  .meta({ id: "SubworkflowParams" });

export const TERMINATE_STATUSES = ["COMPLETED", "FAILED", "TERMINATED"] as const;

export const terminateParamsSchema = z
  .strictObject({
    status: z.enum(TERMINATE_STATUSES).describe("Status the execution ends with"),
    reason: z.string().min(1, { error: "must not be empty" }).describe("Why the execution ends (may be an expression)"),
    output: jsonTemplateSchema.optional().describe("Output of the execution (a template)"),
  })
  .describe("End the execution with a status and a reason; running tasks are cancelled")
  .meta({ id: "TerminateParams" });

export const shellParamsSchema = z
  .strictObject({
    command: z.string().min(1, { error: "must not be empty" }).describe("Program to run (no shell interpretation)"),
    args: z.array(z.string()).optional().describe("Arguments; each may be an expression"),
    cwd: z.string().optional().describe("Working directory"),
    env: stringRecordSchema.optional().describe("Extra environment variables"),
    timeoutMs: positiveMsSchema.optional().describe("Limit of one run, in milliseconds"),
  })
  .describe("Run a command; only on a worker agent or where shell tasks are explicitly enabled")
  .meta({ id: "ShellParams" });

function itemTemplate<const T extends string, P extends z.ZodType>(type: T, params: P) {
  return z.strictObject({
    type: z.literal(type),
    params,
    input: jsonTemplateSchema.optional().describe("The item task's input (a template with $item and $index)"),
    retry: retryPolicySchema.optional(),
    timeouts: timeoutsSchema.optional(),
  });
}

export const mapItemTaskSchema = z
  .discriminatedUnion("type", [
    itemTemplate("http", httpParamsSchema),
    itemTemplate("transform", transformParamsSchema),
    itemTemplate("worker", workerParamsSchema),
    itemTemplate("wait", waitParamsSchema),
    itemTemplate("approval", approvalParamsSchema),
    itemTemplate("subworkflow", subworkflowParamsSchema),
    itemTemplate("shell", shellParamsSchema),
  ])
  .describe("The task run for each item")
  .meta({ id: "MapItemTask" });
export type MapItemTask = z.infer<typeof mapItemTaskSchema>;

export const mapParamsSchema = z
  .strictObject({
    items: z
      .union([expressionSchema, z.array(jsonValueSchema)], {
        error: "must be a JSON array or an expression {% … %} producing one",
      })
      .describe("The list to iterate: a JSON array or an expression producing one"),
    /**
     * Most items running at once.
     * @default 10
     */
    concurrency: z
      .number()
      .int({ error: "must be an integer" })
      .min(1, { error: "must be ≥ 1" })
      .max(1000, { error: "must be ≤ 1000" })
      .optional()
      .meta({ description: "Most items running at once", default: 10 }),
    /**
     * true: the first failed item fails the map and cancels the rest. false (collect): every item
     * runs and the map completes with `{ success: { "<index>": output }, failure: { "<index>": error } }`.
     * @default false
     */
    failFast: z.boolean().optional().meta({
      description:
        "true: the first failed item fails the map and cancels the rest; false: every item runs and the output collects { success, failure } by index",
      default: false,
    }),
    task: mapItemTaskSchema.optional(),
    workflow: workflowRefSchema.optional().describe("A child workflow run for each item"),
  })
  .superRefine((params, ctx) => {
    const given = (params.task !== undefined ? 1 : 0) + (params.workflow !== undefined ? 1 : 0);
    if (given !== 1) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: given === 0 ? "map needs exactly one of task or workflow" : "map takes task or workflow, not both",
      });
    }
  })
  .describe(
    "Run a task or a child workflow for each item of a list, in parallel up to a concurrency limit; output { success, failure } keyed by item index",
  )
  .meta({ id: "MapParams" });

export const paramsSchemas = {
  http: httpParamsSchema,
  transform: transformParamsSchema,
  worker: workerParamsSchema,
  wait: waitParamsSchema,
  approval: approvalParamsSchema,
  switch: switchParamsSchema,
  map: mapParamsSchema,
  subworkflow: subworkflowParamsSchema,
  terminate: terminateParamsSchema,
  shell: shellParamsSchema,
} as const satisfies Record<TaskType, z.ZodType>;

export type HttpParams = z.infer<typeof httpParamsSchema>;
export type TransformParams = z.infer<typeof transformParamsSchema>;
export type WorkerParams = z.infer<typeof workerParamsSchema>;
export type WaitParams = z.infer<typeof waitParamsSchema>;
export type ApprovalParams = z.infer<typeof approvalParamsSchema>;
export type SwitchParams = z.infer<typeof switchParamsSchema>;
export type MapParams = z.infer<typeof mapParamsSchema>;
export type SubworkflowParams = z.infer<typeof subworkflowParamsSchema>;
export type TerminateParams = z.infer<typeof terminateParamsSchema>;
export type ShellParams = z.infer<typeof shellParamsSchema>;

// ---------------------------------------------------------------------------------------------
// Tasks

export const TRIGGER_RULES = ["all_success", "all_done", "one_success", "none_failed"] as const;
export const DEFAULT_TRIGGER_RULE = "all_success";

/**
 * When a task with upstream tasks may run (Airflow's trigger rules): all_success — every upstream
 * task completed; all_done — every upstream task reached a terminal status; one_success — at least
 * one upstream task completed (the task starts as soon as one does; a branch task of a switch still
 * waits for the switch to take its branch); none_failed — no upstream task
 * failed (completed or skipped).
 * @default "all_success"
 */
export const triggerRuleSchema = z.enum(TRIGGER_RULES).meta({
  description:
    "When the task may run: all_success (every upstream completed), all_done (every upstream finished), one_success (one upstream completed), none_failed (none failed; skipped is fine)",
  default: "all_success",
});
export type TriggerRule = z.infer<typeof triggerRuleSchema>;

function taskVariant<const T extends TaskType, P extends z.ZodType>(type: T, params: P) {
  return z.strictObject({
    key: taskKeySchema,
    name: z.string().max(200, { error: "must be at most 200 characters" }).optional().describe("Display label"),
    description: z.string().optional().describe("What the task does, for people"),
    type: z.literal(type),
    dependsOn: z
      .array(taskKeySchema)
      .max(MAX_TASKS, { error: `must have at most ${MAX_TASKS} items` })
      .optional()
      .describe("Keys of the tasks this task runs after (its upstream tasks)"),
    triggerRule: triggerRuleSchema.optional(),
    when: expressionSchema
      .optional()
      .describe("Condition evaluated when the task is ready; false skips it (and the skip propagates)"),
    input: jsonTemplateSchema.optional().describe("The task's input mapping (a template)"),
    params,
    retry: retryPolicySchema.optional(),
    timeouts: timeoutsSchema.optional(),
  });
}

export const httpTaskSchema = taskVariant("http", httpParamsSchema);
export const transformTaskSchema = taskVariant("transform", transformParamsSchema);
export const workerTaskSchema = taskVariant("worker", workerParamsSchema);
export const waitTaskSchema = taskVariant("wait", waitParamsSchema);
export const approvalTaskSchema = taskVariant("approval", approvalParamsSchema);
export const switchTaskSchema = taskVariant("switch", switchParamsSchema);
export const mapTaskSchema = taskVariant("map", mapParamsSchema);
export const subworkflowTaskSchema = taskVariant("subworkflow", subworkflowParamsSchema);
export const terminateTaskSchema = taskVariant("terminate", terminateParamsSchema);
export const shellTaskSchema = taskVariant("shell", shellParamsSchema);

export const taskDefinitionSchema = z
  .discriminatedUnion("type", [
    httpTaskSchema,
    transformTaskSchema,
    workerTaskSchema,
    waitTaskSchema,
    approvalTaskSchema,
    switchTaskSchema,
    mapTaskSchema,
    subworkflowTaskSchema,
    terminateTaskSchema,
    shellTaskSchema,
  ])
  .describe("A task: a node of the workflow graph")
  .meta({ id: "Task" });
export type TaskDefinition = z.infer<typeof taskDefinitionSchema>;
export type TaskOfType<T extends TaskType> = Extract<TaskDefinition, { type: T }>;

// ---------------------------------------------------------------------------------------------
// Triggers: what starts an execution by itself (schedules, webhooks, other workflows' ends)

export const TRIGGER_TYPES = ["schedule", "webhook", "workflow"] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];
/** Trigger keys appear in URLs (`/api/hooks/{workflow}/{key}`), so they are slugs. */
export const TRIGGER_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
export const TRIGGER_KEY_MAX_LENGTH = 64;
export const MAX_TRIGGERS = 50;
export const OVERLAP_POLICIES = ["skip", "queue", "allow", "cancelPrevious"] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];
export const CATCH_UP_POLICIES = ["none", "latest", "all"] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];
export const WEBHOOK_RESPONSES = ["accepted", "result"] as const;
/** The statuses an execution ends with (a workflow trigger listens for some of them). */
export const ENDED_EXECUTION_STATUSES = ["COMPLETED", "FAILED", "TERMINATED", "TIMED_OUT"] as const;
/** Most bytes of a webhook body (`maxBodyBytes` may lower it). */
export const WEBHOOK_MAX_BODY_BYTES = 5 * 1024 * 1024;

export const TRIGGER_DEFAULTS = {
  enabled: true,
  timezone: "UTC",
  overlap: "allow",
  catchUp: "none",
  catchUpLimit: 10,
  jitterMs: 0,
  respond: "accepted",
  waitSeconds: 30,
  maxBodyBytes: 1024 * 1024,
  idempotencyWindowSeconds: 86_400,
} as const;

export const triggerKeySchema = z
  .string()
  .min(1, { error: "must not be empty" })
  .max(TRIGGER_KEY_MAX_LENGTH, { error: `must be at most ${TRIGGER_KEY_MAX_LENGTH} characters` })
  .regex(TRIGGER_KEY_PATTERN, {
    error: "must start with a letter or digit and contain only letters, digits, '_' and '-' (it appears in the webhook URL)",
  })
  .describe("Unique key of the trigger within the workflow; a webhook's URL ends with it");

function triggerBase<const T extends TriggerType>(type: T) {
  return {
    type: z.literal(type),
    key: triggerKeySchema,
    description: z.string().max(1000, { error: "must be at most 1000 characters" }).optional().describe("What the trigger is for, for people"),
    /**
     * A trigger is active as soon as its version is saved, unless this is false. Operators pause
     * and resume it at run time without a new version.
     * @default true
     */
    enabled: z.boolean().optional().meta({ description: "false: saved but inactive (operators may still run it by hand)", default: true }),
  };
}

export const scheduleTriggerSchema = z
  .strictObject({
    ...triggerBase("schedule"),
    cron: z
      .string()
      .superRefine((cron, ctx) => {
        const problem = cronProblem(cron);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional()
      .describe('Cron expression: 5 fields (minute hour day month weekday) or 6 (seconds first), e.g. "0 2 * * *"'),
    every: z
      .string()
      .superRefine((every, ctx) => {
        const interval = parseInterval(every);
        if (!interval.ok) ctx.addIssue({ code: "custom", message: interval.message });
      })
      .optional()
      .describe('A fixed interval instead of cron: "30s", "5m", "2h", "1d" (anchored at start, or the Unix epoch)'),
    /** @default "UTC" */
    timezone: z
      .string()
      .superRefine((timezone, ctx) => {
        const problem = timezoneProblem(timezone);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional()
      .meta({ description: "IANA time zone the cron expression is read in (DST as cron users expect)", default: "UTC" }),
    start: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time with offset, e.g. 2030-01-01T00:00:00Z" }).optional().describe("No fire before this time"),
    end: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time with offset, e.g. 2030-01-01T00:00:00Z" }).optional().describe("No fire after this time"),
    input: jsonTemplateSchema.optional().describe("Input of each execution (a template; $trigger.scheduledTime is the fire time)"),
    /**
     * What a fire does while the previous execution it started still runs: skip it, queue it
     * (fire when the previous one ends), allow both, or cancel (terminate) the previous one.
     * @default "allow"
     */
    overlap: z.enum(OVERLAP_POLICIES).optional().meta({ description: "While the previous execution still runs: skip, queue, allow or cancelPrevious", default: "allow" }),
    /**
     * Fires missed while no engine ran: none (skipped), latest (the most recent one fires), all
     * (the most recent catchUpLimit fire, oldest first).
     * @default "none"
     */
    catchUp: z.enum(CATCH_UP_POLICIES).optional().meta({ description: "Fires missed during downtime: none, latest, or all (up to catchUpLimit)", default: "none" }),
    /** @default 10 */
    catchUpLimit: z.number().int({ error: "must be an integer" }).min(1, { error: "must be ≥ 1" }).max(1000, { error: "must be ≤ 1000" }).optional().meta({ description: "Most missed fires catchUp all starts", default: 10 }),
    /** @default 0 */
    jitterMs: z.number().int({ error: "must be an integer number of milliseconds" }).min(0, { error: "must be ≥ 0" }).max(3_600_000, { error: "must be ≤ 3600000" }).optional().meta({ description: "Each fire waits a stable pseudo-random delay below this, in milliseconds", default: 0 }),
  })
  .superRefine((trigger, ctx) => {
    const given = (trigger.cron !== undefined ? 1 : 0) + (trigger.every !== undefined ? 1 : 0);
    if (given !== 1) {
      ctx.addIssue({ code: "custom", path: [], message: given === 0 ? "a schedule needs exactly one of cron or every" : "a schedule takes cron or every, not both" });
    }
    if (trigger.start && trigger.end && Date.parse(trigger.end) <= Date.parse(trigger.start)) {
      ctx.addIssue({ code: "custom", path: ["end"], message: "end must be after start" });
    }
    if (trigger.every !== undefined && trigger.timezone !== undefined) {
      ctx.addIssue({ code: "custom", path: ["timezone"], message: "timezone applies to cron only (an interval is the same in every zone)" });
    }
    if (trigger.catchUpLimit !== undefined && trigger.catchUp !== "all") {
      ctx.addIssue({ code: "custom", path: ["catchUpLimit"], message: 'catchUpLimit applies only with catchUp "all"' });
    }
  })
  .describe("Start an execution on a schedule (cron or a fixed interval)")
  .meta({ id: "ScheduleTrigger" });

export const webhookTriggerSchema = z
  .strictObject({
    ...triggerBase("webhook"),
    input: jsonTemplateSchema.optional().describe("Input of the execution (a template over $trigger.body, $trigger.headers, $trigger.query); the JSON body when absent"),
    /** @default "accepted" */
    respond: z.enum(WEBHOOK_RESPONSES).optional().meta({ description: "accepted: 202 with the execution id at once; result: wait up to waitSeconds and answer with its output or error", default: "accepted" }),
    /** @default 30 */
    waitSeconds: z.number().int({ error: "must be an integer" }).min(1, { error: "must be ≥ 1" }).max(300, { error: "must be ≤ 300" }).optional().meta({ description: "With respond result: longest wait for the execution to end", default: 30 }),
    /** @default 1048576 */
    maxBodyBytes: z.number().int({ error: "must be an integer" }).min(1, { error: "must be ≥ 1" }).max(WEBHOOK_MAX_BODY_BYTES, { error: `must be ≤ ${WEBHOOK_MAX_BODY_BYTES}` }).optional().meta({ description: "Largest request body accepted (413 above)", default: 1_048_576 }),
    /** @default 86400 */
    idempotencyWindowSeconds: z.number().int({ error: "must be an integer" }).min(1, { error: "must be ≥ 1" }).max(30 * 86_400, { error: "must be ≤ 2592000" }).optional().meta({ description: "How long an Idempotency-Key returns the first execution instead of starting another", default: 86_400 }),
  })
  .describe("Start an execution from a signed HTTP call: POST /api/hooks/{workflow}/{key}")
  .meta({ id: "WebhookTrigger" });

export const workflowTriggerSchema = z
  .strictObject({
    ...triggerBase("workflow"),
    workflow: workflowNameSchema.describe("The workflow whose executions' ends start this one"),
    status: z
      .array(z.enum(ENDED_EXECUTION_STATUSES))
      .min(1, { error: "must list at least one status" })
      .optional()
      .describe("The ending statuses that start this workflow; any end when absent"),
    input: jsonTemplateSchema.optional().describe("Input of the execution (a template; $trigger.sourceExecution has id, workflow, version, status, output, error)"),
  })
  .describe("Start an execution when an execution of another workflow ends")
  .meta({ id: "WorkflowTrigger" });

export const triggerDefinitionSchema = z
  .discriminatedUnion("type", [scheduleTriggerSchema, webhookTriggerSchema, workflowTriggerSchema])
  .describe("A trigger: what starts an execution by itself")
  .meta({ id: "Trigger" });
export type TriggerDefinition = z.infer<typeof triggerDefinitionSchema>;
export type ScheduleTrigger = z.infer<typeof scheduleTriggerSchema>;
export type WebhookTrigger = z.infer<typeof webhookTriggerSchema>;
export type WorkflowTrigger = z.infer<typeof workflowTriggerSchema>;

// ---------------------------------------------------------------------------------------------
// Workflow

/** The JSON Schema of an execution's input: an object schema, kept as written. */
export const inputJsonSchemaSchema = z
  .looseObject({
    type: z.literal("object", { error: 'must be "object"' }),
    properties: z.record(z.string(), z.record(z.string(), jsonValueSchema)).optional(),
    required: z.array(z.string()).optional(),
  })
  .describe('JSON Schema of the execution input: { "type": "object", "properties": { … } }')
  .meta({ id: "InputJsonSchema" });
export type InputJsonSchema = z.infer<typeof inputJsonSchemaSchema>;

export const layoutPointSchema = z.strictObject({
  x: z.number(),
  y: z.number(),
});
export type LayoutPoint = z.infer<typeof layoutPointSchema>;

export const workflowDefinitionSchema = z
  .strictObject({
    $schema: z
      .string()
      .max(2000, { error: "must be at most 2000 characters" })
      .optional()
      .describe("The JSON Schema this file follows (e.g. https://your-flowdeck/schema/workflow.json), so editors check it as you type; not stored"),
    name: workflowNameSchema,
    version: workflowVersionSchema.optional(),
    description: z.string().max(10_000, { error: "must be at most 10000 characters" }).optional().describe(
      "What the workflow does, for people",
    ),
    input: inputJsonSchemaSchema.optional(),
    variables: z
      .record(z.string(), jsonValueSchema)
      .optional()
      .describe("Constant values available to expressions as $vars (not evaluated)"),
    timeoutMs: positiveMsSchema.optional().describe("Limit of a whole execution, in milliseconds; no limit when absent"),
    failureWorkflow: workflowNameSchema
      .optional()
      .describe("Workflow started when an execution fails; its input is { execution, error }"),
    tasks: z
      .array(taskDefinitionSchema)
      .min(1, { error: "must have at least 1 task" })
      .max(MAX_TASKS, { error: `must have at most ${MAX_TASKS} tasks` })
      .describe("The tasks; edges are each task's dependsOn"),
    output: jsonTemplateSchema.optional().describe("Output of the execution (a template); evaluated when it completes"),
    triggers: z
      .array(triggerDefinitionSchema)
      .max(MAX_TRIGGERS, { error: `must have at most ${MAX_TRIGGERS} triggers` })
      .optional()
      .describe("What starts an execution by itself: schedules, webhooks, other workflows' ends"),
    layout: z
      .record(z.string(), layoutPointSchema)
      .optional()
      .describe("Canvas position of each task, by task key; kept apart so that moving a node is not a rewiring"),
  })
  .describe("A Flowdeck workflow definition");
export type WorkflowDefinition = z.infer<typeof workflowDefinitionSchema>;
