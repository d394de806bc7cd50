/**
 * The hooks the rest of the app calls. Each is a few counter or histogram updates in memory (no
 * I/O), so the engine's hot path does not notice them. The runtime calls
 * `observeCommittedEvents` after a transaction COMMITTED (lib/runtime/writes/transaction.ts): a
 * transaction that rolls back counts nothing.
 */
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import type { EventLabels, NewEvent } from "@/lib/runtime/events";
import { metrics, type EngineGauges } from "./registry";

/** Attempt-ending events and the status the attempt ended in. */
const ATTEMPT_ENDS: Record<string, string> = {
  TASK_COMPLETED: "COMPLETED",
  TASK_FAILED: "FAILED",
  TASK_TIMED_OUT: "TIMED_OUT",
  TASK_CANCELLED: "CANCELLED",
};

const seconds = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / 1000);

/** Counts what a committed transaction wrote, from its events (only those carrying `labels`). */
export function observeCommittedEvents(events: readonly NewEvent[]): void {
  for (const event of events) if (event.labels) observeEvent(event, event.labels);
}

function observeEvent(event: NewEvent, labels: EventLabels): void {
  const m = metrics();
  // The cap takes a workflow's slot only when something is counted for it.
  const workflow = () => m.workflows.value(labels.workflow);
  if (event.type === "EXECUTION_CREATED") return void m.executionsStarted.inc({ workflow: workflow() });
  if (event.type.startsWith("EXECUTION_")) {
    const status = event.type.slice("EXECUTION_".length);
    if (!isTerminalExecutionStatus(status as ExecutionStatus)) return;
    const named = { workflow: workflow(), status };
    m.executionsEnded.inc(named);
    if (labels.startedAt) m.executionDuration.observe(named, seconds(labels.startedAt, event.createdAt));
    return;
  }
  if (labels.taskType === undefined) return;
  const status = ATTEMPT_ENDS[event.type];
  if (event.type !== "TASK_RETRY_SCHEDULED" && !status) return;
  const named = { workflow: workflow(), task_type: m.taskTypes.value(labels.taskType) };
  if (event.type === "TASK_RETRY_SCHEDULED") return void m.retries.inc(named);
  // An attempt that never started (cancelled while scheduled) has no duration.
  if (labels.startedAt) m.attemptDuration.observe({ ...named, status: status! }, seconds(labels.startedAt, event.createdAt));
  if (event.type !== "TASK_TIMED_OUT") return;
  if (event.reason === "lease_expired") m.leaseExpiries.inc(named);
  else m.timeouts.inc({ ...named, kind: timeoutKind(event.reason) });
}

/** decide's timeout kinds (lib/engine/types.ts TimeoutKind); a timed-out approval has none. */
function timeoutKind(reason: string | null | undefined): string {
  if (reason === "heartbeat" || reason === "start_to_close" || reason === "schedule_to_close") return reason;
  return "approval";
}

/** An engine starts (its slots and busy slots are read at each scrape) or stops. */
export function trackEngine(engine: EngineGauges, running: boolean): void {
  if (running) metrics().engines.add(engine);
  else metrics().engines.delete(engine);
}

/** The engine loop woke `lagMs` later than it was due. */
export function observeEngineLoopLag(lagMs: number): void {
  metrics().loopLag.observe(Math.max(0, lagMs) / 1000);
}

/** A live event stream opened (+1) or closed (-1). */
export function countSseConnection(delta: 1 | -1): void {
  metrics().sseConnections.inc(delta);
}

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

/** One API request answered: `route` is the route's pattern (lib/metrics/route-pattern.ts), never the concrete URL. */
export function observeHttpRequest(method: string, route: string, status: number, durationMs: number): void {
  const m = metrics();
  m.httpDuration.observe({ method: METHODS.has(method) ? method : "OTHER", route: m.routes.value(route), status: String(status) }, durationMs / 1000);
}
