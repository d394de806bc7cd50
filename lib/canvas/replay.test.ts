import { describe, expect, it } from "vitest";
import { createReplay, type ReplayEvent, type ReplayMoment } from "@/lib/canvas/replay";
import { mapHistory } from "@/lib/canvas/replay-fixtures";
import { indexTasks, isEdgeTaken, overlayFor } from "@/lib/canvas/execution-overlay";

// Events in → moments out. The equality with what the engine persists is in
// tests/integration/replay.test.ts (real runs); these pin each event's move.

const t0 = Date.parse("2026-01-01T00:00:00.000Z");
let seq = 0;
function ev(type: string, taskKey: string | null = null, payload: unknown = null, extra: Partial<ReplayEvent> = {}): ReplayEvent {
  seq += 1;
  return { id: String(seq), type, taskKey, mapIndex: taskKey ? -1 : null, taskRunId: null, payload, createdAt: new Date(t0 + seq * 1000).toISOString(), ...extra };
}
const status = (moment: ReplayMoment, key: string, mapIndex = -1) => moment.tasks.find((t) => t.taskKey === key && t.mapIndex === mapIndex)?.status ?? "PENDING";
const attempts = (moment: ReplayMoment, key: string) => moment.tasks.find((t) => t.taskKey === key && t.mapIndex === -1)?.attempts.map((a) => `${a.attempt}:${a.status}`) ?? [];

//   a ── b ── c        a completes; b fails, is retried and fails for good; c upstream-failed;
//                      an operator reruns from b, which completes, then c.
const story: ReplayEvent[] = [
  ev("EXECUTION_CREATED"),
  ev("EXECUTION_STARTED"),
  ev("TASK_SCHEDULED", "a", { attempt: 1 }, { taskRunId: "run-a" }),
  ev("TASK_STARTED", "a", { attempt: 1 }),
  ev("TASK_COMPLETED", "a", { attempt: 1 }),
  ev("TASK_SCHEDULED", "b", { attempt: 1 }),
  ev("TASK_STARTED", "b", { attempt: 1 }),
  ev("TASK_FAILED", "b", { attempt: 1, code: "BOOM", message: "b broke" }),
  ev("TASK_RETRY_SCHEDULED", "b", { attempt: 2, delayMs: 5000, runAt: new Date(t0 + 60_000).toISOString() }),
  ev("TASK_STARTED", "b", { attempt: 2 }),
  ev("TASK_FAILED", "b", { attempt: 2, code: "BOOM", message: "b broke again" }),
  ev("TASK_FAILED_FINAL", "b", { attempt: 2 }),
  ev("TASK_UPSTREAM_FAILED", "c", { upstream: ["b"] }, { reason: "upstream failed: b" }),
  ev("EXECUTION_FAILED", null, { code: "TASK_FAILED" }),
  ev("EXECUTION_RERUN", "b", { input: {}, previousInput: {} }),
  ev("TASK_RESET", "b", { attempts: [] }),
  ev("TASK_RESET", "c", { attempts: [] }),
  ev("TASK_SCHEDULED", "b", { attempt: 1 }),
  ev("TASK_STARTED", "b", { attempt: 1 }),
  ev("TASK_COMPLETED", "b", { attempt: 1 }),
  ev("TASK_SCHEDULED", "c", { attempt: 1 }),
  ev("TASK_STARTED", "c", { attempt: 1 }),
  ev("TASK_COMPLETED", "c", { attempt: 1 }),
  ev("EXECUTION_COMPLETED"),
];
const countAfter = (type: string, taskKey: string | null = null, nth = 1) => {
  let seen = 0;
  return story.findIndex((e) => e.type === type && (taskKey === null || e.taskKey === taskKey) && ++seen === nth) + 1;
};

describe("createReplay", () => {
  const replay = createReplay(story, { checkpointEvery: 3, taskTypes: { a: "http", b: "transform", c: "transform" } });

  it("before the first event nothing is reached; after EXECUTION_STARTED it runs", () => {
    expect(replay.stateAt(0)).toMatchObject({ count: 0, event: null, executionStatus: "QUEUED", tasks: [] });
    expect(replay.stateAt(2)).toMatchObject({ executionStatus: "RUNNING", startedAt: story[1]!.createdAt });
  });

  it("stamps each attempt as the engine's transitions do", () => {
    const a = replay.stateAt(countAfter("TASK_COMPLETED", "a")).tasks.find((t) => t.taskKey === "a")!;
    expect(a).toMatchObject({ taskType: "http", status: "COMPLETED" });
    expect(a.attempts[0]).toEqual({ id: "run-a", attempt: 1, status: "COMPLETED", scheduledAt: story[2]!.createdAt, startedAt: story[3]!.createdAt, endedAt: story[4]!.createdAt, childExecutionId: null, error: null });
  });

  it("a retry is a new attempt, RETRYING while its backoff runs, and the badge says attempt 2 of 3", () => {
    const failed = replay.stateAt(countAfter("TASK_FAILED", "b"));
    expect(attempts(failed, "b")).toEqual(["1:FAILED"]);
    expect(failed.tasks.find((t) => t.taskKey === "b")!.attempts[0]!.error).toEqual({ code: "BOOM", message: "b broke" });
    const retrying = replay.stateAt(countAfter("TASK_RETRY_SCHEDULED", "b"));
    expect(attempts(retrying, "b")).toEqual(["1:FAILED", "2:RETRYING"]);
    expect(overlayFor("b", indexTasks(retrying.tasks), 3, t0)).toMatchObject({ status: "RETRYING", attempt: 2, maxAttempts: 3 });
    expect(attempts(replay.stateAt(countAfter("TASK_STARTED", "b", 2)), "b")).toEqual(["1:FAILED", "2:RUNNING"]);
  });

  it("the failed run's end: b FAILED after 2 attempts, c UPSTREAM_FAILED, edges a→b taken and b→c not", () => {
    const end = replay.stateAt(countAfter("EXECUTION_FAILED"));
    expect(end.executionStatus).toBe("FAILED");
    expect(end.endedAt).toBe(story[countAfter("EXECUTION_FAILED") - 1]!.createdAt);
    expect([status(end, "a"), status(end, "b"), status(end, "c")]).toEqual(["COMPLETED", "FAILED", "UPSTREAM_FAILED"]);
    expect(attempts(end, "b")).toEqual(["1:FAILED", "2:FAILED"]);
    expect(end.tasks.find((t) => t.taskKey === "c")!.attempts[0]!.error).toEqual({ code: "UPSTREAM_FAILED", message: "upstream failed: b" });
    expect(isEdgeTaken(status(end, "a"), status(end, "b"))).toBe(true);
    expect(isEdgeTaken(status(end, "b"), status(end, "c"))).toBe(false);
  });

  it("a rerun reopens the execution and its resets take the tasks back to not reached", () => {
    const rerun = replay.stateAt(countAfter("EXECUTION_RERUN"));
    expect(rerun.executionStatus).toBe("RUNNING");
    expect(rerun.endedAt).toBeNull();
    expect(status(rerun, "b")).toBe("FAILED"); // the resets come right after the operation's event
    const reset = replay.stateAt(countAfter("TASK_RESET", "c"));
    expect([status(reset, "a"), status(reset, "b"), status(reset, "c")]).toEqual(["COMPLETED", "PENDING", "PENDING"]);
    expect(reset.tasks.map((t) => t.taskKey)).toEqual(["a"]);
  });

  it("the last moment: everything completed, b with one attempt (numbered from 1 again)", () => {
    const last = replay.stateAt(replay.length);
    expect(last).toMatchObject({ count: story.length, executionStatus: "COMPLETED", event: story[story.length - 1] });
    expect([attempts(last, "a"), attempts(last, "b"), attempts(last, "c")]).toEqual([["1:COMPLETED"], ["1:COMPLETED"], ["1:COMPLETED"]]);
  });

  it("clamps out-of-range counts and finds moments by event id", () => {
    expect(replay.stateAt(-5).count).toBe(0);
    expect(replay.stateAt(10_000).count).toBe(story.length);
    expect(replay.stateAt(2.7).count).toBe(2);
    expect(replay.countUpTo(story[4]!.id)).toBe(5);
    expect(replay.countUpTo("0")).toBe(0);
    expect(replay.countUpTo("99999999999999999999")).toBe(story.length);
    expect(replay.countUpTo("12abc")).toBeNull();
    expect(replay.times[1]).toBe(Date.parse(story[1]!.createdAt));
  });

  it("every checkpoint spacing gives the same moments as a fold from scratch", () => {
    const scratch = createReplay(story, { checkpointEvery: 1_000 });
    for (const every of [1, 2, 5, 24, 25]) {
      const checkpointed = createReplay(story, { checkpointEvery: every });
      for (let n = 0; n <= story.length; n++) expect(checkpointed.stateAt(n)).toEqual(scratch.stateAt(n));
    }
  });

  it("moments are independent: reading one never changes another", () => {
    const before = replay.stateAt(8);
    const copy = structuredClone(before);
    replay.stateAt(20);
    replay.stateAt(9);
    expect(replay.stateAt(8)).toEqual(copy);
    before.tasks[0]!.attempts.push({ ...before.tasks[0]!.attempts[0]!, attempt: 99 });
    expect(replay.stateAt(8)).toEqual(copy);
  });
});

describe("other moves", () => {
  it("pause and resume, a wait, an approval, an operator's skip that reopens, a terminate of tasks never reached", () => {
    seq = 100;
    const events = [
      ev("EXECUTION_CREATED"),
      ev("EXECUTION_STARTED"),
      ev("TASK_SCHEDULED", "w", { attempt: 1 }),
      ev("TASK_STARTED", "w", { attempt: 1, startedAt: new Date(t0).toISOString() }),
      ev("TASK_WAITING", "w", { until: new Date(t0 + 9e6).toISOString() }),
      ev("EXECUTION_PAUSED"),
      ev("EXECUTION_RESUMED"),
      ev("TASK_SCHEDULED", "ask", { attempt: 1 }),
      ev("TASK_STARTED", "ask", { attempt: 1 }),
      ev("TASK_WAITING", "ask", null),
      ev("TASK_REJECTED", "ask", { attempt: 1, code: "REJECTED", message: "no" }),
      ev("EXECUTION_FAILED"),
      ev("TASK_SKIPPED", "ask", { attempt: 2, previousStatus: "FAILED", reopened: "FAILED", reset: [] }),
      ev("EXECUTION_TERMINATED"),
      ev("TASK_CANCELLED", "w", null),
      ev("TASK_CANCELLED", "never", { neverStarted: true }),
      ev("TASK_INPUT_SET", "w", { input: {} }),
    ];
    const replay = createReplay(events);
    const at = (type: string) => replay.stateAt(events.findIndex((e) => e.type === type) + 1);
    expect(status(at("TASK_WAITING"), "w")).toBe("WAITING");
    expect(at("TASK_STARTED").tasks[0]!.attempts[0]!.startedAt).toBe(new Date(t0).toISOString()); // the row's startedAt, not the event's time
    expect(at("EXECUTION_PAUSED").executionStatus).toBe("PAUSED");
    expect(at("EXECUTION_RESUMED").executionStatus).toBe("RUNNING");
    expect(at("TASK_REJECTED").tasks.find((t) => t.taskKey === "ask")!.attempts[0]).toMatchObject({ status: "FAILED", error: { code: "REJECTED", message: "no" } });
    const skipped = at("TASK_SKIPPED");
    expect([skipped.executionStatus, attempts(skipped, "ask").join()]).toEqual(["RUNNING", "1:FAILED,2:SKIPPED"]);
    const last = replay.stateAt(replay.length);
    expect([last.executionStatus, status(last, "w"), status(last, "never")]).toEqual(["TERMINATED", "CANCELLED", "CANCELLED"]);
  });

  it("a map's items count per status at each moment; the map itself is the item without an index", () => {
    const events = mapHistory(4);
    const replay = createReplay(events, { checkpointEvery: 5 });
    const third = events.findIndex((e) => e.type === "TASK_COMPLETED" && e.mapIndex === 2) + 1;
    expect(overlayFor("items", indexTasks(replay.stateAt(third).tasks), 1, 0)).toMatchObject({ status: "RUNNING", itemCounts: { COMPLETED: 3 } });
    const retry = events.findIndex((e) => e.type === "TASK_RETRY_SCHEDULED" && e.mapIndex === 0) + 1;
    // An item's status is its latest attempt's, as in the live view: the retry is due at once.
    expect(overlayFor("items", indexTasks(replay.stateAt(retry).tasks), 1, 0).itemCounts).toEqual({ SCHEDULED: 1 });
    expect(replay.stateAt(retry).tasks.find((t) => t.mapIndex === 0)!.attempts.map((a) => a.status)).toEqual(["FAILED", "SCHEDULED"]);
    expect(overlayFor("items", indexTasks(replay.stateAt(replay.length).tasks), 1, 0)).toMatchObject({ status: "COMPLETED", itemCounts: { COMPLETED: 4 } });
  });

  it("an event the state machine refuses still shows what the history says (never throws)", () => {
    seq = 300;
    const replay = createReplay([ev("TASK_COMPLETED", "x", { attempt: 1 }), ev("TASK_RESET", null), ev("SOMETHING_NEW", "x")]);
    expect(status(replay.stateAt(3), "x")).toBe("COMPLETED");
  });
});

describe("10,000 events", () => {
  const events = mapHistory(3000);
  it("every moment from checkpoints equals the fold from scratch, at arbitrary points", () => {
    expect(events.length).toBeGreaterThanOrEqual(10_000);
    const replay = createReplay(events);
    const scratch = createReplay(events, { checkpointEvery: events.length + 1 });
    for (const n of [0, 1, 255, 256, 257, 4999, 7777, events.length - 1, events.length]) expect(replay.stateAt(n)).toEqual(scratch.stateAt(n));
    expect(replay.stateAt(events.length)).toMatchObject({ executionStatus: "COMPLETED" });
    expect(overlayFor("items", indexTasks(replay.stateAt(events.length).tasks), 1, 0).itemCounts).toEqual({ COMPLETED: 3000 });
  });
});
