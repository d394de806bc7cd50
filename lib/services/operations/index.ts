/**
 * Operator operations on executions: the services behind server actions, the REST API
 * (`POST /api/executions/{executionId}/{operation}`) and the CLI. Each is one atomic change under
 * the execution's optimistic version, retried on fresh state when the execution changed meanwhile,
 * and recorded in the event history with the actor and the reason. See README.md beside this file.
 */
import { z } from "zod";
import { boundedJsonSchema } from "@/lib/services/json-value";
import type { Db } from "@/lib/db/client";
import type { ExecutionView } from "@/lib/services/executions";
import { notFound } from "@/lib/services/errors";
import { approveTask, rejectTask } from "./approval";
import { pauseExecution, resumeExecution, terminateExecution } from "./lifecycle";
import { rerunExecution, retryExecution, type RerunPreview } from "./rerun";
import { restartExecution } from "./restart";
import { skipTask } from "./skip";

export { approveTask, rejectTask, REJECTED_ERROR_CODE, type ApprovalDecisionOptions } from "./approval";
export { MAX_OPERATION_TRIES, type OperatorContext } from "./execution-state";
export { pauseExecution, resumeExecution, terminateExecution } from "./lifecycle";
export { rerunExecution, retryExecution, type RerunOptions, type RerunPreview, type RetryOptions } from "./rerun";
export { restartExecution, type RestartOptions } from "./restart";
export { skipTask, type SkipTaskOptions } from "./skip";
export type { ArchivedAttempt } from "@/lib/runtime/writes/reset-tasks";

export const OPERATIONS = ["pause", "resume", "terminate", "retry", "restart", "rerun", "skip", "approve", "reject"] as const;
export const operationSchema = z.enum(OPERATIONS);
export type Operation = z.infer<typeof operationSchema>;

/** Longest reason accepted. @default 2000 */
export const MAX_REASON_LENGTH = 2000;

const reasonSchema = z
  .string()
  .trim()
  .min(1, { error: "must not be empty" })
  .max(MAX_REASON_LENGTH, { error: `must be at most ${MAX_REASON_LENGTH} characters` });
const requiredReasonSchema = z.string({ error: "is required: say why" }).pipe(reasonSchema);
const taskKeySchema = z.string({ error: "is required: the key of a task" }).min(1, { error: "must not be empty" }).max(200);
const dryRunSchema = z.boolean().optional();

const approvalDecisionSchema = z.strictObject({
  taskKey: taskKeySchema,
  /** The item of a map whose items are approvals. */
  mapIndex: z.number().int().min(0, { error: "must be ≥ 0" }).optional(),
  reason: reasonSchema.optional(),
});

/** The JSON body of each operation. Empty bodies are `{}`. */
export const operationBodySchemas = {
  pause: z.strictObject({ reason: reasonSchema.optional() }),
  resume: z.strictObject({ reason: reasonSchema.optional() }),
  terminate: z.strictObject({ reason: requiredReasonSchema }),
  retry: z.strictObject({ reason: reasonSchema.optional(), dryRun: dryRunSchema }),
  restart: z.strictObject({ reason: reasonSchema.optional(), useLatestVersion: z.boolean().optional() }),
  rerun: z.strictObject({
    fromTaskKey: taskKeySchema,
    /** Replaces the execution's input (checked against the workflow's input schema). */
    input: boundedJsonSchema.optional(),
    /** Replaces fromTaskKey's input mapping for this rerun. */
    taskInput: boundedJsonSchema.optional(),
    dryRun: dryRunSchema,
    reason: reasonSchema.optional(),
  }),
  skip: z.strictObject({ taskKey: taskKeySchema, reason: requiredReasonSchema }),
  approve: approvalDecisionSchema,
  reject: approvalDecisionSchema,
} satisfies Record<Operation, z.ZodType>;

export type OperationBody<O extends Operation> = z.infer<(typeof operationBodySchemas)[O]>;

/** 200 with the updated execution or a preview; 201 with the new execution for restart. */
export type OperationResult = { status: 200 | 201; body: ExecutionView | RerunPreview; created?: string };

/** The operation named in a URL, or a 404 listing the operations. */
export function parseOperation(name: string): Operation {
  const parsed = operationSchema.safeParse(name);
  if (!parsed.success) throw notFound(`there is no execution operation '${name}'; operations: ${OPERATIONS.join(", ")}`);
  return parsed.data;
}

/** Validates `body` for `operation` (zod errors become 400s) and runs it as `actor`. */
export async function performOperation(db: Db, executionId: string, operation: Operation, body: unknown, actor: string): Promise<OperationResult> {
  const ok = (result: ExecutionView | RerunPreview): OperationResult => ({ status: 200, body: result });
  switch (operation) {
    case "pause":
      return ok(await pauseExecution(db, executionId, { actor, ...operationBodySchemas.pause.parse(body) }));
    case "resume":
      return ok(await resumeExecution(db, executionId, { actor, ...operationBodySchemas.resume.parse(body) }));
    case "terminate":
      return ok(await terminateExecution(db, executionId, { actor, ...operationBodySchemas.terminate.parse(body) }));
    case "retry":
      return ok(await retryExecution(db, executionId, { actor, ...operationBodySchemas.retry.parse(body) }));
    case "restart": {
      const execution = await restartExecution(db, executionId, { actor, ...operationBodySchemas.restart.parse(body) });
      return { status: 201, body: execution, created: execution.id };
    }
    case "rerun":
      return ok(await rerunExecution(db, executionId, { actor, ...operationBodySchemas.rerun.parse(body) }));
    case "skip":
      return ok(await skipTask(db, executionId, { actor, ...operationBodySchemas.skip.parse(body) }));
    case "approve":
      return ok(await approveTask(db, executionId, { actor, ...operationBodySchemas.approve.parse(body) }));
    case "reject":
      return ok(await rejectTask(db, executionId, { actor, ...operationBodySchemas.reject.parse(body) }));
  }
}
