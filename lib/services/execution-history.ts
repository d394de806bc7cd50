/**
 * What reruns, retries and skips replaced, read back from the event history: every superseded
 * attempt with the operation that superseded it, and every input the execution ran with (the
 * original, then each rerun's). Nothing of it is lost when an operator resets tasks — their rows
 * are archived in TASK_RESET events (lib/runtime/writes/reset-tasks.ts) — and the monitor shows it
 * in the attempts list, the timeline and the overview (issue 12, point 4).
 */
import type { Db } from "@/lib/db/client";
import type { ArchivedAttempt } from "@/lib/runtime/writes/reset-tasks";
import { fromJsonText } from "@/lib/runtime/json";

/** The operator's operation that reset tasks: its event, who, why and when. */
export type SupersedingOperation = {
  eventId: string;
  /** EXECUTION_RERUN, EXECUTION_RETRIED or TASK_SKIPPED. */
  type: string;
  /** A rerun's task, a skip's task. */
  taskKey: string | null;
  actor: string | null;
  reason: string | null;
  at: string;
};

export type SupersededAttempt = ArchivedAttempt & { supersededBy: SupersedingOperation | null };

/** An input the execution ran with: the one it started with, then each rerun's new input. */
export type InputRecord = { kind: "start" | "rerun"; input: unknown; at: string; actor: string | null; eventId: string | null; taskKey: string | null };

export type ExecutionHistory = { superseded: SupersededAttempt[]; inputs: InputRecord[] };

const OPERATIONS = ["EXECUTION_RERUN", "EXECUTION_RETRIED", "TASK_SKIPPED"];

type Started = { input: unknown; createdAt: Date; createdBy: string | null };

/**
 * The history of one execution's reruns. Each TASK_RESET is written in the transaction of the
 * operation that caused it, right after that operation's event, so the operation is the last of
 * OPERATIONS before it (by event id).
 */
export async function readExecutionHistory(db: Pick<Db, "executionEvent">, executionId: string, started: Started): Promise<ExecutionHistory> {
  const events = await db.executionEvent.findMany({
    where: { executionId, type: { in: ["TASK_RESET", ...OPERATIONS] } },
    orderBy: { id: "asc" },
  });
  const superseded: SupersededAttempt[] = [];
  const reruns: InputRecord[] = [];
  let original: { input: unknown } | null = null;
  let operation: SupersedingOperation | null = null;
  for (const event of events) {
    const payload = (fromJsonText(event.payload) ?? {}) as { attempts?: ArchivedAttempt[]; input?: unknown; previousInput?: unknown };
    if (event.type !== "TASK_RESET") {
      operation = { eventId: event.id.toString(), type: event.type, taskKey: event.taskKey, actor: event.actor, reason: event.reason, at: event.createdAt.toISOString() };
      if (event.type === "EXECUTION_RERUN" && "input" in payload) {
        original ??= { input: payload.previousInput ?? null };
        reruns.push({ kind: "rerun", input: payload.input, at: operation.at, actor: event.actor, eventId: operation.eventId, taskKey: event.taskKey });
      }
      continue;
    }
    // Attempts archived before logs moved to TaskLog carry `logs` (kept in their event) and no logBytes.
    for (const attempt of payload.attempts ?? []) superseded.push({ ...attempt, logBytes: attempt.logBytes ?? 0, supersededBy: operation });
  }
  const first: InputRecord = { kind: "start", input: original ? original.input : started.input, at: started.createdAt.toISOString(), actor: started.createdBy, eventId: null, taskKey: null };
  return { superseded, inputs: [first, ...reruns] };
}
