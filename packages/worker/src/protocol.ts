/**
 * The worker API's wire types (POST /api/workers/…). They are generated from the server's zod
 * schemas (the request bodies of lib/services/worker-schemas.ts, the answers of
 * lib/http/openapi/responses.ts) into protocol.generated.ts by scripts/gen-worker-protocol.ts
 * (`npm run sdk:generate`, also run by `npm install`, `npm run typecheck` and `npm run sdk:build`),
 * so the SDK follows the API without a dependency. This file only adds the type parameters.
 */
import type { PollResult as PollResultWire, TaskResult as TaskResultWire, WorkerTask as WorkerTaskWire } from "./protocol.generated.js";

export type {
  ApiErrorBody,
  ApiErrorDetail,
  AppendLogsRequest,
  AppendLogsResult,
  CompleteTaskRequest,
  FailTaskRequest,
  HeartbeatRequest,
  HeartbeatResult,
  PollRequest,
  WorkerLogLine,
  WorkerTaskError,
} from "./protocol.generated.js";

/** `T` with the type of its property `K` replaced by `V`; a mapped type, so each property keeps its JSDoc. */
type With<T, K extends keyof T, V> = { [P in keyof T]: P extends K ? V : T[P] };

/** A claimed attempt, RUNNING under the worker's lease; `Input` types its `input`. */
export type WorkerTask<Input = unknown> = With<WorkerTaskWire, "input", Input>;

/** POST /api/workers/poll's answer. */
export type PollResult<Input = unknown> = With<PollResultWire, "tasks", WorkerTask<Input>[]>;

/** A result (complete or fail) recorded; `Status` narrows it to the one that was reported. */
export type TaskResult<Status extends TaskResultWire["status"] = TaskResultWire["status"]> = With<TaskResultWire, "status", Status>;
