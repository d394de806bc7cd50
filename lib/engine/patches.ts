/**
 * The one copy of what a state change does to an attempt: a command (from decide) or an event
 * (an attempt's outcome, a timer, an operator) in, a row patch out. Every patch is built from
 * `transitionTask`, so an illegal move is a value here and never reaches a row.
 *
 * Two users, one table: `apply.ts` (the reference runtime, and decide's look-ahead) applies the
 * patches to snapshots; `lib/runtime/writes` persists the same patches to TaskRun rows, adding
 * only what the pure core does not model (JSON text, leases, lockedBy). The table test in
 * patches.test.ts pins every command kind; the runtime's property test compares the two runtimes.
 */
import { transitionTask, type TaskEvent, type TaskRunStamps, type TransitionError } from "./transitions";
import type { TaskStatus } from "./statuses";
import type { Command, TaskRunError, TaskRunSnapshot } from "./types";
import type { JsonValue } from "@/lib/workflow/schema";

/** The columns one move writes to an attempt. `undefined` leaves a column alone, `null` clears it. */
export type TaskPatch = TaskRunStamps & {
  status: TaskStatus;
  output?: JsonValue;
  error?: TaskRunError | null;
};

/** One attempt a command writes: a new row (`create`) or the existing one with that key. */
export type AttemptWrite = { taskKey: string; mapIndex: number; attempt: number; create: boolean; patch: TaskPatch };

export type PatchResult = { ok: true; writes: AttemptWrite[] } | { ok: false; error: TransitionError };

/** Moves an attempt from `from` by `event`; `extra` adds the columns the event carries. */
export function movePatch(
  from: TaskStatus,
  event: TaskEvent,
  now: Date,
  extra: Partial<Omit<TaskPatch, "status">> = {},
): { ok: true; patch: TaskPatch } | { ok: false; error: TransitionError } {
  const moved = transitionTask(from, event, now);
  if (!moved.ok) return moved;
  return { ok: true, patch: { ...moved.set, ...extra, status: moved.status } };
}

/**
 * What an attempt's own result does (the runtime's runners and external workers report these).
 * An attempt that never reported its start (a transform, a switch: they run inside the claim)
 * starts and ends in one write, so `start` is applied first: its startedAt stays unless the
 * result gives one.
 */
export type AttemptResult =
  | { status: "COMPLETED"; output: JsonValue }
  | { status: "FAILED"; error: TaskRunError }
  | { status: "SKIPPED" }
  | { status: "WAITING"; until: Date | null; output?: JsonValue };

const RESULT_EVENT: Record<AttemptResult["status"], TaskEvent> = { COMPLETED: "complete", FAILED: "fail", SKIPPED: "skip", WAITING: "wait" };

export function resultPatch(from: TaskStatus, result: AttemptResult, now: Date): { ok: true; patch: TaskPatch } | { ok: false; error: TransitionError } {
  const needsStart = result.status !== "SKIPPED" && (from === "SCHEDULED" || from === "RETRYING");
  let started: TaskPatch | null = null;
  if (needsStart) {
    const start = movePatch(from, "start", now);
    if (!start.ok) return start;
    started = start.patch;
  }
  const moved = movePatch(started?.status ?? from, RESULT_EVENT[result.status], now);
  if (!moved.ok) return moved;
  const patch: TaskPatch = { ...started, ...moved.patch };
  if (result.status === "COMPLETED") patch.output = result.output;
  if (result.status === "FAILED") patch.error = result.error;
  // A wait or an approval is due again at its deadline (the timer), never before.
  if (result.status === "WAITING") {
    patch.nextRunAt = result.until;
    if (result.output !== undefined) patch.output = result.output;
  }
  return { ok: true, patch };
}

type Board = { find(taskKey: string, mapIndex: number, attempt: number): TaskRunSnapshot | undefined };

function one(board: Board, ref: { taskKey: string; mapIndex: number; attempt: number }, event: TaskEvent, now: Date, extra?: Partial<Omit<TaskPatch, "status">>): PatchResult {
  const existing = board.find(ref.taskKey, ref.mapIndex, ref.attempt);
  const moved = movePatch(existing?.status ?? "PENDING", event, now, extra);
  if (!moved.ok) return moved;
  return { ok: true, writes: [{ taskKey: ref.taskKey, mapIndex: ref.mapIndex, attempt: ref.attempt, create: !existing, patch: moved.patch }] };
}

function illegal(message: string, from: string, event: string): PatchResult {
  return { ok: false, error: { code: "ILLEGAL_TRANSITION", message, from, event } };
}

/** The attempt writes of one of decide's task commands (execution commands write no attempt). */
export function commandPatches(board: Board, command: Command, now: Date): PatchResult {
  switch (command.kind) {
    case "startExecution":
    case "completeExecution":
    case "failExecution":
    case "timeoutExecution":
      return { ok: true, writes: [] };
    case "schedule":
      return one(board, command, "schedule", now, { nextRunAt: command.runAt });
    case "retry": {
      const failed = board.find(command.taskKey, command.mapIndex, command.failedAttempt);
      if (!failed) return illegal(`no attempt ${command.failedAttempt} of ${command.taskKey} to retry`, "PENDING", "retry");
      const moved = transitionTask(failed.status, { type: "retry", runAt: command.runAt }, now);
      if (!moved.ok) return moved;
      const { taskKey, mapIndex } = command;
      return {
        ok: true,
        writes: [
          // The failure is answered (settled): the next attempt carries the task on.
          { taskKey, mapIndex, attempt: command.failedAttempt, create: false, patch: { status: failed.status, nextRunAt: null } },
          { taskKey, mapIndex, attempt: command.attempt, create: true, patch: { ...moved.set, status: moved.status } },
        ],
      };
    }
    case "failTask": {
      const failed = board.find(command.taskKey, command.mapIndex, command.attempt);
      if (!failed || (failed.status !== "FAILED" && failed.status !== "TIMED_OUT")) {
        const from = failed?.status ?? "PENDING";
        return illegal(`cannot settle a task that is ${from} as failed`, from, "failTask");
      }
      return { ok: true, writes: [{ taskKey: command.taskKey, mapIndex: command.mapIndex, attempt: command.attempt, create: false, patch: { status: failed.status, nextRunAt: null } }] };
    }
    case "skip":
      return one(board, command, "skip", now);
    case "upstreamFailed":
      return one(board, command, "upstreamFailed", now, { error: { code: "UPSTREAM_FAILED", message: `upstream failed: ${command.upstream.join(", ")}` } });
    case "timeoutAttempt":
      return one(board, command, "timeout", now, { error: command.error });
    case "cancelAttempt":
      return one(board, command, "cancel", now);
    case "completeMap":
      return one(board, command, "complete", now, { output: { ...command.output } as JsonValue });
    case "failMap":
      // Final at once: a map is not retried (its items are), so the failure is settled here.
      return one(board, command, "fail", now, { error: command.error, nextRunAt: null });
  }
}
