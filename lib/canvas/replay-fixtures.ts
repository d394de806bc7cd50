import type { ReplayEvent } from "@/lib/canvas/replay";

/**
 * A synthetic history for tests and bench/replay.ts: a map task `items` of `itemCount` items, each
 * scheduled, started and completed (every third fails once and is retried first), between a
 * `prepare` and a `report` task. About 3.3 events per item: 3,000 items give ~10,000 events.
 */
export function mapHistory(itemCount: number, start = Date.parse("2026-01-01T00:00:00Z")): ReplayEvent[] {
  const events: ReplayEvent[] = [];
  let clock = start;
  const push = (type: string, taskKey: string | null, mapIndex: number | null, payload: unknown = null) => {
    clock += 7;
    events.push({ id: String(events.length + 1), type, taskKey, mapIndex, taskRunId: null, payload, createdAt: new Date(clock).toISOString() });
  };
  push("EXECUTION_CREATED", null, null);
  push("EXECUTION_STARTED", null, null);
  push("TASK_SCHEDULED", "prepare", -1, { attempt: 1 });
  push("TASK_STARTED", "prepare", -1, { attempt: 1 });
  push("TASK_COMPLETED", "prepare", -1, { attempt: 1 });
  push("TASK_SCHEDULED", "items", -1, { attempt: 1 });
  push("TASK_STARTED", "items", null, { attempt: 1, items: itemCount });
  for (let i = 0; i < itemCount; i++) {
    push("TASK_SCHEDULED", "items", i, { attempt: 1 });
    push("TASK_STARTED", "items", i, { attempt: 1 });
    if (i % 3 === 0) {
      push("TASK_FAILED", "items", i, { attempt: 1, code: "FLAKY", message: `item ${i} failed once` });
      push("TASK_RETRY_SCHEDULED", "items", i, { attempt: 2, delayMs: 0, runAt: new Date(clock).toISOString() });
      push("TASK_STARTED", "items", i, { attempt: 2 });
    }
    push("TASK_COMPLETED", "items", i, { attempt: i % 3 === 0 ? 2 : 1 });
  }
  push("TASK_COMPLETED", "items", null, { succeeded: itemCount, failed: 0 });
  push("TASK_SCHEDULED", "report", -1, { attempt: 1 });
  push("TASK_STARTED", "report", -1, { attempt: 1 });
  push("TASK_COMPLETED", "report", -1, { attempt: 1 });
  push("EXECUTION_COMPLETED", null, null);
  return events;
}
