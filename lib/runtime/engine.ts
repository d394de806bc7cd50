import { AsyncResource } from "node:async_hooks";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import type { DatabaseProvider } from "@/lib/db/config";
import { engineBus } from "@/lib/runtime/bus";
import { setLocalEngine, type EndedStart, type LocalEngine } from "@/lib/runtime/local-engine";
import { claimDueDecisions, claimDueTasks } from "@/lib/runtime/writes/claim";
import { runClaimedTask, type RunnerOptions } from "@/lib/runtime/run-task";
import type { ClaimedAttempt, Dispatcher, ExecutionState, OutcomeItem } from "@/lib/runtime/state";
import { markForDecision, postponeDecision } from "@/lib/runtime/writes/execution-row";
import { recordOutcomes } from "@/lib/runtime/writes/record-outcome";
import { writeTransaction } from "@/lib/runtime/writes/transaction";
import { loadState, startWithFirstStep } from "@/lib/runtime/step";
import type { ExecutionRow } from "@/lib/runtime/snapshots";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import { boundFromEnv, LruCache } from "@/lib/workflow/lru";
import { observeEngineLoopLag, trackEngine } from "@/lib/metrics/observe";
import type { TaskMocks } from "@/lib/runtime/mocks";

/** How many executions' states an engine keeps (see Engine.states) (FLOWDECK_ENGINE_STATE_CACHE_ENTRIES). @default 256 */
export const ENGINE_STATE_CACHE_ENTRIES = boundFromEnv("FLOWDECK_ENGINE_STATE_CACHE_ENTRIES", 256);
/**
 * How many attempt rows those states hold in all (a map's state holds one per item)
 * (FLOWDECK_ENGINE_STATE_CACHE_RUNS). A state with more rows than this is not kept (it is read
 * again when needed). @default 100000
 */
export const ENGINE_STATE_CACHE_RUNS = boundFromEnv("FLOWDECK_ENGINE_STATE_CACHE_RUNS", 100_000);

/**
 * Most steps an engine runs ahead in one transaction (lib/runtime/writes/decision-step.ts)
 * (FLOWDECK_ENGINE_INLINE_STEPS; 0 turns it off). @default 64
 */
export const ENGINE_INLINE_STEPS = inlineStepsFromEnv(process.env.FLOWDECK_ENGINE_INLINE_STEPS);

function inlineStepsFromEnv(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return 64;
  const steps = Number(value);
  if (!Number.isInteger(steps) || steps < 0) throw new SettingError(`FLOWDECK_ENGINE_INLINE_STEPS must be a whole number ≥ 0, not '${value}'`);
  return steps;
}

type QueuedOutcome = { item: OutcomeItem; state?: ExecutionState; resolve: (written: boolean) => void; reject: (error: unknown) => void };
import { runDecisionStep, StaleExecutionError } from "@/lib/runtime/step";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import { fireDueTimers, reapExpiredLeases } from "@/lib/runtime/timers";
import { DueTimes } from "@/lib/runtime/due-times";
import { fireDueSchedules } from "@/lib/triggers/scheduler";
import { fireWorkflowEventTriggers } from "@/lib/triggers/workflow-events";
import { SettingError } from "@/lib/workflow/setting-error";

export type EngineOptions = {
  /** Identifies this engine in leases and events. @default "engine:<host>:<pid>:<random>" */
  engineId?: string;
  /** Attempts this engine runs at once (HTTP calls, commands, transforms). @default 32 */
  maxConcurrentTasks?: number;
  /** Longest sleep when idle; any in-process change wakes the loop at once. @default 200 */
  pollIntervalMs?: number;
  /** How long a claimed decision or attempt stays ours if this process dies. @default 30000 */
  leaseMs?: number;
  /** How often timers and the lease reaper run. @default 250 */
  timerIntervalMs?: number;
  /** Run shell tasks in this process. @default false (FLOWDECK_ENABLE_SHELL=true to enable) */
  shellEnabled?: boolean;
  /** Fire due schedules and workflow-event triggers on the timer tick (lib/triggers). @default true */
  triggers?: boolean;
  /** Workflow tests: mocked outcomes for tasks (lib/runtime/mocks.ts). @default none */
  mocks?: TaskMocks;
  /** Report this engine to the metrics (slots, loop lag). @default true; a test run's engine passes false */
  metrics?: boolean;
  /**
   * Most steps run ahead in one transaction (lib/runtime/writes/decision-step.ts); 0 turns running
   * ahead off. An engine with mocks never runs ahead (a mocked attempt takes its mocked outcome).
   * @default FLOWDECK_ENGINE_INLINE_STEPS, else 64
   */
  inlineSteps?: number;
  /**
   * Take the starts of this process while running (lib/runtime/local-engine.ts, lib/runtime/step.ts
   * startWithFirstStep): the embedded engine of a server does. @default false
   */
  takeLocalStarts?: boolean;
};


/** What Engine.stop did with the attempts in flight. */
export type StopReport = { finished: boolean; abandoned: number; waitedMs: number };

export type EngineState = { state: "running" | "stopped"; engineId: string; runningTasks: number; decisions: number; tasks: number };

/**
 * The engine runtime: a loop that (1) runs due decision steps, (2) claims due attempts and runs
 * them concurrently, (3) fires timers and reaps expired leases. All state is in the database, so
 * any number of engines can share one (PostgreSQL), and a restarted engine picks up where a dead
 * one stopped.
 */
export class Engine implements Dispatcher, LocalEngine {
  readonly engineId: string;
  private readonly options: Required<Omit<EngineOptions, "engineId" | "mocks">>;
  private running = false;
  private loopDone: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private wakeRequested = false;
  private wakeResolver: (() => void) | null = null;
  private lastTimers = 0;
  /** When timers known here fall due (announced in this process or by the web thread); a sweep runs at each. */
  private readonly dueTimes = new DueTimes();
  private counters = { decisions: 0, tasks: 0 };
  /** Runner slots promised to attempts a transaction is creating (see Dispatcher). */
  private reserved = 0;
  /**
   * The newest state this engine stored, for the executions it ran last (least recently used
   * first; finished ones are dropped). Attempts it claims of these start without a read, and
   * their outcomes are decided on it. A state someone else moved on is caught by the version
   * guard and reloaded, so keeping one is never wrong, only sometimes useless. An LRU bounded in
   * executions and in attempt rows (ENGINE_STATE_CACHE_ENTRIES, ENGINE_STATE_CACHE_RUNS).
   */
  private readonly states = new LruCache<string, ExecutionState>({ maxEntries: ENGINE_STATE_CACHE_ENTRIES, maxWeight: ENGINE_STATE_CACHE_RUNS, weigh: (state) => state.runs.length + 1 });
  /** Outcomes waiting for their execution's previous transaction (see Dispatcher.record). */
  private readonly outcomeQueues = new Map<string, QueuedOutcome[]>();
  private runnerOptions: RunnerOptions;
  /** Due work was left unclaimed for lack of slots: a finishing attempt wakes the loop to take it. */
  private backlog = false;
  /** Aborted when stop() begins (claimed attempts not yet RUNNING are released, run-task.ts). */
  private stopping = new AbortController();
  /** Aborted when stop()'s grace runs out (calls in flight are abandoned as ENGINE_SHUTDOWN). */
  private abort = new AbortController();
  /**
   * The async context the engine was made in. Attempts handed over from a request (a start's first
   * step, a worker's result) run in it, not in the request's: otherwise every promise of the
   * execution's later work would carry the web framework's request context (its async-local
   * stores, tracing), which costs on each one and ends with the request.
   */
  private readonly scope = new AsyncResource("FlowdeckEngine");

  constructor(
    private readonly db: Db,
    private readonly provider: DatabaseProvider,
    options: EngineOptions = {},
  ) {
    this.engineId = options.engineId ?? `engine:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.options = {
      maxConcurrentTasks: options.maxConcurrentTasks ?? 32,
      pollIntervalMs: options.pollIntervalMs ?? 200,
      leaseMs: options.leaseMs ?? 30_000,
      timerIntervalMs: options.timerIntervalMs ?? 250,
      shellEnabled: options.shellEnabled ?? false,
      triggers: options.triggers ?? true,
      metrics: options.metrics ?? true,
      takeLocalStarts: options.takeLocalStarts ?? false,
      inlineSteps: options.mocks ? 0 : (options.inlineSteps ?? ENGINE_INLINE_STEPS),
    };
    this.runnerOptions = {
      engineId: this.engineId,
      shellEnabled: this.options.shellEnabled,
      leaseMs: this.options.leaseMs,
      dispatcher: this,
      stopping: this.stopping.signal,
      abort: this.abort.signal,
      ...(options.mocks ? { mocks: options.mocks } : {}),
    };
  }

  /** LocalEngine: whether this engine writes through `db` (a start on another client cannot be its first step). */
  usesDatabase(db: Db): boolean {
    return this.db === db;
  }

  /** LocalEngine: a start and its first decision step in one transaction, its attempts run here. */
  async startNew(row: ExecutionRow, definition: WorkflowDefinition, payload: Record<string, unknown>): Promise<EndedStart | null> {
    const applied = await startWithFirstStep(this.db, row, definition, payload, this);
    return applied.plan.finished ? { execution: applied.state.execution, runs: applied.state.runs } : null;
  }

  get leaseMs(): number {
    return this.options.leaseMs;
  }

  get shellEnabled(): boolean {
    return this.options.shellEnabled;
  }

  /** Runner slots (the metrics' flowdeck_engine_slots). */
  get slots(): number {
    return this.options.maxConcurrentTasks;
  }

  /** Slots in use: attempts in flight and slots promised to attempts being created (flowdeck_engine_busy_slots). */
  busySlots(): number {
    return this.inFlight.size + this.reserved;
  }

  /** Dispatcher: free runner slots, only while running (a stopping engine takes no new work). */
  reserve(wanted: number): number {
    if (!this.running) return 0;
    const got = Math.max(0, Math.min(wanted, this.options.maxConcurrentTasks - this.inFlight.size - this.reserved));
    this.reserved += got;
    if (got < wanted) this.backlog = true;
    return got;
  }

  release(count: number): void {
    this.reserved = Math.max(0, this.reserved - count);
  }

  get inlineSteps(): number {
    return this.options.inlineSteps;
  }

  ranInline(count: number): void {
    this.release(count);
    this.counters.tasks += count;
  }

  run(attempt: ClaimedAttempt, state: ExecutionState): void {
    this.release(1);
    this.counters.tasks++;
    this.scope.runInAsyncScope(() => this.track(runClaimedTask(this.db, attempt, this.runnerOptions, state)));
  }

  remember(state: ExecutionState): void {
    const id = state.execution.id;
    const known = this.states.peek(id);
    if (known && known.execution.version > state.execution.version) return;
    this.states.delete(id);
    if (isTerminalExecutionStatus(state.execution.status as ExecutionStatus)) return;
    this.states.set(id, state);
  }

  record(item: OutcomeItem, state?: ExecutionState): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const id = item.run.executionId;
      const queue = this.outcomeQueues.get(id);
      if (queue) return void queue.push({ item, state, resolve, reject });
      this.outcomeQueues.set(id, [{ item, state, resolve, reject }]);
      this.scope.runInAsyncScope(() => void this.drainOutcomes(id));
    });
  }

  /**
   * Writes the queued outcomes of one execution, a batch per transaction, on the newest state
   * known here. A stale state (another process or an operator wrote meanwhile) is reloaded once;
   * if it moves again under us, the outcomes are written and the execution marked for a decision.
   */
  private async drainOutcomes(executionId: string): Promise<void> {
    for (;;) {
      const queue = this.outcomeQueues.get(executionId)!;
      if (queue.length === 0) {
        this.outcomeQueues.delete(executionId);
        return;
      }
      const batch = queue.splice(0, 500);
      try {
        const items = batch.map((queued) => queued.item);
        let state: ExecutionState | undefined = this.states.get(executionId);
        for (const queued of batch) if (queued.state && (!state || queued.state.execution.version > state.execution.version)) state = queued.state;
        let recorded = state ? await recordOutcomes(this.db, items, { state, dispatcher: this, fallback: false }) : null;
        if (!recorded || recorded.stale) {
          const fresh = (await loadState(this.db, executionId)) ?? undefined;
          recorded = await recordOutcomes(this.db, items, { state: fresh, dispatcher: this });
        }
        batch.forEach((queued, i) => queued.resolve(recorded.written[i]!));
      } catch (error) {
        for (const queued of batch) queued.reject(error);
      }
    }
  }

  private readonly onTimer = (dueAt: number) => {
    const next = this.dueTimes.next();
    this.dueTimes.add(dueAt);
    if (next === null || dueAt < next) this.wakeResolver?.(); // re-plan the current sleep
  };

  private readonly onWake = () => {
    this.wakeRequested = true;
    this.wakeResolver?.();
  };

  start(): void {
    if (this.running) return;
    if (this.stopping.signal.aborted) {
      this.stopping = new AbortController();
      this.abort = new AbortController();
      this.runnerOptions = { ...this.runnerOptions, stopping: this.stopping.signal, abort: this.abort.signal };
    }
    this.running = true;
    if (this.options.metrics) trackEngine(this, true);
    engineBus.on("wake", this.onWake);
    engineBus.on("timerAt", this.onTimer);
    if (this.options.takeLocalStarts) setLocalEngine(this);
    this.loopDone = this.loop();
  }

  /**
   * Graceful stop. The loop stops claiming at once (its current pass ends); claimed attempts that
   * have not gone RUNNING give their claim back instead of starting (writes/start-attempt.ts
   * releaseClaim), so no lease is left to expire. Attempts already RUNNING get `graceMs` to finish
   * and record their outcome. Past it, their calls are abandoned: an http call is aborted and
   * recorded as FAILED with code ENGINE_SHUTDOWN, which the task's retry policy retries at once
   * (its side effect may have happened, exactly as when a process dies mid-call; the difference is
   * that nobody waits for the lease). Shell commands are not killed: one still running after
   * another `ABANDON_WAIT_MS` is left to its lease (reaped as LEASE_EXPIRED, retried) like a crash.
   * @default graceMs Infinity (wait for every attempt; lib/server/shutdown.ts passes FLOWDECK_SHUTDOWN_GRACE_MS)
   */
  async stop(options: { graceMs?: number } = {}): Promise<StopReport> {
    const startedAt = Date.now();
    if (!this.running) return { finished: this.inFlight.size === 0, abandoned: 0, waitedMs: 0 };
    this.stopping.abort();
    this.running = false;
    setLocalEngine(null, this);
    if (this.options.metrics) trackEngine(this, false);
    engineBus.off("wake", this.onWake);
    engineBus.off("timerAt", this.onTimer);
    this.wakeResolver?.();
    const graceMs = options.graceMs ?? Infinity;
    const drained = (async () => {
      await this.loopDone; // its last pass may have claimed attempts: they are in flight after it
      await Promise.allSettled([...this.inFlight]);
    })();
    const finished = await settledWithin(drained, graceMs);
    if (finished) return { finished: true, abandoned: 0, waitedMs: Date.now() - startedAt };
    const abandoned = this.inFlight.size;
    this.abort.abort();
    // The aborted calls record their ENGINE_SHUTDOWN outcome (a transaction each, batched per execution).
    const settled = await settledWithin(Promise.allSettled([...this.inFlight]), ABANDON_WAIT_MS);
    return { finished: settled, abandoned, waitedMs: Date.now() - startedAt };
  }

  state(): EngineState {
    return { state: this.running ? "running" : "stopped", engineId: this.engineId, runningTasks: this.inFlight.size, ...this.counters };
  }

  /** What the engine holds in memory (tests, the soak): kept states and their rows, outcome queues, attempts in flight. */
  memory(): { states: number; stateRuns: number; outcomeQueues: number; inFlight: number } {
    return { states: this.states.size, stateRuns: this.states.weight, outcomeQueues: this.outcomeQueues.size, inFlight: this.inFlight.size };
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        worked = await this.tick();
      } catch (error) {
        console.error(`[engine ${this.engineId}] tick failed:`, error);
        await sleep(500);
      }
      if (!worked && this.running) await this.idle();
    }
  }

  private async idle(): Promise<void> {
    if (this.wakeRequested) {
      this.wakeRequested = false;
      return;
    }
    // Sleep until the next poll, or the next known timer if that is sooner.
    const nextTimer = this.dueTimes.next();
    const untilTimer = nextTimer === null ? Infinity : Math.max(0, nextTimer - Date.now());
    const sleepMs = Math.min(this.options.pollIntervalMs, untilTimer);
    // When the loop was due to go on (its timer, or the moment it was woken): how late it does is its lag.
    let dueAt = performance.now() + sleepMs;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, sleepMs);
      this.wakeResolver = () => {
        dueAt = Math.min(dueAt, performance.now());
        clearTimeout(timer);
        resolve();
      };
    });
    if (this.options.metrics) observeEngineLoopLag(performance.now() - dueAt);
    this.wakeResolver = null;
    this.wakeRequested = false;
  }

  /** One pass; true when it found work (so the loop goes again at once). */
  async tick(): Promise<boolean> {
    const now = new Date();
    let worked = false;
    const timerDue = this.dueTimes.takeDue(now.getTime());
    if (timerDue || now.getTime() - this.lastTimers >= this.options.timerIntervalMs) {
      this.lastTimers = now.getTime();
      const fired = (await fireDueTimers(this.db, now)) + (await reapExpiredLeases(this.db, now)) + (await this.fireTriggers(now));
      worked ||= fired > 0;
    }
    const decisions = await claimDueDecisions(this.db, this.provider, now, new Date(now.getTime() + this.options.leaseMs), 32);
    for (const executionId of decisions) await this.decide(executionId);
    worked ||= decisions.length > 0;

    const free = this.options.maxConcurrentTasks - this.inFlight.size - this.reserved;
    if (free > 0) {
      const claimedAt = new Date();
      const claimedUntil = new Date(claimedAt.getTime() + this.options.leaseMs);
      const taskIds = await claimDueTasks(this.db, this.provider, this.engineId, claimedAt, claimedUntil, free, {
        shellEnabled: this.options.shellEnabled,
      });
      // An execution whose state this engine holds (a fan-out it is running) needs no re-read.
      for (const claimed of taskIds) this.track(runClaimedTask(this.db, { ...claimed, leaseExpiresAt: claimedUntil }, this.runnerOptions, this.states.get(claimed.executionId)));
      this.counters.tasks += taskIds.length;
      this.backlog = taskIds.length === free;
      worked ||= taskIds.length > 0;
    }
    return worked;
  }

  /** Schedules and workflow-event triggers due now (lib/triggers); a failure is logged, never stops the loop. */
  private async fireTriggers(now: Date): Promise<number> {
    if (!this.options.triggers) return 0;
    try {
      return (await fireDueSchedules(this.db, now)) + (await fireWorkflowEventTriggers(this.db, now));
    } catch (error) {
      console.error(`[engine ${this.engineId}] firing triggers failed:`, error);
      return 0;
    }
  }

  private async decide(executionId: string): Promise<void> {
    for (let attempt = 1; attempt <= 20; attempt++) {
      try {
        await runDecisionStep(this.db, executionId, new Date(), this);
        this.counters.decisions++;
        return;
      } catch (error) {
        if (!(error instanceof StaleExecutionError)) {
          console.error(`[engine ${this.engineId}] decision step for ${executionId} failed:`, error);
          await writeTransaction(this.db, false, (tx) => postponeDecision(tx, executionId, new Date(Date.now() + 1000))).catch(() => {});
          return;
        }
      }
    }
    // Kept changing under us for 20 tries: let the next pass (or another engine) take it.
    await writeTransaction(this.db, false, (tx) => markForDecision(tx, executionId, new Date()));
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error) => console.error(`[engine ${this.engineId}] task failed:`, error))
      .finally(() => {
        this.inFlight.delete(tracked);
        if (this.backlog) this.onWake();
      });
    this.inFlight.add(tracked);
  }
}

/** How long stop() waits, after its grace, for abandoned calls to record their outcome. */
const ABANDON_WAIT_MS = 2_000;

/** True when `work` settled within `ms` (it keeps running otherwise). */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  if (ms === Infinity) {
    await work;
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  const done = work.then(() => true as const);
  try {
    return await Promise.race([done, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
