// The mapping from committed events to metrics, on the real registry: timeouts by kind, lease
// expiries, and that an event without labels (or of a type that ends nothing) counts nothing.
import { describe, expect, it } from "vitest";
import { parseExposition, valueOf } from "@/tests/helpers/prometheus";
import type { NewEvent } from "@/lib/runtime/events";
import { observeCommittedEvents } from "./observe";
import { renderMetrics } from "./render";

const at = new Date("2026-12-01T10:00:10.000Z");
const startedAt = new Date("2026-12-01T10:00:00.000Z");
const labels = { workflow: "unit", taskType: "worker", startedAt };
const timedOut = (reason: string | null): NewEvent => ({ executionId: "e1", type: "TASK_TIMED_OUT", taskKey: "w", taskRunId: "r1", reason, createdAt: at, labels });

async function samples() {
  return parseExposition((await renderMetrics()).text);
}

describe("observeCommittedEvents", () => {
  it("counts timeouts by kind and lease expiries apart, with the attempt's duration", async () => {
    observeCommittedEvents([timedOut("heartbeat"), timedOut("heartbeat"), timedOut("start_to_close"), timedOut(null), timedOut("lease_expired")]);
    const all = await samples();
    expect(valueOf(all, "flowdeck_task_timeouts_total", { workflow: "unit", task_type: "worker", kind: "heartbeat" })).toBe(2);
    expect(valueOf(all, "flowdeck_task_timeouts_total", { workflow: "unit", task_type: "worker", kind: "start_to_close" })).toBe(1);
    expect(valueOf(all, "flowdeck_task_timeouts_total", { workflow: "unit", task_type: "worker", kind: "approval" })).toBe(1);
    expect(valueOf(all, "flowdeck_lease_expiries_total", { workflow: "unit", task_type: "worker" })).toBe(1);
    expect(valueOf(all, "flowdeck_task_attempt_duration_seconds_count", { workflow: "unit", status: "TIMED_OUT" })).toBe(5);
    expect(valueOf(all, "flowdeck_task_attempt_duration_seconds_sum", { workflow: "unit", status: "TIMED_OUT" })).toBe(50);
  });

  it("ignores events without labels, non-terminal execution events, and attempts that never started", async () => {
    observeCommittedEvents([
      { executionId: "e2", type: "EXECUTION_CREATED", createdAt: at },
      { executionId: "e2", type: "EXECUTION_PAUSED", createdAt: at, labels: { workflow: "quiet" } },
      { executionId: "e2", type: "TASK_STARTED", taskKey: "a", createdAt: at, labels: { workflow: "quiet", taskType: "http", startedAt } },
      { executionId: "e2", type: "TASK_CANCELLED", taskKey: "b", createdAt: at, labels: { workflow: "quiet", taskType: "http", startedAt: null } },
    ]);
    const all = await samples();
    expect(all.filter((sample) => sample.labels.workflow === "quiet")).toEqual([]);
  });
});
