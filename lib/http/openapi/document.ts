/**
 * The OpenAPI 3.1 document of the REST API (served at GET /api/openapi.json), generated from the
 * zod schemas the routes validate with (lib/services, lib/auth, lib/secrets, lib/http/params.ts)
 * and the response schemas of responses.ts. One table, OPERATIONS below, says per route and method
 * what it takes and answers; tests/integration/openapi.test.ts fails when a route of app/api is
 * missing from it (or is documented with another access than its `route()` wrapper declares).
 *
 * zod's own JSON Schema output (z.toJSONSchema, draft 2020-12, the dialect of OpenAPI 3.1) makes
 * the component schemas; no generator library is needed.
 */
import { z } from "zod";
import { workflowDefinitionSchema } from "@/lib/workflow/schema";
import { startExecutionSchema } from "@/lib/services/executions";
import { executionSearchSchema } from "@/lib/services/execution-search";
import { operationBodySchemas, OPERATIONS, type Operation } from "@/lib/services/operations";
import { appendLogsBodySchema, completeTaskBodySchema, failTaskBodySchema, heartbeatBodySchema, pollTasksSchema } from "@/lib/services/worker-schemas";
import { taskLogQuerySchema } from "@/lib/services/task-logs";
import { MAX_IMPORT_DEFINITIONS } from "@/lib/services/workflows";
import { workflowTestRequestSchema, workflowTestResultSchema } from "@/lib/services/workflow-test/schema";
import { newTokenSchema } from "@/lib/auth/api-tokens";
import { newUserSchema, userUpdateSchema } from "@/lib/auth/users";
import { secretValueSchema } from "@/lib/secrets/service";
import { eventCursorSchema, versionQuerySchema } from "@/lib/http/params";
import type { Access } from "@/lib/auth/roles";
import packageJson from "@/package.json";
import * as r from "./responses";

type Body = { schema: z.ZodType; description: string; contentType?: string };
type Parameter = { name: string; in: "query" | "header"; schema: z.ZodType; description?: string };
export type OperationSpec = {
  access: Access;
  summary: string;
  description?: string;
  tag: string;
  query?: z.ZodObject | Parameter[];
  request?: Body & { required?: boolean };
  /** Refusals beyond the ones every route of its kind has (see errorStatuses). */
  errors?: Partial<Record<404 | 409 | 429 | 503, string>>;
  responses: Record<number, Body | string>;
};

/** Named request bodies: the very schemas the routes parse with. */
const REQUESTS = {
  WorkflowDefinition: workflowDefinitionSchema,
  ImportRequest: z
    .union([workflowDefinitionSchema, z.array(workflowDefinitionSchema).min(1).max(MAX_IMPORT_DEFINITIONS)])
    .describe(`One definition or an array of at most ${MAX_IMPORT_DEFINITIONS}; all are saved or none`),
  StartExecutionRequest: startExecutionSchema,
  PollTasksRequest: pollTasksSchema,
  HeartbeatRequest: heartbeatBodySchema,
  AppendLogsRequest: appendLogsBodySchema,
  CompleteTaskRequest: completeTaskBodySchema,
  FailTaskRequest: failTaskBodySchema,
  NewTokenRequest: newTokenSchema,
  NewUserRequest: newUserSchema,
  UserUpdateRequest: userUpdateSchema,
  SecretValueRequest: secretValueSchema,
  ...(Object.fromEntries(OPERATIONS.map((op) => [`${op[0]!.toUpperCase()}${op.slice(1)}Request`, operationBodySchemas[op]])) as Record<string, z.ZodType>),
} satisfies Record<string, z.ZodType>;

const json = (schema: z.ZodType, description: string): Body => ({ schema, description });
const VERSION_QUERY: Parameter = { name: "version", in: "query", schema: versionQuerySchema, description: "A version number; absent: the latest" };
const opRequest = (op: Operation) => (REQUESTS as Record<string, z.ZodType>)[`${op[0]!.toUpperCase()}${op.slice(1)}Request`]!;

const OPERATION_TEXT: Record<Operation, string> = {
  pause: "Pause: no new task starts; running ones finish",
  resume: "Resume a paused execution",
  terminate: "Terminate: cancels what runs; needs a reason",
  retry: "Retry the failed, timed-out or cancelled tasks of a finished execution (dryRun: preview)",
  restart: "Start the workflow again with the same input, as a new execution (201)",
  rerun: "Re-run from a task: it and everything downstream run again (dryRun: preview)",
  skip: "Skip a task: it counts as completed with no output",
  approve: "Approve a waiting approval task",
  reject: "Reject a waiting approval task (it fails with REJECTED)",
};

const operationRoutes = Object.fromEntries(
  OPERATIONS.map((op): [string, OperationSpec] => [
    `POST /api/executions/{executionId}/${op}`,
    {
      access: "operator",
      tag: "Operations",
      summary: OPERATION_TEXT[op],
      request: { schema: opRequest(op), description: "May be left out when every field is optional", required: op === "terminate" || op === "rerun" || op === "skip" || op === "approve" || op === "reject" },
      responses:
        op === "restart"
          ? { 201: json(r.executionViewSchema, "The new execution (Location: its URL)") }
          : { 200: json(op === "retry" || op === "rerun" ? z.union([r.executionViewSchema, r.rerunPreviewSchema]) : r.executionViewSchema, "The updated execution, or a dry run's preview") },
    },
  ]),
);

/** Every route and method of app/api. Keys: `METHOD /path` with `{param}` segments. */
export const OPERATION_SPECS: Record<string, OperationSpec> = {
  "GET /api/health": { access: "public", tag: "Server", summary: "Version, database, migrations and engine state", responses: { 200: json(r.healthSchema, "The server is up") } },
  "GET /api/openapi.json": {
    access: "public",
    tag: "Server",
    summary: "This document",
    description: "Public like /schema/workflow.json: it describes the API's shapes and holds no data.",
    responses: { 200: { schema: z.record(z.string(), z.unknown()), description: "The OpenAPI 3.1 document" } },
  },
  "GET /api/metrics": {
    access: "viewer",
    tag: "Server",
    summary: "Prometheus metrics of this process (text exposition format)",
    responses: { 200: { schema: z.string(), description: "Metrics in the Prometheus text format", contentType: "text/plain" } },
  },
  "GET /api/triggers": {
    access: "viewer",
    tag: "Triggers",
    summary: "Every trigger of the latest versions, with its state, next and last fire and last execution",
    query: [{ name: "workflow", in: "query", schema: z.string().optional(), description: "Only this workflow's triggers" }],
    responses: { 200: json(z.object({ triggers: z.array(r.triggerViewSchema) }), "The triggers") },
  },
  "GET /api/triggers/{workflow}/{key}": {
    access: "viewer",
    tag: "Triggers",
    summary: "One trigger and what people did to it, newest first",
    responses: { 200: json(z.object({ trigger: r.triggerViewSchema, events: z.array(r.triggerEventSchema) }), "The trigger") },
  },
  "POST /api/triggers/{workflow}/{key}/pause": { access: "operator", tag: "Triggers", summary: "Pause the trigger (recorded with who)", responses: { 200: json(r.triggerViewSchema, "Paused") } },
  "POST /api/triggers/{workflow}/{key}/resume": { access: "operator", tag: "Triggers", summary: "Resume the trigger (recorded with who)", responses: { 200: json(r.triggerViewSchema, "Resumed") } },
  "POST /api/triggers/{workflow}/{key}/run": {
    access: "operator",
    tag: "Triggers",
    summary: "Fire the trigger once now, as the caller",
    responses: { 201: json(z.object({ executionId: z.string() }), "The execution it started") },
  },
  "GET /api/triggers/{workflow}/{key}/secret": {
    access: "operator",
    tag: "Triggers",
    summary: "A webhook trigger's secret (each read is recorded)",
    responses: { 200: json(z.object({ secret: z.string() }), "The secret") },
  },
  "POST /api/triggers/{workflow}/{key}/rotate-secret": {
    access: "designer",
    tag: "Triggers",
    summary: "A new webhook secret; the old one stops working at once",
    responses: { 200: json(z.object({ secret: z.string(), trigger: r.triggerViewSchema }), "The new secret") },
  },
  "POST /api/hooks/{workflow}/{key}": {
    access: "public",
    tag: "Triggers",
    summary: "Call a webhook trigger",
    description:
      "Not opened by sessions or API tokens: the caller proves the trigger's own secret, as X-Flowdeck-Signature-256: sha256=<HMAC-SHA256 of the raw body> or X-Flowdeck-Token: <secret>. 401 wrong or missing secret, 404 unknown trigger, 409 paused or disabled, 413 body over the trigger's maxBodyBytes; none of them starts anything. Idempotency-Key: the same key within the window answers the first execution.",
    query: [
      { name: "X-Flowdeck-Signature-256", in: "header", schema: z.string().optional(), description: "sha256=<hex HMAC-SHA256 of the raw body with the secret>" },
      { name: "X-Flowdeck-Token", in: "header", schema: z.string().optional(), description: "The secret itself (when signing is not possible)" },
      { name: "Idempotency-Key", in: "header", schema: z.string().optional(), description: "Repeats within the window return the first execution" },
    ],
    request: { schema: z.unknown(), description: "Any body; the trigger's input template maps body, headers and query to the execution's input", required: false },
    responses: {
      200: json(r.webhookAnswerSchema, "respond: result — the workflow's output or error; or an idempotent replay"),
      202: json(r.webhookAnswerSchema, "respond: accepted — started (or still running after waitSeconds)"),
    },
  },
  "GET /api/me": { access: "viewer", tag: "Server", summary: "Who the credentials belong to", responses: { 200: json(r.meSchema, "The caller") } },
  "GET /api/workflows": { access: "viewer", tag: "Workflows", summary: "The latest version of every workflow", responses: { 200: json(z.object({ workflows: z.array(r.workflowSummarySchema) }), "Every workflow") } },
  "POST /api/workflows": {
    access: "designer",
    tag: "Workflows",
    summary: "Save a definition as a new version",
    description: "201 with the new version; 200 when it equals the latest (nothing saved). 400 lists every problem with its path. Preconditions (one of): ?baseVersion=N (0: must not exist yet), If-Match: \"<checksum>\" (the ETag of GET), If-None-Match: *.",
    query: [
      { name: "baseVersion", in: "query", schema: z.string().regex(/^(0|[1-9][0-9]{0,8})$/).optional(), description: "The version this save is based on; 0: the workflow must not exist yet" },
      { name: "If-Match", in: "header", schema: z.string().optional(), description: "\"<checksum>\" (an ETag of GET /api/workflows/{name}) or *" },
      { name: "If-None-Match", in: "header", schema: z.literal("*").optional(), description: "*: the workflow must not exist yet" },
    ],
    request: { schema: REQUESTS.WorkflowDefinition, description: "The definition (canonical JSON)", required: true },
    responses: { 200: json(r.saveResultSchema, "Unchanged: equal to the latest version"), 201: json(r.saveResultSchema, "Saved as a new version"), 409: json(r.saveConflictSchema, "It would overwrite what it was not based on") },
  },
  "POST /api/workflows/import": {
    access: "designer",
    tag: "Workflows",
    summary: "Import one definition or an array, all or nothing",
    request: { schema: REQUESTS.ImportRequest, description: "Definitions", required: true },
    responses: { 200: json(z.object({ results: z.array(r.saveResultSchema) }), "Nothing new was created"), 201: json(z.object({ results: z.array(r.saveResultSchema) }), "At least one new version") },
  },
  "POST /api/workflows/test": {
    access: "designer",
    tag: "Workflows",
    summary: "Test a definition (saved or a draft) with mocked tasks",
    description:
      "Runs the real engine on a throwaway execution in its own database: nothing is stored, listed or counted. Mocks by task key: { output } | { error } | { delay, … } | a sequence for the attempts. 400 names every unknown mock key and every http/worker/shell/subworkflow task neither mocked nor in allowReal; 429 when FLOWDECK_MAX_TEST_RUNS runs are going on already.",
    request: { schema: workflowTestRequestSchema, description: "What to test, its input and mocks", required: true },
    errors: { 404: "No such workflow or version (with workflow)", 429: "FLOWDECK_MAX_TEST_RUNS test runs are going on already" },
    responses: { 200: json(workflowTestResultSchema, "The run's status, output, error and every task's attempts") },
  },
  "GET /api/workflows/{name}": { access: "viewer", tag: "Workflows", summary: "A workflow's latest version (or ?version=N); ETag: its checksum", query: [VERSION_QUERY], responses: { 200: json(r.workflowVersionViewSchema, "The version") } },
  "DELETE /api/workflows/{name}": {
    access: "designer",
    tag: "Workflows",
    summary: "Delete every version (or ?version=N); 409 while an execution pins one",
    query: [VERSION_QUERY],
    errors: { 409: "An execution pins a version" },
    responses: { 200: json(r.deletedWorkflowSchema, "The versions deleted") },
  },
  "GET /api/workflows/{name}/export": {
    access: "viewer",
    tag: "Workflows",
    summary: "The canonical JSON file, byte for byte as stored",
    query: [VERSION_QUERY],
    responses: { 200: { schema: workflowDefinitionSchema, description: "The definition file (Content-Disposition: attachment)" } },
  },
  "POST /api/workflows/{name}/versions/{version}/restore": {
    access: "designer",
    tag: "Workflows",
    summary: "Restore as new version: save that version's definition as the next version",
    description: "201 with the new version; 200 when it already is the latest content; 404 for an unknown version; 409 when ?baseVersion / If-Match say the caller saw an older latest.",
    query: [
      { name: "baseVersion", in: "query", schema: z.string().regex(/^(0|[1-9][0-9]{0,8})$/).optional(), description: "The latest version the caller saw" },
      { name: "If-Match", in: "header", schema: z.string().optional(), description: "\"<checksum>\" of the latest version the caller saw, or *" },
    ],
    responses: { 200: json(r.saveResultSchema, "Already the latest content"), 201: json(r.saveResultSchema, "Saved as a new version"), 409: json(r.saveConflictSchema, "The latest is not what the caller saw") },
  },
  "GET /api/workflows/{name}/versions": { access: "viewer", tag: "Workflows", summary: "Every version, newest first", responses: { 200: json(z.object({ versions: z.array(r.workflowVersionRowSchema) }), "The versions") } },
  "GET /api/executions": { access: "viewer", tag: "Executions", summary: "Search executions, newest first, in pages", query: executionSearchSchema, responses: { 200: json(r.executionPageSchema, "A page") } },
  "POST /api/executions": {
    access: "operator",
    tag: "Executions",
    summary: "Start an execution",
    description: "201 when it ended within waitSeconds, 202 while it still runs; Location: its URL.",
    request: { schema: REQUESTS.StartExecutionRequest, description: "What to run", required: true },
    errors: { 404: "No such workflow or version" },
    responses: { 201: json(r.executionViewSchema, "Finished within waitSeconds"), 202: json(r.executionViewSchema, "Started, still running") },
  },
  "GET /api/executions/{executionId}": { access: "viewer", tag: "Executions", summary: "An execution with its tasks and every attempt", responses: { 200: json(r.executionViewSchema, "The execution") } },
  "GET /api/executions/{executionId}/events": {
    access: "viewer",
    tag: "Executions",
    summary: "The event history, as JSON or a live text/event-stream",
    description: "With Accept: text/event-stream the answer is a live stream: one `data:` JSON ExecutionEvent per message, with `id:` the event id (resumable with Last-Event-ID).",
    query: [
      { name: "after", in: "query", schema: eventCursorSchema },
      { name: "Last-Event-ID", in: "header", schema: eventCursorSchema },
    ],
    responses: { 200: json(z.object({ events: z.array(r.executionEventSchema) }), "The events (or the stream)") },
  },
  "GET /api/executions/{executionId}/live": {
    access: "viewer",
    tag: "Executions",
    summary: "The execution's live deltas, a text/event-stream",
    description:
      "One `data:` JSON ExecutionDelta per batch of new events (what they changed: the execution's fields and the tasks they named, with every attempt), with `id:` the last event it covers (resumable with Last-Event-ID or ?after=), ending with an `end` event once the execution has finished. What the monitor keeps its view live with, instead of reading the whole execution on each change.",
    query: [
      { name: "after", in: "query", schema: eventCursorSchema },
      { name: "Last-Event-ID", in: "header", schema: eventCursorSchema },
    ],
    responses: { 200: { schema: r.executionDeltaSchema, description: "The stream; each message's data is one ExecutionDelta", contentType: "text/event-stream" } },
  },
  "GET /api/executions/{executionId}/logs": {
    access: "viewer",
    tag: "Executions",
    summary: "The task logs: a page of lines, or a live text/event-stream",
    description:
      "Lines in the order they were appended (shell output, worker lines, http calls), filtered by task, attempt (taskRunId) and text (q, case-insensitive). With Accept: text/event-stream the answer is a live stream: one `data:` JSON TaskLogLine per message with `id:` the line id (resumable with Last-Event-ID), ending with an `end` event once the execution has finished.",
    query: taskLogQuerySchema,
    responses: { 200: json(r.taskLogPageSchema, "A page of lines (or the stream)") },
  },
  ...operationRoutes,
  "POST /api/workers/poll": {
    access: "worker",
    tag: "Workers",
    summary: "Claim tasks of a type (long poll up to waitMs)",
    request: { schema: REQUESTS.PollTasksRequest, description: "What to claim", required: true },
    responses: { 200: json(r.pollResultSchema, "Claimed attempts (maybe none)") },
  },
  "POST /api/workers/tasks/{taskId}/heartbeat": {
    access: "worker",
    tag: "Workers",
    summary: "Renew the lease of a claimed attempt",
    request: { schema: REQUESTS.HeartbeatRequest, description: "The worker", required: true },
    responses: { 200: json(r.heartbeatResultSchema, "The new lease") },
  },
  "POST /api/workers/tasks/{taskId}/logs": {
    access: "worker",
    tag: "Workers",
    summary: "Append log lines to a running attempt; 409 when the lease is not the caller's",
    description: "Lines past the attempt's log limit (FLOWDECK_TASK_LOG_MAX_BYTES) are dropped and counted; the log marks where it was cut.",
    request: { schema: REQUESTS.AppendLogsRequest, description: "The worker and its lines", required: true },
    responses: { 200: json(r.appendLogsResultSchema, "Appended") },
  },
  "POST /api/workers/tasks/{taskId}/complete": {
    access: "worker",
    tag: "Workers",
    summary: "Complete a claimed attempt; 409 for a late or duplicate result",
    request: { schema: REQUESTS.CompleteTaskRequest, description: "The result", required: true },
    responses: { 200: json(r.taskResultSchema, "Recorded") },
  },
  "POST /api/workers/tasks/{taskId}/fail": {
    access: "worker",
    tag: "Workers",
    summary: "Fail a claimed attempt (retried per the task's policy)",
    request: { schema: REQUESTS.FailTaskRequest, description: "The error", required: true },
    responses: { 200: json(r.taskResultSchema, "Recorded") },
  },
  "GET /api/tokens": { access: "admin", tag: "Accounts", summary: "Every API token (never a secret)", responses: { 200: json(z.object({ tokens: z.array(r.tokenViewSchema) }), "The tokens") } },
  "POST /api/tokens": {
    access: "admin",
    tag: "Accounts",
    summary: "Create an API token; its secret is shown this once",
    request: { schema: REQUESTS.NewTokenRequest, description: "Name, role, expiry", required: true },
    responses: { 201: json(r.createdTokenSchema, "Created") },
  },
  "DELETE /api/tokens/{tokenId}": { access: "admin", tag: "Accounts", summary: "Revoke a token at once", responses: { 200: json(r.tokenViewSchema, "Revoked") } },
  "GET /api/users": { access: "admin", tag: "Accounts", summary: "Every user (never a password hash)", responses: { 200: json(z.object({ users: z.array(r.userViewSchema) }), "The users") } },
  "POST /api/users": { access: "admin", tag: "Accounts", summary: "Create a user", request: { schema: REQUESTS.NewUserRequest, description: "The user", required: true }, responses: { 201: json(r.userViewSchema, "Created") } },
  "PATCH /api/users/{userId}": {
    access: "admin",
    tag: "Accounts",
    summary: "Change a user's role, name, password or disabled flag; the last admin stays an admin",
    request: { schema: REQUESTS.UserUpdateRequest, description: "The change", required: true },
    responses: { 200: json(r.userViewSchema, "Changed") },
  },
  "DELETE /api/users/{userId}": { access: "admin", tag: "Accounts", summary: "Remove a user and their sessions", responses: { 204: "Removed" } },
  "GET /api/secrets": { access: "admin", tag: "Secrets", summary: "Every secret's name and who set it when; never a value", responses: { 200: json(z.object({ secrets: z.array(r.secretViewSchema) }), "The secrets") } },
  "PUT /api/secrets/{name}": {
    access: "admin",
    tag: "Secrets",
    summary: "Set a secret (201 created, 200 replaced); the answer never holds the value",
    request: { schema: REQUESTS.SecretValueRequest, description: "The value", required: true },
    responses: { 200: json(z.object({ secret: r.secretViewSchema }), "Replaced"), 201: json(z.object({ secret: r.secretViewSchema }), "Created") },
  },
  "DELETE /api/secrets/{name}": { access: "admin", tag: "Secrets", summary: "Delete a secret", responses: { 200: json(z.object({ deleted: z.string() }), "Deleted") } },
};

// ---- generation --------------------------------------------------------------------------------

type JsonObject = Record<string, unknown>;
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** zod's registry output → OpenAPI components: plain `$ref`s into #/components/schemas, no `$id`/`$schema`. */
function componentsOf(registry: z.core.$ZodRegistry<{ id: string }>): Record<string, JsonObject> {
  const { schemas } = z.toJSONSchema(registry, { target: "draft-2020-12", uri: (id) => id, unrepresentable: "any", io: "input" }) as { schemas: Record<string, JsonObject> };
  const shared = (schemas.__shared?.$defs ?? {}) as Record<string, JsonObject>;
  delete schemas.__shared;
  const out: Record<string, JsonObject> = {};
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== "object") return value;
    const result: JsonObject = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string") result.$ref = `#/components/schemas/${inner.replace(/^__shared#\/\$defs\//, "")}`;
      else if (key !== "$schema" && key !== "$id") result[key] = rewrite(inner);
    }
    return result;
  };
  for (const [id, schema] of [...Object.entries(schemas), ...Object.entries(shared)]) out[id] = rewrite(schema) as JsonObject;
  return out;
}

function named<T extends z.ZodType>(registry: z.core.$ZodRegistry<{ id: string }>, schema: T, hint: string): string {
  const existing = registry.get(schema)?.id ?? (z.globalRegistry.get(schema)?.id as string | undefined);
  const id = existing ?? hint;
  if (!registry.has(schema)) registry.add(schema, { id });
  return id;
}

function build(): JsonObject {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(REQUESTS)) registry.add(schema, { id });
  // Nested schemas that carry an id (e.g. the definition's RetryPolicy) become components too.
  for (const schema of [r.apiErrorSchema, r.errorDetailSchema, r.validationIssueSchema]) named(registry, schema, "x");
  const paths: Record<string, JsonObject> = {};
  const schemaRef = (schema: z.ZodType, hint: string) => ref(named(registry, schema, hint));
  for (const [key, spec] of Object.entries(OPERATION_SPECS)) {
    const [method, path] = key.split(" ") as [string, string];
    const operationId = `${method.toLowerCase()}${path.replace(/\/api/, "").replace(/[{}]/g, "").split(/[/.-]/).filter(Boolean).map((p) => p[0]!.toUpperCase() + p.slice(1)).join("")}`;
    const parameters: JsonObject[] = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const query = spec.query instanceof z.ZodObject ? Object.entries(spec.query.shape).map(([name, schema]): Parameter => ({ name, in: "query", schema: schema as z.ZodType })) : (spec.query ?? []);
    for (const p of query) {
      const generated = z.toJSONSchema(p.schema, { target: "draft-2020-12", unrepresentable: "any", io: "input" }) as JsonObject;
      delete generated.$schema;
      const optional = p.schema.safeParse(undefined).success;
      parameters.push({ name: p.name, in: p.in, required: !optional, ...(p.description ?? generated.description ? { description: p.description ?? generated.description } : {}), schema: generated });
    }
    const responses: JsonObject = {};
    for (const [status, body] of Object.entries(spec.responses)) {
      if (typeof body === "string") {
        responses[status] = { description: body };
        continue;
      }
      const content = body.contentType ?? "application/json";
      responses[status] = { description: body.description, content: { [content]: { schema: schemaRef(body.schema, `${pascal(operationId)}${status}Response`) } } };
    }
    for (const [status, description] of errorStatuses(path, spec)) {
      responses[status] ??= { description, content: { "application/json": { schema: ref("Error") } } };
    }
    const operation: JsonObject = {
      operationId,
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      "x-flowdeck-access": spec.access,
      security: spec.access === "public" ? [] : [{ bearer: [] }, { session: [] }],
      ...(parameters.length ? { parameters } : {}),
      ...(spec.request
        ? { requestBody: { required: spec.request.required ?? true, description: spec.request.description, content: { "application/json": { schema: schemaRef(spec.request.schema, `${pascal(operationId)}Request`) } } } }
        : {}),
      responses,
    };
    (paths[path] ??= {})[method.toLowerCase()] = operation;
  }
  return {
    // No jsonSchemaDialect: OpenAPI 3.1's default dialect is already JSON Schema 2020-12 (what
    // zod writes), and Swagger UI shows a warning on the page for any other value.
    openapi: "3.1.1",
    info: {
      title: "Flowdeck API",
      version: packageJson.version,
      description:
        "The REST API of Flowdeck. Authenticate with `Authorization: Bearer <API token>` (Settings → API tokens) or the session cookie of a signed-in browser. Every refusal answers `{ error: { code, message, details[] } }`. Request bodies are JSON (`Content-Type: application/json`, UTF-8, at most FLOWDECK_MAX_BODY_BYTES).",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: "/" }],
    tags: ["Workflows", "Executions", "Operations", "Workers", "Accounts", "Secrets", "Server"].map((name) => ({ name })),
    paths,
    components: {
      schemas: componentsOf(registry),
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An API token (or the worker token)" },
        session: { type: "apiKey", in: "cookie", name: "flowdeck_session", description: "A signed-in browser's session" },
      },
    },
  };
}

const pascal = (id: string) => id[0]!.toUpperCase() + id.slice(1);

function errorStatuses(path: string, spec: OperationSpec): [string, string][] {
  const out: [string, string][] = [];
  if (spec.request || spec.query) out.push(["400", "Invalid request: every problem with its path in details"]);
  if (spec.access !== "public") {
    out.push(["401", "No valid credentials"], ["403", `Needs the ${spec.access} role (or a cross-site request with a session)`]);
  }
  if (path.includes("{")) out.push(["404", "Not found"]);
  if (spec.request) out.push(["409", "Conflicts with the current state"], ["413", "The body is too large"], ["415", "The body is not JSON"]);
  for (const [status, description] of Object.entries(spec.errors ?? {})) out.push([status, description]);
  out.push(["500", "Internal error (logged on the server)"], ["503", "Not available now (e.g. the database is starting, the expression pool is full); try again"]);
  return out;
}

let cached: string | undefined;

/** The document; a fresh object each call. */
export function openApiDocument(): JsonObject {
  cached ??= JSON.stringify(build());
  return JSON.parse(cached) as JsonObject;
}
