/**
 * The bodies the API answers, as zod schemas: the OpenAPI document (document.ts) is generated from
 * them, and the contract test (tests/integration/openapi-contract.test.ts) validates real answers
 * against that document. The services' TypeScript view types are checked against these schemas at
 * compile time (the `Conforms` lines at the end), so a field added to a view without being added
 * here fails `tsc`, and a field documented here that a view lacks fails it too.
 */
import { z } from "zod";
import { triggerDefinitionSchema, workflowDefinitionSchema } from "@/lib/workflow/schema";
import { EXECUTION_STATUSES } from "@/lib/engine/statuses";
import { TOKEN_ROLES, USER_ROLES } from "@/lib/auth/roles";
import type { ExecutionEventView, ExecutionView } from "@/lib/services/executions";
import type { ExecutionDelta } from "@/lib/services/execution-delta";
import type { ExecutionPage, ExecutionSummary } from "@/lib/services/execution-search";
import type { WorkflowSummaryView, WorkflowVersionView } from "@/lib/services/workflows";
import type { TokenView } from "@/lib/auth/api-tokens";
import type { UserView } from "@/lib/auth/users";
import type { SecretView } from "@/lib/secrets/service";
import type { AppendLogsResult, HeartbeatResult, TaskResultView } from "@/lib/services/workers";
import type { TaskLogLineView, TaskLogPage } from "@/lib/services/task-logs";
import type { WorkerTaskView } from "@/lib/runtime/worker-poll";
import type { RerunPreview } from "@/lib/services/operations";
import type { HealthReport } from "@/lib/services/health";
import type { TriggerView } from "@/lib/triggers/service";

const time = z.iso.datetime({ offset: true });
const nullableTime = time.nullable();
/** Any JSON value (inputs, outputs, errors, logs). */
const anyJson = z.unknown();

export const errorDetailSchema = z.object({ path: z.string(), message: z.string() }).meta({ id: "ErrorDetail" });

/** Every refusal: lib/http/api.ts errorResponse. */
export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "VALIDATION_FAILED, BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, TOO_MANY_REQUESTS, SERVICE_UNAVAILABLE, UNAVAILABLE, INTERNAL" }),
      message: z.string(),
      details: z.array(errorDetailSchema),
    }),
  })
  .meta({ id: "Error", description: "The error body of every API route" });

export const validationIssueSchema = z.object({ path: z.string(), message: z.string(), code: z.string() }).meta({ id: "ValidationIssue" });

export const workflowVersionViewSchema = z
  .object({
    name: z.string(),
    version: z.number().int(),
    description: z.string().nullable(),
    checksum: z.string(),
    taskCount: z.number().int(),
    createdAt: time,
    createdBy: z.string().nullable(),
    restoredFrom: z.number().int().nullable().meta({ description: "The version this one restores (Restore as new version), or null" }),
    definition: workflowDefinitionSchema,
  })
  .meta({ id: "WorkflowVersion" });

export const workflowSummarySchema = workflowVersionViewSchema.extend({ versionCount: z.number().int() }).meta({ id: "WorkflowSummary" });

export const workflowVersionRowSchema = workflowVersionViewSchema.omit({ definition: true }).meta({ id: "WorkflowVersionEntry" });

export const saveResultSchema = z
  .object({ created: z.boolean(), workflow: workflowVersionViewSchema, warnings: z.array(validationIssueSchema) })
  .meta({ id: "SaveResult", description: "created: false when the definition equals the latest version (nothing saved)" });

const conflictVersionSchema = workflowVersionViewSchema.omit({ description: true, restoredFrom: true });

export const saveConflictSchema = z
  .object({
    error: apiErrorSchema.shape.error.extend({
      conflict: z.object({
        kind: z.enum(["exists", "stale"]),
        workflow: z.string(),
        href: z.string(),
        base: conflictVersionSchema.nullable(),
        latest: conflictVersionSchema.nullable(),
      }),
    }),
  })
  .meta({ id: "SaveConflict", description: "409 of a save that would overwrite what it was not based on" });

export const deletedWorkflowSchema = z.object({ name: z.string(), deleted: z.array(z.number().int()) }).meta({ id: "DeletedWorkflow" });

const attemptSchema = z.object({
  id: z.string(),
  attempt: z.number().int(),
  status: z.string(),
  input: anyJson,
  output: anyJson,
  error: anyJson,
  logBytes: z.number().int().describe("Bytes of log lines kept for this attempt (GET /api/executions/{executionId}/logs?taskRunId=); 0: none"),
  heartbeatDetails: anyJson,
  heartbeatAt: nullableTime,
  worker: z.string().nullable(),
  childExecutionId: z.string().nullable(),
  scheduledAt: nullableTime,
  startedAt: nullableTime,
  endedAt: nullableTime,
  nextRunAt: nullableTime,
});

const archivedAttemptSchema = z.object({
  id: z.string(),
  taskKey: z.string(),
  mapIndex: z.number().int(),
  attempt: z.number().int(),
  taskType: z.string(),
  status: z.string(),
  input: anyJson,
  output: anyJson,
  error: anyJson,
  logBytes: z.number().int().describe("Bytes of log lines kept (read them by this attempt's id)"),
  scheduledAt: nullableTime,
  startedAt: nullableTime,
  endedAt: nullableTime,
});

const supersedingSchema = z.object({
  eventId: z.string(),
  type: z.string(),
  taskKey: z.string().nullable(),
  actor: z.string().nullable(),
  reason: z.string().nullable(),
  at: time,
});

/** What started an execution, when a trigger did (lib/triggers). */
export const executionTriggerSchema = z
  .object({
    type: z.string().meta({ description: "schedule, webhook or workflow" }),
    key: z.string(),
    fireTime: time.optional(),
    requestId: z.string().optional(),
    sourceExecution: z.string().optional(),
    idempotencyKey: z.string().optional(),
    manual: z.boolean().optional().meta({ description: "Started by an operator's Run now" }),
  })
  .meta({ id: "ExecutionTrigger" });

export const executionViewSchema = z
  .object({
    id: z.string(),
    workflowName: z.string(),
    workflowVersion: z.number().int(),
    status: z.enum(EXECUTION_STATUSES),
    input: anyJson,
    output: anyJson,
    error: anyJson,
    correlationId: z.string().nullable(),
    parentExecutionId: z.string().nullable(),
    parentTaskRunId: z.string().nullable(),
    createdBy: z.string().nullable(),
    trigger: executionTriggerSchema.nullable(),
    createdAt: time,
    startedAt: nullableTime,
    endedAt: nullableTime,
    pausedAt: nullableTime,
    tasks: z.array(
      z.object({ taskKey: z.string(), mapIndex: z.number().int(), taskType: z.string(), status: z.string(), attempts: z.array(attemptSchema) }),
    ),
    history: z.object({
      superseded: z.array(archivedAttemptSchema.extend({ supersededBy: supersedingSchema.nullable() })),
      inputs: z.array(
        z.object({ kind: z.enum(["start", "rerun"]), input: anyJson, at: time, actor: z.string().nullable(), eventId: z.string().nullable(), taskKey: z.string().nullable() }),
      ),
    }),
  })
  .meta({ id: "Execution", description: "An execution with its tasks, every attempt, and what reruns replaced" });

export const executionDeltaSchema = z
  .object({
    lastEventId: z.string().meta({ description: "The last event this delta covers (the SSE id: resume after it)" }),
    reload: z.boolean().meta({ description: "A retry, rerun, restart or reopening skip replaced tasks or history: read the whole execution again" }),
    execution: executionViewSchema.omit({ tasks: true, history: true }),
    tasks: executionViewSchema.shape.tasks.meta({ description: "The tasks these events named, each with all of its attempts (empty when reload)" }),
  })
  .meta({ id: "ExecutionDelta", description: "What a batch of events changed: the execution's own fields and the tasks they named" });

export const executionSummarySchema = executionViewSchema
  .pick({ id: true, workflowName: true, workflowVersion: true, status: true, correlationId: true, parentExecutionId: true, createdBy: true, trigger: true, createdAt: true, startedAt: true, endedAt: true })
  .meta({ id: "ExecutionSummary" });

export const executionPageSchema = z
  .object({ executions: z.array(executionSummarySchema), nextCursor: z.string().nullable(), prevCursor: z.string().nullable(), total: z.number().int().min(0) })
  .meta({ id: "ExecutionPage", description: "Newest first; pass nextCursor as ?cursor= for the older page, prevCursor as ?newerThan= for the newer one; total counts every match" });

export const rerunPreviewSchema = z
  .object({ dryRun: z.literal(true), reset: z.array(z.string()), kept: z.array(z.string()) })
  .meta({ id: "RerunPreview", description: "A dry run: the tasks that would re-run (reset) and the ones kept" });

export const executionEventSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    taskKey: z.string().nullable(),
    mapIndex: z.number().int().nullable(),
    taskRunId: z.string().nullable(),
    actor: z.string().nullable(),
    reason: z.string().nullable(),
    payload: anyJson,
    createdAt: time,
  })
  .meta({ id: "ExecutionEvent" });

export const healthSchema = z
  .object({
    status: z.literal("ok"),
    version: z.string(),
    database: z.object({ provider: z.string(), url: z.string() }),
    migrations: z.object({ applied: z.array(z.string()), pending: z.array(z.string()) }),
    engine: z.union([
      z.object({ mode: z.literal("off"), state: z.literal("off") }),
      z.object({ mode: z.literal("embedded"), thread: z.boolean().describe("Whether the engine runs on a thread of its own (FLOWDECK_ENGINE_THREAD)"), state: z.enum(["running", "stopped"]), engineId: z.string(), runningTasks: z.number(), decisions: z.number(), tasks: z.number() }),
    ]),
  })
  .meta({ id: "Health" });

export const meSchema = z
  .object({ kind: z.string(), actor: z.string(), role: z.enum([...new Set([...USER_ROLES, ...TOKEN_ROLES])] as [string, ...string[]]) })
  .meta({ id: "Me", description: "Who the credentials belong to" });

export const tokenViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(TOKEN_ROLES),
    prefix: z.string(),
    createdBy: z.string().nullable(),
    createdAt: time,
    expiresAt: nullableTime,
    lastUsedAt: nullableTime,
    revokedAt: nullableTime,
  })
  .meta({ id: "ApiToken", description: "An API token; never its secret" });

export const createdTokenSchema = tokenViewSchema.extend({ token: z.string().meta({ description: "The secret, shown this once" }) }).meta({ id: "CreatedApiToken" });

export const userViewSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(USER_ROLES),
    disabled: z.boolean(),
    createdAt: time,
    lastLoginAt: nullableTime,
    createdBy: z.string().nullable(),
  })
  .meta({ id: "User" });

export const secretViewSchema = z
  .object({ name: z.string(), keyId: z.string(), createdBy: z.string().nullable(), createdAt: time, updatedBy: z.string().nullable(), updatedAt: time })
  .meta({ id: "Secret", description: "A secret's name and who set it when; never its value" });

// The worker SDK's wire types (packages/worker) are generated from the worker answers below and the
// request schemas of lib/services/worker-schemas.ts (scripts/gen-worker-protocol.ts): their descriptions
// are the SDK's JSDoc too.
export const workerTaskSchema = z
  .object({
    taskId: z.string().describe("The attempt's id: the `{taskId}` of heartbeat, logs, complete and fail"),
    executionId: z.string(),
    workflowName: z.string(),
    workflowVersion: z.number().int(),
    taskKey: z.string(),
    mapIndex: z.number().int().describe("-1 for a task of its own; the item index for an item of a map"),
    attempt: z.number().int().describe("1 for the first attempt"),
    input: anyJson,
    leaseExpiresAt: time.describe("Heartbeat or report a result before then, or the attempt times out (LEASE_EXPIRED)"),
    leaseMs: z.number().int().describe("Length of the lease; each heartbeat renews it for this long"),
    lastHeartbeatDetails: anyJson
      .optional()
      .meta({ description: "The last heartbeat `details` of the previous attempt, when it sent any: a retry can resume from the progress the failed attempt reported" }),
    heartbeatTimeoutMs: z.number().int().optional().describe("The task's heartbeat timeout, when it has one"),
  })
  .meta({ id: "WorkerTask", description: "A claimed attempt, RUNNING under the worker's lease" });

/** POST /api/workers/poll's answer. */
export const pollResultSchema = z.object({ tasks: z.array(workerTaskSchema).describe("The attempts claimed; none when nothing came within waitMs") });
export const heartbeatResultSchema = z
  .object({ taskId: z.string(), leaseExpiresAt: time.describe("The renewed lease runs until then") })
  .meta({ id: "HeartbeatResult" });
export const appendLogsResultSchema = z
  .object({
    taskId: z.string(),
    kept: z.number().int().describe("Lines of this append kept"),
    dropped: z.number().int().describe("Lines past the attempt's log limit, not kept"),
    truncated: z.boolean().describe("Some of these lines were not kept: the attempt's log limit is reached"),
  })
  .meta({ id: "AppendLogsResult", description: "What an append of log lines kept: lines past the attempt's log limit are dropped (`truncated`), never an error" });
export const taskLogLineSchema = z
  .object({
    id: z.string().describe("The line's id: the cursor (after, Last-Event-ID)"),
    taskRunId: z.string(),
    taskKey: z.string(),
    mapIndex: z.number().int(),
    attempt: z.number().int(),
    stream: z.string().describe("stdout | stderr | worker | http | engine"),
    level: z.string().describe("debug | info | warn | error"),
    message: z.string(),
    truncation: z.boolean().describe("The marker where the attempt's log limit was reached: its later lines were not kept"),
    time,
  })
  .meta({ id: "TaskLogLine" });
export const taskLogPageSchema = z
  .object({ lines: z.array(taskLogLineSchema), next: z.string().nullable().describe("The next page's `after`; null at the end") })
  .meta({ id: "TaskLogPage" });
export const taskResultSchema = z
  .object({ taskId: z.string(), status: z.enum(["COMPLETED", "FAILED"]).describe("What the attempt was recorded as") })
  .meta({ id: "TaskResult", description: "A result (complete or fail) recorded" });

export const triggerViewSchema = z
  .object({
    id: z.string(),
    workflow: z.string(),
    key: z.string(),
    type: z.string().meta({ description: "schedule, webhook or workflow" }),
    state: z.enum(["active", "paused", "disabled", "ended", "retired"]),
    description: z.string().nullable(),
    definitionVersion: z.number().int(),
    spec: triggerDefinitionSchema,
    pausedAt: nullableTime,
    pausedBy: z.string().nullable(),
    nextFireAt: nullableTime,
    lastFireAt: nullableTime,
    lastExecution: z.object({ id: z.string(), status: z.string() }).nullable(),
    hookPath: z.string().nullable().meta({ description: "Webhooks: the path callers POST to" }),
    secretRotatedAt: nullableTime,
    secretRotatedBy: z.string().nullable(),
  })
  .meta({ id: "TriggerView", description: "A trigger of a workflow's latest version and its runtime state (lib/triggers)" });

export const triggerEventSchema = z.object({ type: z.string(), actor: z.string(), payload: anyJson, createdAt: time }).meta({ id: "TriggerEvent" });

/** A webhook call's answer: 202 accepted (or still running after waitSeconds), 200 with the result or an idempotent replay. */
export const webhookAnswerSchema = z
  .object({
    executionId: z.string(),
    status: z.string(),
    output: anyJson.optional(),
    error: anyJson.optional(),
    replayed: z.boolean().optional(),
    waited: z.boolean().optional(),
  })
  .meta({ id: "WebhookAnswer" });

// ---- compile-time conformance: each view type and its schema describe the same object ----------
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Keys must match exactly; values are checked one way (the view's values fit the schema). */
type Conforms<View, Schema extends z.ZodType> = Same<keyof View, keyof z.infer<Schema>> extends true ? (View extends z.infer<Schema> ? true : false) : false;
function conforms<T extends true>(): T | undefined {
  return undefined;
}
conforms<Conforms<WorkflowVersionView, typeof workflowVersionViewSchema>>();
conforms<Conforms<WorkflowSummaryView, typeof workflowSummarySchema>>();
conforms<Same<keyof ExecutionSummary, keyof z.infer<typeof executionSummarySchema>>>();
conforms<Same<keyof ExecutionPage, keyof z.infer<typeof executionPageSchema>>>();
conforms<Conforms<ExecutionEventView, typeof executionEventSchema>>();
conforms<Conforms<TokenView, typeof tokenViewSchema>>();
conforms<Conforms<UserView, typeof userViewSchema>>();
conforms<Conforms<SecretView, typeof secretViewSchema>>();
conforms<Conforms<HeartbeatResult, typeof heartbeatResultSchema>>();
conforms<Conforms<TaskResultView, typeof taskResultSchema>>();
conforms<Conforms<AppendLogsResult, typeof appendLogsResultSchema>>();
conforms<Conforms<TaskLogLineView, typeof taskLogLineSchema>>();
conforms<Conforms<TaskLogPage, typeof taskLogPageSchema>>();
conforms<Conforms<RerunPreview, typeof rerunPreviewSchema>>();
conforms<Same<keyof TriggerView, keyof z.infer<typeof triggerViewSchema>>>();
conforms<Same<keyof HealthReport, keyof z.infer<typeof healthSchema>>>();
conforms<Same<keyof WorkerTaskView, keyof z.infer<typeof workerTaskSchema>>>();
conforms<Same<keyof ExecutionView, keyof z.infer<typeof executionViewSchema>>>();
conforms<Same<keyof ExecutionDelta, keyof z.infer<typeof executionDeltaSchema>>>();
conforms<Same<keyof ExecutionDelta["execution"], keyof z.infer<typeof executionDeltaSchema>["execution"]>>();
