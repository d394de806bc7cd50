import type {
  ApiErrorBody,
  ApiErrorDetail,
  AppendLogsRequest,
  AppendLogsResult,
  CompleteTaskRequest,
  FailTaskRequest,
  HeartbeatRequest,
  HeartbeatResult,
  PollRequest,
  PollResult,
  TaskResult,
  WorkerTask,
} from "./protocol.js";

export class FlowdeckApiError extends Error {
  override readonly name = "FlowdeckApiError";
  constructor(
    /** HTTP status; 0 when the request never got an answer (network error, timeout). */
    readonly status: number,
    /** The API's error code (e.g. CONFLICT, NOT_FOUND, VALIDATION_FAILED), or NETWORK_ERROR. */
    readonly code: string,
    message: string,
    readonly details: ApiErrorDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Worth trying again: no answer, a server error, or a busy server. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }

  /** The task is no longer ours (lease lost, task ended or gone): stop working on it. */
  get leaseLost(): boolean {
    return this.status === 409 || this.status === 404;
  }
}

export type FlowdeckWorkerApiOptions = {
  /** Where Flowdeck runs, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** A worker token (Settings → API tokens, role `worker`), sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Limit of one request other than a poll (a poll gets its waitMs on top). @default 30000 */
  requestTimeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
};

/** The worker endpoints, typed. Every method throws {@link FlowdeckApiError} on failure. */
export class FlowdeckWorkerApi {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: FlowdeckWorkerApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** Claims up to `max` tasks; with `waitMs`, waits for one when none is available. */
  async poll<Input = unknown>(request: PollRequest, options: { signal?: AbortSignal } = {}): Promise<WorkerTask<Input>[]> {
    const body = await this.post<PollResult<Input>>("/api/workers/poll", request, (request.waitMs ?? 0) + this.requestTimeoutMs, options.signal);
    return body.tasks;
  }

  /** Renews the lease; 409 when it is no longer this worker's. */
  heartbeat(taskId: string, request: HeartbeatRequest): Promise<HeartbeatResult> {
    return this.post(`/api/workers/tasks/${encodeURIComponent(taskId)}/heartbeat`, request);
  }

  /** Appends log lines to the running attempt (the task inspector shows them as they come); 409 when it is no longer this worker's. */
  appendLogs(taskId: string, request: AppendLogsRequest): Promise<AppendLogsResult> {
    return this.post(`/api/workers/tasks/${encodeURIComponent(taskId)}/logs`, request);
  }

  /** Completes the attempt with its output; 409 for a late or duplicate result. */
  complete(taskId: string, request: CompleteTaskRequest): Promise<TaskResult<"COMPLETED">> {
    return this.post(`/api/workers/tasks/${encodeURIComponent(taskId)}/complete`, request);
  }

  /** Fails the attempt (retried per the task's retry policy); 409 for a late or duplicate result. */
  fail(taskId: string, request: FailTaskRequest): Promise<TaskResult<"FAILED">> {
    return this.post(`/api/workers/tasks/${encodeURIComponent(taskId)}/fail`, request);
  }

  private async post<T>(path: string, body: unknown, timeoutMs = this.requestTimeoutMs, signal?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
          ...this.options.headers,
        },
        body: JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const detail = cause ? ` (${cause.code ?? cause.message})` : "";
      const reason = timeout.aborted ? `no answer within ${timeoutMs} ms` : signal?.aborted ? "aborted" : `${(error as Error).message}${detail}`;
      throw new FlowdeckApiError(0, signal?.aborted ? "ABORTED" : "NETWORK_ERROR", `POST ${path}: ${reason}`, [], { cause: error });
    }
    const text = await response.text().catch(() => "");
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's error page): reported below with the status.
    }
    if (!response.ok) {
      // Any body: a proxy's error page need not be the API's shape.
      const error = (parsed as { error?: Partial<ApiErrorBody["error"]> } | undefined)?.error;
      throw new FlowdeckApiError(
        response.status,
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? `POST ${path} answered ${response.status} ${response.statusText}`.trim(),
        error?.details ?? [],
      );
    }
    return parsed as T;
  }
}
