import { describe, expect, it } from "vitest";
import { RunBoard } from "./apply";
import { commandPatches, movePatch, resultPatch, type AttemptWrite } from "./patches";
import { at, run, T0 } from "./testing";
import type { Command, TaskRunSnapshot } from "./types";

const now = at(5_000);
const later = at(9_000);
const error = { code: "BOOM", message: "it broke" };

/**
 * The table: a command on a board in, the attempt writes out. Every task command kind of decide is
 * here (the execution commands write no attempt); the runtime persists exactly these writes
 * (lib/runtime/writes/apply-decision.ts), the reference runtime applies them (apply.ts).
 */
const TABLE: { name: string; runs: TaskRunSnapshot[]; command: Command; writes: AttemptWrite[] }[] = [
  {
    name: "schedule a task never reached: a new row, due at runAt",
    runs: [],
    command: { kind: "schedule", taskKey: "a", mapIndex: -1, attempt: 1, runAt: now, status: "SCHEDULED" },
    writes: [{ taskKey: "a", mapIndex: -1, attempt: 1, create: true, patch: { status: "SCHEDULED", scheduledAt: now, nextRunAt: now } }],
  },
  {
    name: "schedule a map item",
    runs: [run("m", "RUNNING")],
    command: { kind: "schedule", taskKey: "m", mapIndex: 3, attempt: 1, runAt: now, status: "SCHEDULED" },
    writes: [{ taskKey: "m", mapIndex: 3, attempt: 1, create: true, patch: { status: "SCHEDULED", scheduledAt: now, nextRunAt: now } }],
  },
  {
    name: "retry after a backoff: the failure is settled and attempt 2 waits (RETRYING)",
    runs: [run("a", "FAILED", { unsettled: true, error })],
    command: { kind: "retry", taskKey: "a", mapIndex: -1, attempt: 2, failedAttempt: 1, runAt: later, delayMs: 4_000, status: "RETRYING" },
    writes: [
      { taskKey: "a", mapIndex: -1, attempt: 1, create: false, patch: { status: "FAILED", nextRunAt: null } },
      { taskKey: "a", mapIndex: -1, attempt: 2, create: true, patch: { status: "RETRYING", scheduledAt: now, nextRunAt: later } },
    ],
  },
  {
    name: "retry at once: attempt 2 is SCHEDULED now",
    runs: [run("a", "TIMED_OUT", { unsettled: true })],
    command: { kind: "retry", taskKey: "a", mapIndex: -1, attempt: 2, failedAttempt: 1, runAt: now, delayMs: 0, status: "SCHEDULED" },
    writes: [
      { taskKey: "a", mapIndex: -1, attempt: 1, create: false, patch: { status: "TIMED_OUT", nextRunAt: null } },
      { taskKey: "a", mapIndex: -1, attempt: 2, create: true, patch: { status: "SCHEDULED", scheduledAt: now, nextRunAt: now } },
    ],
  },
  {
    name: "failTask settles the failure for good",
    runs: [run("a", "FAILED", { unsettled: true })],
    command: { kind: "failTask", taskKey: "a", mapIndex: -1, attempt: 1, reason: "max_attempts" },
    writes: [{ taskKey: "a", mapIndex: -1, attempt: 1, create: false, patch: { status: "FAILED", nextRunAt: null } }],
  },
  {
    name: "skip a task never reached",
    runs: [],
    command: { kind: "skip", taskKey: "b", mapIndex: -1, attempt: 1, reason: "branch_not_taken", upstream: ["s"] },
    writes: [{ taskKey: "b", mapIndex: -1, attempt: 1, create: true, patch: { status: "SKIPPED", endedAt: now, nextRunAt: null } }],
  },
  {
    name: "upstreamFailed records why in its error",
    runs: [],
    command: { kind: "upstreamFailed", taskKey: "c", mapIndex: -1, attempt: 1, upstream: ["a", "b"] },
    writes: [
      { taskKey: "c", mapIndex: -1, attempt: 1, create: true, patch: { status: "UPSTREAM_FAILED", endedAt: now, nextRunAt: null, error: { code: "UPSTREAM_FAILED", message: "upstream failed: a, b" } } },
    ],
  },
  {
    name: "timeoutAttempt of a running attempt: TIMED_OUT, unsettled (due now)",
    runs: [run("a", "RUNNING")],
    command: { kind: "timeoutAttempt", taskKey: "a", mapIndex: -1, attempt: 1, reason: "start_to_close", error: { code: "START_TO_CLOSE_TIMEOUT", message: "too slow" } },
    writes: [{ taskKey: "a", mapIndex: -1, attempt: 1, create: false, patch: { status: "TIMED_OUT", endedAt: now, nextRunAt: now, error: { code: "START_TO_CLOSE_TIMEOUT", message: "too slow" } } }],
  },
  {
    name: "cancelAttempt of a waiting attempt",
    runs: [run("w", "WAITING")],
    command: { kind: "cancelAttempt", taskKey: "w", mapIndex: -1, attempt: 1, reason: "execution_ended" },
    writes: [{ taskKey: "w", mapIndex: -1, attempt: 1, create: false, patch: { status: "CANCELLED", endedAt: now, nextRunAt: null } }],
  },
  {
    name: "completeMap writes the success/failure map as output",
    runs: [run("m", "RUNNING")],
    command: { kind: "completeMap", taskKey: "m", mapIndex: -1, attempt: 1, output: { success: { "0": 1 }, failure: {} } },
    writes: [{ taskKey: "m", mapIndex: -1, attempt: 1, create: false, patch: { status: "COMPLETED", endedAt: now, nextRunAt: null, output: { success: { "0": 1 }, failure: {} } } }],
  },
  {
    name: "failMap is final at once (a map is not retried, its items are)",
    runs: [run("m", "RUNNING")],
    command: { kind: "failMap", taskKey: "m", mapIndex: -1, attempt: 1, error },
    writes: [{ taskKey: "m", mapIndex: -1, attempt: 1, create: false, patch: { status: "FAILED", endedAt: now, nextRunAt: null, error } }],
  },
];

describe("commandPatches: command in, attempt writes out", () => {
  for (const row of TABLE) {
    it(row.name, () => {
      expect(commandPatches(new RunBoard(row.runs), row.command, now)).toEqual({ ok: true, writes: row.writes });
    });
  }

  it("covers every task command kind of decide", () => {
    const kinds = new Set(TABLE.map((row) => row.command.kind));
    expect([...kinds].sort()).toEqual(["cancelAttempt", "completeMap", "failMap", "failTask", "retry", "schedule", "skip", "timeoutAttempt", "upstreamFailed"]);
  });

  it("execution commands write no attempt", () => {
    for (const command of [{ kind: "startExecution" }, { kind: "completeExecution" }, { kind: "failExecution", error }, { kind: "timeoutExecution", error }] as Command[]) {
      expect(commandPatches(new RunBoard([]), command, now)).toEqual({ ok: true, writes: [] });
    }
  });

  it("refuses an illegal move as a value, naming it", () => {
    const result = commandPatches(new RunBoard([run("a", "COMPLETED")]), { kind: "cancelAttempt", taskKey: "a", mapIndex: -1, attempt: 1, reason: "execution_ended" }, now);
    expect(result).toEqual({ ok: false, error: { code: "ILLEGAL_TRANSITION", message: "cannot cancel a task that is COMPLETED", from: "COMPLETED", event: "cancel" } });
    expect(commandPatches(new RunBoard([]), { kind: "failTask", taskKey: "a", mapIndex: -1, attempt: 1, reason: "max_attempts" }, now).ok).toBe(false);
    expect(commandPatches(new RunBoard([]), { kind: "retry", taskKey: "a", mapIndex: -1, attempt: 2, failedAttempt: 1, runAt: now, delayMs: 0, status: "SCHEDULED" }, now).ok).toBe(false);
  });
});

describe("resultPatch: an attempt's own result", () => {
  it("a result reported inside the claim starts and ends the attempt in one write", () => {
    expect(resultPatch("SCHEDULED", { status: "COMPLETED", output: { x: 1 } }, now)).toEqual({
      ok: true,
      patch: { status: "COMPLETED", startedAt: now, endedAt: now, nextRunAt: null, output: { x: 1 } },
    });
  });

  it("a failure stays due for the decider (unsettled)", () => {
    expect(resultPatch("RUNNING", { status: "FAILED", error }, now)).toEqual({ ok: true, patch: { status: "FAILED", endedAt: now, nextRunAt: now, error } });
  });

  it("a wait is due at its deadline, or never (an approval without a timeout)", () => {
    expect(resultPatch("SCHEDULED", { status: "WAITING", until: later }, now)).toEqual({ ok: true, patch: { status: "WAITING", startedAt: now, nextRunAt: later } });
    expect(resultPatch("RUNNING", { status: "WAITING", until: null }, now)).toEqual({ ok: true, patch: { status: "WAITING", nextRunAt: null } });
  });

  it("a skip by `when` never starts the attempt", () => {
    expect(resultPatch("RETRYING", { status: "SKIPPED" }, now)).toEqual({ ok: true, patch: { status: "SKIPPED", endedAt: now, nextRunAt: null } });
  });

  it("an ended attempt takes no result", () => {
    expect(resultPatch("CANCELLED", { status: "COMPLETED", output: null }, now)).toMatchObject({ ok: false, error: { from: "CANCELLED", event: "complete" } });
  });
});

describe("movePatch", () => {
  it("is transitionTask's move with the columns the event carries", () => {
    expect(movePatch("WAITING", "timeout", T0, { error })).toEqual({ ok: true, patch: { status: "TIMED_OUT", endedAt: T0, nextRunAt: T0, error } });
    expect(movePatch("RUNNING", "cancel", T0)).toEqual({ ok: true, patch: { status: "CANCELLED", endedAt: T0, nextRunAt: null } });
    expect(movePatch("PENDING", "start", T0).ok).toBe(false);
  });
});
