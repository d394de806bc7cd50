/**
 * Flowdeck's Prometheus metrics: one registry per process, on globalThis (Next bundles server code
 * into several chunks, and each would otherwise build its own registry; lib/runtime/bus.ts keeps
 * its singleton the same way). prom-client is external to the bundle (next.config.js), so the
 * classes are one copy too. Every label whose values users choose goes through a LabelCap.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { boundFromEnv } from "@/lib/workflow/lru";
import { LabelCap } from "./label-cap";

/**
 * Distinct workflow names (and, separately, worker task types) that get their own label value in
 * this process; later ones are counted as "_other" (FLOWDECK_METRICS_MAX_WORKFLOWS). @default 100
 */
export const METRICS_MAX_WORKFLOWS = boundFromEnv("FLOWDECK_METRICS_MAX_WORKFLOWS", 100);

/** What an engine shows of itself to the metrics (lib/runtime/engine.ts implements it). */
export type EngineGauges = { readonly engineId: string; readonly slots: number; busySlots(): number };

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const engines = new Set<EngineGauges>();
  const reg = [registry];
  return {
    registry,
    engines,
    workflows: new LabelCap(METRICS_MAX_WORKFLOWS),
    workerQueues: new LabelCap(METRICS_MAX_WORKFLOWS),
    taskTypes: new LabelCap(64),
    routes: new LabelCap(200),
    executionsStarted: new Counter({
      name: "flowdeck_executions_started_total",
      help: "Executions created (started by the API, a restart, a subworkflow or a map item), by workflow.",
      labelNames: ["workflow"],
      registers: reg,
    }),
    executionsEnded: new Counter({
      name: "flowdeck_executions_ended_total",
      help: "Executions that reached a terminal status, by workflow and status.",
      labelNames: ["workflow", "status"],
      registers: reg,
    }),
    executionDuration: new Histogram({
      name: "flowdeck_execution_duration_seconds",
      help: "From an execution's start (or creation, if it never started) to its end, by workflow and terminal status.",
      labelNames: ["workflow", "status"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400],
      registers: reg,
    }),
    attemptDuration: new Histogram({
      name: "flowdeck_task_attempt_duration_seconds",
      help: "From an attempt's start to its end (completed, failed, timed out, cancelled), by workflow, task type and status.",
      labelNames: ["workflow", "task_type", "status"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers: reg,
    }),
    retries: new Counter({
      name: "flowdeck_task_retries_total",
      help: "Retries scheduled by the retry policy, by workflow and task type.",
      labelNames: ["workflow", "task_type"],
      registers: reg,
    }),
    timeouts: new Counter({
      name: "flowdeck_task_timeouts_total",
      help: "Attempts timed out by a deadline: kind heartbeat (no heartbeat in time), start_to_close, schedule_to_close, approval.",
      labelNames: ["workflow", "task_type", "kind"],
      registers: reg,
    }),
    leaseExpiries: new Counter({
      name: "flowdeck_lease_expiries_total",
      help: "Attempts whose holder (an engine or worker) stopped renewing its lease, reaped as LEASE_EXPIRED.",
      labelNames: ["workflow", "task_type"],
      registers: reg,
    }),
    attemptsDue: new Gauge({
      name: "flowdeck_attempts_due",
      help: "Attempts due but not started and not taken (queue depth), read from the database at scrape time: queue engine (built-in types) or a worker task type.",
      labelNames: ["queue"],
      registers: reg,
    }),
    oldestDueAge: new Gauge({
      name: "flowdeck_attempts_due_oldest_age_seconds",
      help: "How long the oldest of those attempts has been due (0 when none), read from the database at scrape time.",
      labelNames: ["queue"],
      registers: reg,
    }),
    loopLag: new Histogram({
      name: "flowdeck_engine_loop_lag_seconds",
      help: "How late this process's engine loop woke after a sleep (its timer or a wake signal): the event loop's delay as the engine sees it.",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: reg,
    }),
    busySlots: new Gauge({
      name: "flowdeck_engine_busy_slots",
      help: "Runner slots of this process's engine in use (attempts in flight and slots promised to attempts being created).",
      registers: reg,
      collect() {
        let busy = 0;
        for (const engine of engines) busy += engine.busySlots();
        this.set(busy);
      },
    }),
    slots: new Gauge({
      name: "flowdeck_engine_slots",
      help: "Runner slots of this process's engine (FLOWDECK_ENGINE_CONCURRENCY); 0 when it runs no engine.",
      registers: reg,
      collect() {
        let slots = 0;
        for (const engine of engines) slots += engine.slots;
        this.set(slots);
      },
    }),
    engineInfo: new Gauge({
      name: "flowdeck_engine_info",
      help: "1 per engine running in this process, with its id (as in leases and events).",
      labelNames: ["engine_id"],
      registers: reg,
      collect() {
        this.reset();
        for (const engine of engines) this.set({ engine_id: engine.engineId }, 1);
      },
    }),
    sseConnections: new Gauge({
      name: "flowdeck_sse_connections",
      help: "Live event streams (text/event-stream) open in this process.",
      registers: reg,
    }),
    httpDuration: new Histogram({
      name: "flowdeck_http_request_duration_seconds",
      help: "API request durations until the response starts, by method, route pattern (/api/executions/[executionId]) and status.",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: reg,
    }),
  };
}

export type FlowdeckMetrics = ReturnType<typeof createMetrics>;

const globalForMetrics = globalThis as unknown as { flowdeckMetrics?: FlowdeckMetrics };

/** This module copy's handle on them: reading a property of globalThis is slow enough to show on the hot path. */
let local: FlowdeckMetrics | undefined;

/** This process's metrics (created on first use). */
export function metrics(): FlowdeckMetrics {
  return (local ??= globalForMetrics.flowdeckMetrics ??= createMetrics());
}
