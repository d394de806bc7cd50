import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import type { ExpressionContext } from "@/lib/workflow/expressions";
import { evaluateCondition, evaluateTemplate } from "@/lib/pool/evaluate";
import type { TaskDefinition, Timeouts, WorkflowDefinition } from "@/lib/workflow/schema";
import { announceExecutionChanged, announceExecutionEnded, wakeEngine } from "@/lib/runtime/bus";
import { fromJsonText } from "@/lib/runtime/json";
import { expressionContext, mapItemsOf, type TaskRunRow } from "@/lib/runtime/snapshots";
import { taskOf } from "@/lib/runtime/task-types";
import { runById, withRun, type AttemptOutcome, type ClaimedAttempt, type Dispatcher, type ExecutionState, type KnownRun, type OutcomeExtra } from "@/lib/runtime/state";
import { loadState } from "@/lib/runtime/step";
import { EngineStoreError } from "@/lib/runtime/store";
import { errorOf, expressionError } from "@/lib/runtime/runners/error-of";
import { runHttpTask } from "@/lib/runtime/runners/http";
import { runShellTask } from "@/lib/runtime/runners/shell";
import { LogSink, appendExchangeLine } from "@/lib/runtime/log-sink";
import { maskOutcome, secretMasker } from "@/lib/secrets/mask";
import { secretsForTask, withSecrets } from "@/lib/secrets/resolve";
import { evaluateTermination, type TerminateParams } from "@/lib/runtime/runners/terminate";
import { childDepthError, maxTreeExecutions, treeOf, treeSizeError } from "@/lib/runtime/tree-limits";
import { terminateFromTask } from "@/lib/runtime/writes/terminate";
import { fullTransaction } from "@/lib/runtime/writes/transaction";
import { recordAttemptOutcome as recordOutcome } from "@/lib/runtime/writes/record-outcome";
import { markAttemptRunning, prepareForWorkers, releaseClaim, startChildAttempt, startMapAttempt } from "@/lib/runtime/writes/start-attempt";
import type { MockStep, TaskMocks } from "@/lib/runtime/mocks";

export type RunnerOptions = {
  engineId: string;
  /** Run `shell` tasks in this process. @default false */
  shellEnabled: boolean;
  /** Lease an engine holds on an attempt with side effects while it runs. @default 60000 */
  leaseMs: number;
  /** The engine's runner slots: results are decided at once and next attempts run here (see Dispatcher). */
  dispatcher?: Dispatcher;
  /** Aborted when the engine begins to stop: an attempt not yet RUNNING gives its claim back instead of starting. */
  stopping?: AbortSignal;
  /** Aborted when the engine's shutdown grace runs out: calls in flight are abandoned (ENGINE_SHUTDOWN). */
  abort?: AbortSignal;
  /** Workflow tests: mocked tasks' attempts take their mocked outcome instead of running (lib/runtime/mocks.ts). */
  mocks?: TaskMocks;
};

/**
 * Runs one claimed attempt (built-in types; for worker attempts: prepares them for workers).
 * Evaluates `when` (false → SKIPPED) and the input mapping first; expression errors fail the
 * attempt with code EXPRESSION_ERROR and the path of the broken expression.
 */
export async function runClaimedTask(db: Db, claimed: ClaimedAttempt, options: RunnerOptions, given?: ExecutionState): Promise<void> {
  // The state the attempt was created in (handed over by a decision step), or one read for the
  // execution and all its attempts (the claimed one among them).
  let state = given?.execution.id === claimed.executionId ? given : null;
  let run = state ? runById(state.runs, claimed.id) : undefined;
  if (state && run && run.lockedBy !== options.engineId && claimed.leaseExpiresAt) {
    // The engine's state predates the claim it just made (a claim does not move the version).
    run = { ...run, lockedBy: options.engineId, leaseExpiresAt: claimed.leaseExpiresAt };
    state = withRun(state, run);
  }
  if (!state || !run) {
    state = await loadState(db, claimed.executionId);
    run = state ? runById(state.runs, claimed.id) : undefined;
  }
  if (!state || !run || run.lockedBy !== options.engineId) return;
  const { execution, runs, definition } = state;
  const taskRunId = claimed.id;
  const holder: RunnerClaim = { taskRunId, lockedBy: options.engineId, known: { executionId: run.executionId, taskKey: run.taskKey, mapIndex: run.mapIndex, attempt: run.attempt, startedAt: run.startedAt, taskType: run.taskType, workflow: execution.workflowName }, state, dispatcher: options.dispatcher };
  const task = taskOf(definition, run.taskKey);
  if (await releasedForShutdown(db, holder, options)) return;

  let context: ExpressionContext = expressionContext(execution, definition, runs);
  if (run.mapIndex >= 0) {
    const mapRun = runs.find((r) => r.taskKey === run.taskKey && r.mapIndex === -1 && r.status === "RUNNING");
    const items = mapRun ? mapItemsOf(mapRun) : [];
    context = { ...context, item: items[run.mapIndex], index: run.mapIndex };
  }

  try {
    if (run.mapIndex === -1 && task.when !== undefined) {
      const condition = await evaluateCondition(task.when, context, { basePath: `tasks.${task.key}.when` });
      if (!condition.ok) return void (await recordAttemptOutcome(db, holder, expressionFailure(condition.error)));
      if (!condition.value) return void (await recordAttemptOutcome(db, holder, { status: "SKIPPED", reason: "its when condition is false" }));
    }
    const inputTemplate = run.mapIndex >= 0 && task.type === "map" ? task.params.task?.input : task.input;
    let input: unknown = undefined;
    // An operator's rerun may give this task a new input (TASK_INPUT_SET after its TASK_RESET).
    const override = run.mapIndex === -1 && INPUT_CONSUMERS.has(run.taskType) ? await operatorTaskInput(db, run.executionId, run.taskKey) : undefined;
    if (override !== undefined) {
      input = override.input;
    } else if (inputTemplate !== undefined) {
      const evaluated = await evaluateTemplate(inputTemplate, context, { basePath: `tasks.${task.key}.input` });
      if (!evaluated.ok) return void (await recordAttemptOutcome(db, holder, expressionFailure(evaluated.error)));
      input = evaluated.value;
    } else if (run.mapIndex >= 0) {
      input = { item: context.item ?? null, index: run.mapIndex };
    }
    await runByType(db, { run, holder, definition, task, context, input, options, inputFromOperator: override !== undefined });
  } catch (error) {
    if ((error as Error).name?.startsWith("PrismaClient") || error instanceof EngineStoreError) {
      // The database failed us (pool exhausted, connection lost), not the task: give the claim
      // back so the attempt runs again, instead of failing it. An attempt already RUNNING (side
      // effects started) is left to its lease: the reaper counts it as timed out, then retries.
      console.error(`[engine ${options.engineId}] database error while running ${run.taskKey}; releasing the claim:`, (error as Error).message);
      await releaseClaim(db, holder).catch(() => {});
      return;
    }
    await recordAttemptOutcome(db, holder, { status: "FAILED", error: errorOf("INTERNAL_ERROR", `the engine failed to run the task: ${(error as Error).message}`) });
  }
}

/**
 * A stopping engine starts no claimed attempt: the claim is given back (no lease left to expire),
 * so another engine (or this one after a restart) runs it at once. True when it was released.
 */
async function releasedForShutdown(db: Db, holder: RunnerClaim, options: RunnerOptions): Promise<boolean> {
  if (!options.stopping?.aborted) return false;
  await releaseClaim(db, holder);
  return true;
}

/**
 * Writes an attempt's outcome, passing what is known of the attempt (no re-read): through the
 * engine's queue for the execution (decided in the same transaction, see Dispatcher.record), or
 * directly when run without an engine.
 */
function recordAttemptOutcome(db: Db, holder: RunnerClaim, outcome: AttemptOutcome, extra: OutcomeExtra = {}): Promise<boolean> {
  const item = { holder: { taskRunId: holder.taskRunId, lockedBy: holder.lockedBy }, outcome, extra, run: holder.known };
  if (holder.dispatcher) return holder.dispatcher.record(item, holder.state);
  return recordOutcome(db, holder, outcome, { ...extra, run: holder.known, state: holder.state });
}

/** Marks the attempt RUNNING before side effects, and remembers that it has started. */
async function startAttempt(db: Db, holder: RunnerClaim, params: Omit<Parameters<typeof markAttemptRunning>[2], "run" | "state">): Promise<boolean> {
  const result = await markAttemptRunning(db, holder, { ...params, run: holder.known, state: holder.state });
  if (result.started) {
    holder.known = { ...holder.known, startedAt: params.now };
    holder.state = result.state;
    if (result.state) holder.dispatcher?.remember(result.state);
  }
  return result.started;
}

/** Task types whose input is what they work on (transform and http read expressions instead). */
const INPUT_CONSUMERS = new Set(["worker", "approval", "subworkflow"]);

/**
 * Rerun with `taskInput` leaves a TASK_INPUT_SET event after the task's TASK_RESET; it holds for
 * every attempt until the task is reset again. Looked up (one indexed query) only for the task
 * types that consume their input.
 */

async function operatorTaskInput(db: Db, executionId: string, taskKey: string): Promise<{ input: unknown } | undefined> {
  const event = await db.executionEvent.findFirst({
    where: { executionId, taskKey, type: { in: ["TASK_RESET", "TASK_INPUT_SET"] } },
    orderBy: { id: "desc" },
    select: { type: true, payload: true },
  });
  if (event?.type !== "TASK_INPUT_SET") return undefined;
  return { input: fromJsonText<{ input: unknown }>(event.payload)?.input ?? null };
}

function expressionFailure(error: { path: string; message: string; code: string }): AttemptOutcome {
  return { status: "FAILED", error: expressionError(error) };
}

/**
 * The claim on an attempt, what is known of the attempt (kept current as it starts), and the
 * execution's state as last stored by this engine (undefined once it may be stale).
 */
type RunnerClaim = { taskRunId: string; lockedBy: string; known: KnownRun; state?: ExecutionState; dispatcher?: Dispatcher };

type RunContext = {
  run: TaskRunRow;
  holder: RunnerClaim;
  definition: WorkflowDefinition;
  task: TaskDefinition;
  context: ExpressionContext;
  input: unknown;
  options: RunnerOptions;
  /** The input was set by an operator's rerun (taskInput): it replaces the task's own mapping. */
  inputFromOperator?: boolean;
};

async function runByType(db: Db, rc: RunContext): Promise<void> {
  const { run, holder, task, context, input, options } = rc;
  const now = new Date();
  const itemTemplate = run.mapIndex >= 0 && task.type === "map" ? task.params.task : undefined;
  const type = run.taskType;
  const params = (itemTemplate?.params ?? task.params) as Record<string, unknown>;
  const deadline = attemptDeadline(run.mapIndex >= 0 && task.type === "map" ? task.params.task?.timeouts : task.timeouts, now);
  // A map's own attempt always runs (it evaluates the items); a mock of a map applies to its items.
  const mock = task.type === "map" && run.mapIndex === -1 ? undefined : options.mocks?.stepFor(task.key, run.attempt, run.executionId);
  if (mock) return runMockedAttempt(db, rc, mock, deadline, now);

  switch (type) {
    case "transform": {
      const output = await evaluateTemplate(params.output, context, { basePath: `tasks.${task.key}.params.output` });
      await recordAttemptOutcome(db, holder, output.ok ? { status: "COMPLETED", output: output.value ?? null } : expressionFailure(output.error), { input });
      return;
    }
    case "switch": {
      if (task.type !== "switch") return;
      for (const [index, branch] of task.params.cases.entries()) {
        const holds = await evaluateCondition(branch.when, context, { basePath: `tasks.${task.key}.params.cases[${index}].when` });
        if (!holds.ok) return void (await recordAttemptOutcome(db, holder, expressionFailure(holds.error)));
        if (holds.value) return void (await recordAttemptOutcome(db, holder, { status: "COMPLETED", output: { branch: branch.name } }));
      }
      await recordAttemptOutcome(db, holder, { status: "COMPLETED", output: { branch: task.params.default ? "default" : null } });
      return;
    }
    case "wait": {
      const until = await waitUntil(params, context, task.key, now);
      if (!until.ok) return void (await recordAttemptOutcome(db, holder, expressionFailure(until.error)));
      // startedAt is the instant the duration counts from (not the later moment the row is written).
      await recordAttemptOutcome(db, holder, { status: "WAITING", until: until.value }, { input: { until: until.value.toISOString() }, startedAt: now });
      return;
    }
    case "approval": {
      const timeoutMs = params.timeoutMs as number | undefined;
      await recordAttemptOutcome(
        db,
        holder,
        { status: "WAITING", until: timeoutMs ? new Date(now.getTime() + timeoutMs) : null },
        { input: { prompt: params.prompt ?? null, approvers: params.approvers ?? [], ...(input !== undefined ? { input } : {}) }, startedAt: now },
      );
      return;
    }
    case "worker": {
      // Prepared: workers may now claim it (input is what they receive).
      await prepareForWorkers(db, holder, run.executionId, input ?? context.input ?? {});
      return;
    }
    case "map": {
      if (task.type !== "map") return;
      const items = Array.isArray(task.params.items)
        ? { ok: true as const, value: task.params.items as unknown }
        : await evaluateTemplate(task.params.items, context, { basePath: `tasks.${task.key}.params.items` });
      if (!items.ok) return void (await recordAttemptOutcome(db, holder, expressionFailure(items.error)));
      if (!Array.isArray(items.value)) {
        const got = items.value === null ? "null" : typeof items.value;
        return void (await recordAttemptOutcome(db, holder, { status: "FAILED", error: errorOf("ITEMS_NOT_A_LIST", `tasks.${task.key}.params.items must evaluate to a list; got ${got}`) }));
      }
      await startMapAttempt(db, holder, holder.known, { items: items.value });
      return;
    }
    case "subworkflow": {
      const ref = run.mapIndex >= 0 && task.type === "map" ? task.params.workflow : task.type === "subworkflow" ? { name: task.params.workflow, version: task.params.version, input: task.params.input } : undefined;
      if (!ref) return;
      let childInput: unknown = input;
      if (ref.input !== undefined && !rc.inputFromOperator) {
        const evaluated = await evaluateTemplate(ref.input, context, { basePath: `tasks.${task.key}.params.input` });
        if (!evaluated.ok) return void (await recordAttemptOutcome(db, holder, expressionFailure(evaluated.error)));
        childInput = evaluated.value;
      }
      await startChildExecution(db, rc, ref.name, ref.version, childInput ?? {}, deadline);
      return;
    }
    case "terminate": {
      const terminate = params as TerminateParams;
      const evaluated = await evaluateTermination(terminate, context, task.key);
      if (!evaluated.ok) return void (await recordAttemptOutcome(db, holder, evaluated.outcome));
      const now = new Date();
      const termination = { executionId: run.executionId, run: { id: run.id, taskKey: task.key, attempt: run.attempt }, holder: holder.lockedBy, status: terminate.status, reason: evaluated.reason, output: evaluated.output };
      if (await fullTransaction(db, (tx) => terminateFromTask(tx, termination, now))) {
        announceExecutionEnded(run.executionId);
        wakeEngine();
      }
      return;
    }
    case "http": {
      // $secrets: loaded only when the params read them; what the call returns is masked before it is stored.
      const secrets = await secretsForTask(db, "http", params, `tasks.${task.key}.params`, task.key);
      if (!secrets.ok) return void (await recordAttemptOutcome(db, holder, { status: "FAILED", error: secrets.error }));
      const leaseUntil = new Date(now.getTime() + Math.max(options.leaseMs, ((params.timeoutMs as number) ?? 30_000) + 10_000));
      if (await releasedForShutdown(db, holder, options)) return;
      if (!(await startAttempt(db, holder, { now, leaseUntil, input, deadline }))) return;
      announceExecutionChanged(run.executionId);
      const { outcome, exchange } = await runHttpTask(withinDeadline(params, 30_000, deadline, now), withSecrets(context, secrets.secrets), task.key, { abort: options.abort, secrets: secrets.secrets });
      // The attempt's input is the request as sent (masked), with the response's status and timing
      // (and the task's own mapped input, when it has one, beside them).
      const recorded = exchange ? { input: input !== undefined ? { ...exchange, input } : exchange } : {};
      if (exchange) await appendExchangeLine(db, run.id, holder.lockedBy, exchange);
      await recordAttemptOutcome(db, holder, maskOutcome(outcome, secrets.secrets), recorded);
      return;
    }
    case "shell": {
      if (!options.shellEnabled) {
        await recordAttemptOutcome(db, holder, {
          status: "FAILED",
          error: errorOf("SHELL_DISABLED", "shell tasks are off in this engine; run them on a worker started with FLOWDECK_ENABLE_SHELL=true"),
        });
        return;
      }
      const secrets = await secretsForTask(db, "shell", params, `tasks.${task.key}.params`, task.key);
      if (!secrets.ok) return void (await recordAttemptOutcome(db, holder, { status: "FAILED", error: secrets.error }));
      const timeoutMs = (params.timeoutMs as number | undefined) ?? 60_000;
      const leaseUntil = new Date(now.getTime() + Math.max(options.leaseMs, timeoutMs + 10_000));
      if (await releasedForShutdown(db, holder, options)) return;
      if (!(await startAttempt(db, holder, { now, leaseUntil, input, deadline }))) return;
      announceExecutionChanged(run.executionId);
      // Output lines reach the attempt's log as they come (masked), all of them before its outcome.
      const sink = new LogSink(db, { taskRunId: run.id, holder: holder.lockedBy }, secrets.secrets ? secretMasker(secrets.secrets) : undefined);
      const result = await runShellTask(withinDeadline(params, 60_000, deadline, now), withSecrets(context, secrets.secrets), task.key, (stream, chunk) => sink.write(stream, chunk));
      await sink.close();
      await recordAttemptOutcome(db, holder, maskOutcome(result.outcome, secrets.secrets));
      return;
    }
    default:
      await recordAttemptOutcome(db, holder, { status: "FAILED", error: errorOf("UNKNOWN_TASK_TYPE", `no runner for task type '${type}'`) });
  }
}

/**
 * A mocked attempt (workflow tests): with a delay it goes RUNNING first, so its timeouts apply as to
 * a real call (decide times it out; its late result is refused), then records the mocked outcome.
 */
async function runMockedAttempt(db: Db, rc: RunContext, mock: MockStep, deadline: Date | null, now: Date): Promise<void> {
  const { holder, input, options } = rc;
  const outcome: AttemptOutcome = mock.error ? { status: "FAILED", error: mock.error } : { status: "COMPLETED", output: mock.output ?? null };
  if (mock.delayMs && mock.delayMs > 0) {
    const leaseUntil = new Date(now.getTime() + Math.max(options.leaseMs, mock.delayMs + 10_000));
    if (!(await startAttempt(db, holder, { now, leaseUntil, input, deadline }))) return;
    announceExecutionChanged(rc.run.executionId);
    await abortableSleep(mock.delayMs, options.abort);
    if (options.abort?.aborted) return void (await recordAttemptOutcome(db, holder, { status: "FAILED", error: errorOf("ENGINE_SHUTDOWN", "the test run was stopped") }));
    return void (await recordAttemptOutcome(db, holder, outcome));
  }
  await recordAttemptOutcome(db, holder, outcome, { input });
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * The runner's own timeout, cut to a little after the attempt's start-to-close (or heartbeat)
 * deadline: once decide has timed the attempt out (TIMED_OUT, its retry policy applies), the call
 * is abandoned too instead of holding an engine slot until its own timeout — its late result would
 * be refused anyway. The grace keeps decide's timeout the one that is recorded.
 */
function withinDeadline(params: Record<string, unknown>, defaultTimeoutMs: number, deadline: Date | null, now: Date): Record<string, unknown> {
  if (!deadline) return params;
  const own = typeof params.timeoutMs === "number" ? params.timeoutMs : defaultTimeoutMs;
  return { ...params, timeoutMs: Math.max(1, Math.min(own, deadline.getTime() - now.getTime() + ABANDON_GRACE_MS)) };
}

/** How long after its deadline a timed-out call is abandoned (see withinDeadline). */
const ABANDON_GRACE_MS = 1_000;

/**
 * When decide must look at an attempt that starts running now: its start-to-close or heartbeat
 * deadline (decide computes them from startedAt, which it has not seen yet); null without either.
 */
function attemptDeadline(timeouts: Timeouts | undefined, startedAt: Date): Date | null {
  const limits = [timeouts?.startToCloseMs, timeouts?.heartbeatMs].filter((limit): limit is number => limit !== undefined);
  return limits.length > 0 ? new Date(startedAt.getTime() + Math.min(...limits)) : null;
}

async function waitUntil(params: Record<string, unknown>, context: ExpressionContext, taskKey: string, now: Date) {
  if (typeof params.durationMs === "number") return { ok: true as const, value: new Date(now.getTime() + params.durationMs) };
  const evaluated = await evaluateTemplate(params.until, context, { basePath: `tasks.${taskKey}.params.until` });
  if (!evaluated.ok) return evaluated;
  const until = new Date(String(evaluated.value));
  if (Number.isNaN(until.getTime())) {
    return { ok: false as const, error: { path: `tasks.${taskKey}.params.until`, code: "expression_failed", message: `'${String(evaluated.value)}' is not a date-time` } };
  }
  return { ok: true as const, value: until };
}

/** Subworkflow (or a map item running a workflow): a child execution linked both ways. */
async function startChildExecution(db: Db, rc: RunContext, name: string, version: number | undefined, input: unknown, deadline: Date | null): Promise<void> {
  const child = await db.workflowDefinition.findFirst({
    where: version === undefined ? { name } : { name, version },
    orderBy: { version: "desc" },
    select: { id: true, name: true, version: true },
  });
  if (!child) {
    const what = version === undefined ? `workflow '${name}'` : `workflow '${name}' version ${version}`;
    return void (await recordAttemptOutcome(db, rc.holder, { status: "FAILED", error: errorOf("WORKFLOW_NOT_FOUND", `${what} does not exist`) }));
  }
  const parent = rc.holder.state?.execution ?? (await db.execution.findUniqueOrThrow({ where: { id: rc.run.executionId } }));
  const tooDeep = await childDepthError(db, parent, child.name);
  if (tooDeep) return void (await recordAttemptOutcome(db, rc.holder, { status: "FAILED", error: tooDeep }));
  const started = await startChildAttempt(db, rc.holder, rc.holder.known, { id: randomUUID(), definition: child, input, deadline }, { ...treeOf(parent), maxExecutions: maxTreeExecutions() });
  if (started === "tree-full") await recordAttemptOutcome(db, rc.holder, { status: "FAILED", error: treeSizeError(child.name) });
}

