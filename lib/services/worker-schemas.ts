/**
 * The bodies of the worker routes (POST /api/workers/…), as the routes parse them
 * (lib/services/workers.ts holds what they do). A module of schemas only, importing nothing with
 * side effects: the OpenAPI document is made from them (lib/http/openapi/document.ts), and so are
 * the worker SDK's wire types (packages/worker, by scripts/gen-worker-protocol.ts, which runs at
 * `npm install` before anything else is built). Their descriptions are the JSDoc the SDK's users
 * read, as well as the OpenAPI document's.
 */
import { z } from "zod";
import { boundedJsonSchema } from "@/lib/services/json-value";
import { WORKER_TASK_TYPE_PATTERN } from "@/lib/workflow/schema";

/** Longest long poll. @default 30000 */
export const MAX_POLL_WAIT_MS = 30_000;
/** Most attempts one poll may claim. @default 100 */
export const MAX_POLL_TASKS = 100;

const workerIdSchema = z
  .string({ error: "is required: the id of the calling worker" })
  .trim()
  .min(1, { error: "must name the worker" })
  .max(200, { error: "must be at most 200 characters" })
  .describe("Identifies the worker process; it holds the leases of the tasks it claims");

export const pollTasksSchema = z.strictObject({
  taskType: z
    .string({ error: "is required: the task type to poll for" })
    .min(1, { error: "must not be empty" })
    .max(100, { error: "must be at most 100 characters" })
    .regex(WORKER_TASK_TYPE_PATTERN, { error: "must start with a letter or '_' and contain only letters, digits, '_', '.' and '-'" })
    .describe("The task type to claim: a worker task's `params.taskType`"),
  workerId: workerIdSchema,
  max: z
    .number()
    .int({ error: "must be an integer" })
    .min(1, { error: "must be ≥ 1" })
    .max(MAX_POLL_TASKS, { error: `must be ≤ ${MAX_POLL_TASKS}` })
    .default(1)
    .describe("Most tasks to claim"),
  waitMs: z
    .number()
    .int({ error: "must be an integer" })
    .min(0, { error: "must be ≥ 0" })
    .max(MAX_POLL_WAIT_MS, { error: `must be ≤ ${MAX_POLL_WAIT_MS}` })
    .default(0)
    .describe(`Long poll: wait up to this long (≤ ${MAX_POLL_WAIT_MS} ms) for a task when none is available`),
  leaseMs: z
    .number()
    .int({ error: "must be an integer" })
    .min(100, { error: "must be ≥ 100" })
    .max(86_400_000, { error: "must be ≤ 86400000 (one day)" })
    .optional()
    .describe("Lease to ask for; never longer than the task's own `heartbeatMs` / `startToCloseMs`. Without it: the task's heartbeatMs, else its startToCloseMs, else 60000"),
});
export type PollTasksRequest = z.input<typeof pollTasksSchema>;

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export const workerLogLineSchema = z
  .strictObject({
    time: z.iso.datetime({ offset: true, error: "must be an ISO-8601 date-time" }).optional().describe("When the line was written (ISO-8601); absent: when the server received it"),
    level: z.enum(LOG_LEVELS).optional().describe("Absent: info"),
    message: z.string().max(10_000, { error: "must be at most 10000 characters" }),
  })
  .describe("A log line of the attempt");
export const workerLogsSchema = z
  .array(z.union([z.string().max(10_000, { error: "must be at most 10000 characters" }), workerLogLineSchema]))
  .max(1000, { error: "must have at most 1000 lines" })
  .describe("Log lines of the attempt: strings or { time?, level?, message }");

export const heartbeatBodySchema = z.strictObject({
  workerId: workerIdSchema,
  // Bounded by MAX_HEARTBEAT_DETAILS_BYTES in heartbeat() (lib/services/workers.ts).
  details: boundedJsonSchema.optional().describe("The worker's progress: replaces the attempt's last details; the monitor shows them and the task's next attempt gets them as `lastHeartbeatDetails`"),
});

export const completeTaskBodySchema = z.strictObject({
  workerId: workerIdSchema,
  output: boundedJsonSchema.optional().describe("The task's output; absent: null"),
  logs: workerLogsSchema.optional(),
});

export const workerTaskErrorSchema = z
  .strictObject({
    code: z
      .string()
      .min(1, { error: "must not be empty" })
      .max(100, { error: "must be at most 100 characters" })
      .optional()
      .describe("Compared with the task's `retry.nonRetryableErrors`. Absent: WORKER_ERROR"),
    message: z.string().min(1, { error: "must say what went wrong" }).max(10_000, { error: "must be at most 10000 characters" }),
    details: boundedJsonSchema.optional(),
  })
  .describe("Why the attempt failed");

export const failTaskBodySchema = z.strictObject({
  workerId: workerIdSchema,
  error: workerTaskErrorSchema,
  logs: workerLogsSchema.optional(),
});

export const appendLogsBodySchema = z.strictObject({
  workerId: workerIdSchema,
  lines: workerLogsSchema.min(1, { error: "must have at least one line" }),
});
