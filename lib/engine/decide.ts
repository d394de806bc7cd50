/**
 * The decider (Conductor's idea, without its wall clock): given the definition, the execution and
 * every attempt so far, what must happen now? It returns commands for the runtime to persist in
 * one transaction and never performs I/O, reads a clock or draws a random number.
 *
 * One pass over the tasks in topological order. Each command is applied to a private copy of the
 * state at once (`apply.ts`), so its consequences reach the tasks after it within the same
 * decision: a final failure marks the whole chain below UPSTREAM_FAILED, a completed map schedules
 * its dependents, the last terminal task ends the execution. Calling decide again on the state
 * after the runtime applied the commands therefore yields nothing new (idempotence).
 *
 * Per task, in order:
 * 1. a live attempt past a deadline → `timeoutAttempt` (schedule-to-close, start-to-close, heartbeat);
 *    a running map → its items (timeouts, retries, scheduling up to `concurrency`, completion);
 * 2. an unsettled failed attempt → `retry` (retry.ts; deferred while PAUSED) or `failTask`;
 * 3. a task not yet run → its trigger rule: `schedule`, `skip`, `upstreamFailed`, or nothing yet.
 * Then, when every task has ended, `completeExecution` or `failExecution`.
 *
 * What decide leaves to the runtime (it is async or needs I/O): `when` conditions (evaluated when
 * a scheduled attempt is claimed; false → skip), switch conditions (a switch completes with
 * `{ branch }`), map items (the runtime records `mapItemCount` when it starts a map), input and
 * output mappings, and terminate tasks (they end the execution themselves).
 */
import { buildTaskGraph } from "@/lib/workflow/graph";
import {
  DEFAULT_TRIGGER_RULE,
  MAP_DEFAULTS,
  type RetryPolicy,
  type TaskDefinition,
  type Timeouts,
  type TriggerRule,
} from "@/lib/workflow/schema";
import { RunBoard, applyCommand } from "./apply";
import { isFinalErrorCode, retryDecision } from "./retry";
import { STATUS_TABLE, isLiveTaskStatus, isTerminalExecutionStatus, type TaskStatus } from "./statuses";
import { neverStartedTasks } from "./never-started";
import type {
  Command,
  DecideInput,
  Decision,
  ExecutionSnapshot,
  MapOutput,
  TaskRunSnapshot,
  TimeoutKind,
} from "./types";

/** Error codes of the attempts decide times out (list them in `nonRetryableErrors` to not retry). */
export const TIMEOUT_ERROR_CODES: Readonly<Record<TimeoutKind, string>> = {
  start_to_close: "START_TO_CLOSE_TIMEOUT",
  heartbeat: "HEARTBEAT_TIMEOUT",
  schedule_to_close: "SCHEDULE_TO_CLOSE_TIMEOUT",
};

/** A FAILED or TIMED_OUT attempt the decider has not answered yet (see TaskRunSnapshot.nextRunAt). */
export function isUnsettledFailure(run: Pick<TaskRunSnapshot, "status" | "nextRunAt">): boolean {
  return (run.status === "FAILED" || run.status === "TIMED_OUT") && run.nextRunAt != null;
}

/**
 * The status a task counts as for its dependents: its latest attempt's status, PENDING without
 * one, and RETRYING for an unsettled failure (it may still be retried, so it has not ended).
 */
export function effectiveStatus(run: TaskRunSnapshot | undefined): TaskStatus {
  if (!run) return "PENDING";
  return isUnsettledFailure(run) ? "RETRYING" : run.status;
}

export type TriggerVerdict =
  | { kind: "ready" }
  | { kind: "wait" }
  | { kind: "skip"; upstream: string[] }
  | { kind: "upstreamFailed"; upstream: string[] };

/**
 * Airflow's trigger rules over the upstream tasks' effective statuses. "Failed" is the status
 * table's `failed` flag: FAILED, TIMED_OUT, UPSTREAM_FAILED, CANCELLED.
 * - all_success: ready when every upstream COMPLETED; any failed → upstreamFailed; else any
 *   SKIPPED → skip (the skip propagates). Both are decided as soon as one upstream says so.
 * - all_done: ready when every upstream has ended, whatever the outcome.
 * - one_success: ready as soon as one upstream COMPLETED; when all ended without one: all SKIPPED
 *   → skip, else upstreamFailed.
 * - none_failed: any failed → upstreamFailed; ready when all ended (SKIPPED is fine).
 * A task without upstream tasks is ready.
 */
export function evaluateTriggerRule(
  rule: TriggerRule,
  upstream: ReadonlyArray<{ taskKey: string; status: TaskStatus }>,
): TriggerVerdict {
  if (upstream.length === 0) return { kind: "ready" };
  const failed = upstream.filter((entry) => STATUS_TABLE[entry.status].failed).map((entry) => entry.taskKey);
  const skipped = upstream.filter((entry) => entry.status === "SKIPPED").map((entry) => entry.taskKey);
  const succeeded = upstream.filter((entry) => STATUS_TABLE[entry.status].successful).length;
  const allEnded = upstream.every((entry) => STATUS_TABLE[entry.status].terminal);
  switch (rule) {
    case "all_success":
      if (failed.length > 0) return { kind: "upstreamFailed", upstream: failed };
      if (skipped.length > 0) return { kind: "skip", upstream: skipped };
      return allEnded ? { kind: "ready" } : { kind: "wait" };
    case "all_done":
      return allEnded ? { kind: "ready" } : { kind: "wait" };
    case "one_success":
      if (succeeded > 0) return { kind: "ready" };
      if (!allEnded) return { kind: "wait" };
      if (skipped.length === upstream.length) return { kind: "skip", upstream: skipped };
      return { kind: "upstreamFailed", upstream: failed };
    case "none_failed":
      if (failed.length > 0) return { kind: "upstreamFailed", upstream: failed };
      return allEnded ? { kind: "ready" } : { kind: "wait" };
  }
}

/**
 * The task keys a completed switch lets run: the `next` of the case named by its output's
 * `branch`, the `default` list for "default", nothing for null or an unknown name.
 */
export function takenBranch(task: TaskDefinition, output: unknown): readonly string[] {
  if (task.type !== "switch") return [];
  const branch =
    typeof output === "object" && output !== null && !Array.isArray(output)
      ? (output as Record<string, unknown>).branch
      : undefined;
  if (typeof branch !== "string") return [];
  const chosen = task.params.cases.find((entry) => entry.name === branch);
  if (chosen) return chosen.next;
  if (branch === "default") return task.params.default ?? [];
  return [];
}

interface Deadline {
  kind: TimeoutKind;
  at: number;
  limitMs: number;
}

/** The deadlines that apply to a live attempt, earliest first (ties: schedule-to-close first). */
function deadlinesOf(run: TaskRunSnapshot, timeouts: Timeouts | undefined, firstScheduledAt: Date | undefined): Deadline[] {
  if (!timeouts) return [];
  const deadlines: Deadline[] = [];
  if (timeouts.scheduleToCloseMs !== undefined && firstScheduledAt) {
    deadlines.push({
      kind: "schedule_to_close",
      at: firstScheduledAt.getTime() + timeouts.scheduleToCloseMs,
      limitMs: timeouts.scheduleToCloseMs,
    });
  }
  const started = run.startedAt;
  if (started && (run.status === "RUNNING" || run.status === "WAITING")) {
    if (timeouts.startToCloseMs !== undefined) {
      deadlines.push({ kind: "start_to_close", at: started.getTime() + timeouts.startToCloseMs, limitMs: timeouts.startToCloseMs });
    }
    if (timeouts.heartbeatMs !== undefined && run.status === "RUNNING") {
      const last = run.heartbeatAt && run.heartbeatAt > started ? run.heartbeatAt : started;
      deadlines.push({ kind: "heartbeat", at: last.getTime() + timeouts.heartbeatMs, limitMs: timeouts.heartbeatMs });
    }
  }
  const rank: Record<TimeoutKind, number> = { schedule_to_close: 0, start_to_close: 1, heartbeat: 2 };
  return deadlines.sort((a, b) => a.at - b.at || rank[a.kind] - rank[b.kind]);
}

const TIMEOUT_MESSAGES: Record<TimeoutKind, (limitMs: number) => string> = {
  schedule_to_close: (ms) => `the task did not finish within its schedule-to-close timeout of ${ms} ms`,
  start_to_close: (ms) => `the attempt did not finish within its start-to-close timeout of ${ms} ms`,
  heartbeat: (ms) => `no heartbeat within ${ms} ms`,
};

/** Map tasks are not retried as a whole (their items are): a failed map is final. */
const NO_RETRY: RetryPolicy = { maximumAttempts: 1 };

/** Decides what happens next. Pure and synchronous. */
export function decide(input: DecideInput): Decision {
  const { definition, now } = input;
  const nowMs = now.getTime();
  const board = new RunBoard(input.runs);
  const commands: Command[] = [];
  let execution: ExecutionSnapshot = { ...input.execution };
  let wakeAt: number | null = null;

  const emit = (command: Command) => {
    commands.push(command);
    execution = applyCommand(board, execution, command, now);
  };
  const wakeUpAt = (at: number) => {
    if (at > nowMs && (wakeAt === null || at < wakeAt)) wakeAt = at;
  };
  const done = (): Decision => ({ commands, wakeAt: wakeAt === null ? null : new Date(wakeAt) });
  // An ended execution leaves nothing live and nothing PENDING: live attempts are cancelled, and
  // so are the tasks it never reached (a first attempt, CANCELLED; never-started.ts).
  const cancelLive = (reason: "execution_ended") => {
    for (const run of board.live()) {
      emit({ kind: "cancelAttempt", taskKey: run.taskKey, mapIndex: run.mapIndex, attempt: run.attempt, reason });
    }
    const started = new Set(board.all().filter((run) => run.mapIndex === -1).map((run) => run.taskKey));
    for (const taskKey of neverStartedTasks(definition, started)) emit({ kind: "cancelAttempt", taskKey, mapIndex: -1, attempt: 1, reason });
  };

  // A finished execution only sweeps up attempts that are still live (terminate, timeout).
  if (isTerminalExecutionStatus(execution.status)) {
    cancelLive("execution_ended");
    return done();
  }

  const graph = buildTaskGraph(definition.tasks);
  const order = graph.topologicalOrder();
  if (order === null) {
    emit({ kind: "failExecution", error: { code: "INVALID_DEFINITION", message: "the workflow's tasks form a cycle" } });
    cancelLive("execution_ended");
    return done();
  }
  const tasks = new Map<string, TaskDefinition>();
  for (const task of definition.tasks) if (!tasks.has(task.key)) tasks.set(task.key, task);

  if (definition.timeoutMs !== undefined) {
    const clockStart = (execution.startedAt ?? execution.createdAt).getTime();
    const deadline = clockStart + definition.timeoutMs;
    if (nowMs >= deadline) {
      emit({
        kind: "timeoutExecution",
        error: { code: "WORKFLOW_TIMEOUT", message: `the execution did not finish within its timeout of ${definition.timeoutMs} ms` },
      });
      cancelLive("execution_ended");
      return done();
    }
    wakeUpAt(deadline);
  }

  if (execution.status === "QUEUED") emit({ kind: "startExecution" });
  const paused = execution.status === "PAUSED";

  /** Times out a live attempt past its deadline; otherwise remembers its next deadline. */
  const checkTimeouts = (run: TaskRunSnapshot, timeouts: Timeouts | undefined): boolean => {
    if (!isLiveTaskStatus(run.status)) return false;
    const deadlines = deadlinesOf(run, timeouts, board.firstScheduledAt(run.taskKey, run.mapIndex));
    const expired = deadlines.find((deadline) => deadline.at <= nowMs);
    if (!expired) {
      if (deadlines[0]) wakeUpAt(deadlines[0].at);
      return false;
    }
    emit({
      kind: "timeoutAttempt",
      taskKey: run.taskKey,
      mapIndex: run.mapIndex,
      attempt: run.attempt,
      reason: expired.kind,
      error: { code: TIMEOUT_ERROR_CODES[expired.kind], message: TIMEOUT_MESSAGES[expired.kind](expired.limitMs) },
    });
    return true;
  };

  /** Answers an unsettled failure: retry (not while paused) or fail for good. */
  const settle = (run: TaskRunSnapshot, policy: RetryPolicy | undefined, timeouts: Timeouts | undefined) => {
    if (!isUnsettledFailure(run)) return;
    const ref = { taskKey: run.taskKey, mapIndex: run.mapIndex, attempt: run.attempt };
    if (run.error?.code === TIMEOUT_ERROR_CODES.schedule_to_close) {
      emit({ kind: "failTask", ...ref, reason: "schedule_to_close" });
      return;
    }
    // The delay counts from the failure, so the answer does not depend on when decide runs.
    const verdict = retryDecision(policy, {
      attempt: run.attempt,
      errorCode: run.error?.code,
      firstScheduledAt: board.firstScheduledAt(run.taskKey, run.mapIndex) ?? run.endedAt ?? now,
      now: run.endedAt ?? now,
      timeouts,
    });
    if (!verdict.retry) {
      emit({ kind: "failTask", ...ref, reason: verdict.reason });
      return;
    }
    if (paused) return; // retried on resume
    emit({
      kind: "retry",
      taskKey: run.taskKey,
      mapIndex: run.mapIndex,
      attempt: verdict.nextAttempt,
      failedAttempt: run.attempt,
      runAt: verdict.runAt,
      delayMs: verdict.delayMs,
      status: verdict.runAt.getTime() > nowMs ? "RETRYING" : "SCHEDULED",
    });
  };

  const processMap = (task: Extract<TaskDefinition, { type: "map" }>, mapRun: TaskRunSnapshot) => {
    const count = mapRun.mapItemCount;
    if (count == null || count < 0) return; // the runtime has not evaluated the items yet
    const itemPolicy = task.params.task?.retry;
    const itemTimeouts = task.params.task?.timeouts;
    const concurrency = task.params.concurrency ?? MAP_DEFAULTS.concurrency;
    const failFast = task.params.failFast ?? MAP_DEFAULTS.failFast;
    const ref = { taskKey: task.key, mapIndex: -1, attempt: mapRun.attempt };

    for (const index of board.itemIndexesOf(task.key)) {
      if (index >= count) continue;
      const item = board.latest(task.key, index)!;
      checkTimeouts(item, itemTimeouts);
      settle(board.latest(task.key, index)!, itemPolicy, itemTimeouts);
    }

    let live = 0;
    let ended = 0;
    const failures: TaskRunSnapshot[] = [];
    for (const index of board.itemIndexesOf(task.key)) {
      if (index >= count) continue;
      const item = board.latest(task.key, index)!;
      const status = effectiveStatus(item);
      if (!STATUS_TABLE[status].terminal) live += status === "PENDING" ? 0 : 1;
      else {
        ended += 1;
        if (STATUS_TABLE[status].failed) failures.push(item);
      }
    }

    if (failFast && failures.length > 0) {
      const first = failures.sort(
        (a, b) => (a.endedAt?.getTime() ?? 0) - (b.endedAt?.getTime() ?? 0) || a.mapIndex - b.mapIndex,
      )[0]!;
      for (const index of board.itemIndexesOf(task.key)) {
        const item = board.latest(task.key, index)!;
        if (isLiveTaskStatus(item.status)) {
          emit({ kind: "cancelAttempt", taskKey: task.key, mapIndex: index, attempt: item.attempt, reason: "map_failed" });
        }
      }
      const cause = first.error?.message ?? `ended ${first.status}`;
      emit({
        kind: "failMap",
        ...ref,
        error: {
          // An item's final error (a tree limit) stays final for the map.
          code: isFinalErrorCode(first.error?.code) ? first.error.code : "MAP_ITEM_FAILED",
          message: `item ${first.mapIndex} failed: ${cause}`,
          details: { index: first.mapIndex, error: first.error ? { ...first.error } : null },
        },
      });
      return;
    }

    if (ended === count) {
      const output: MapOutput = { success: {}, failure: {} };
      for (let index = 0; index < count; index += 1) {
        const item = board.latest(task.key, index)!;
        if (item.status === "COMPLETED") output.success[String(index)] = item.output ?? null;
        else if (STATUS_TABLE[item.status].failed) {
          output.failure[String(index)] = item.error ?? { code: item.status, message: `item ${index} ended ${item.status}` };
        }
      }
      emit({ kind: "completeMap", ...ref, output });
      return;
    }

    if (paused) return;
    for (let index = 0; index < count && live < concurrency; index += 1) {
      const item = board.latest(task.key, index);
      if (item && item.status !== "PENDING") continue;
      emit({ kind: "schedule", taskKey: task.key, mapIndex: index, attempt: item?.attempt ?? 1, runAt: now, status: "SCHEDULED" });
      live += 1;
    }
  };

  for (const taskKey of order) {
    const task = tasks.get(taskKey)!;
    const policy = task.type === "map" ? NO_RETRY : task.retry;

    // 1. Live attempt: deadlines, and a running map's items.
    let run = board.latest(taskKey);
    if (run && isLiveTaskStatus(run.status)) {
      if (checkTimeouts(run, task.timeouts)) {
        if (task.type === "map") {
          for (const index of board.itemIndexesOf(taskKey)) {
            const item = board.latest(taskKey, index)!;
            if (isLiveTaskStatus(item.status)) {
              emit({ kind: "cancelAttempt", taskKey, mapIndex: index, attempt: item.attempt, reason: "map_timed_out" });
            }
          }
        }
      } else if (task.type === "map" && run.status === "RUNNING") {
        processMap(task, run);
      }
    }

    // 2. Unsettled failure: retry or fail for good.
    run = board.latest(taskKey);
    if (run) settle(run, policy, task.timeouts);

    // 3. Not run yet: the trigger rule (and untaken switch branches) decide.
    run = board.latest(taskKey);
    if (run && run.status !== "PENDING") continue;
    const attempt = run?.attempt ?? 1;
    const parents = graph.parentsOf(taskKey);
    const untaken = parents.find((parentKey) => {
      const parent = tasks.get(parentKey)!;
      const parentRun = board.latest(parentKey);
      return (
        parent.type === "switch" &&
        parentRun?.status === "COMPLETED" &&
        !takenBranch(parent, parentRun.output).includes(taskKey)
      );
    });
    if (untaken !== undefined) {
      emit({ kind: "skip", taskKey, mapIndex: -1, attempt, reason: "branch_not_taken", upstream: [untaken] });
      continue;
    }
    const verdict = evaluateTriggerRule(
      task.triggerRule ?? DEFAULT_TRIGGER_RULE,
      parents.map((parentKey) => ({ taskKey: parentKey, status: effectiveStatus(board.latest(parentKey)) })),
    );
    switch (verdict.kind) {
      case "ready":
        // A dependent of a switch is a branch task: it runs only when the switch has taken its
        // branch. one_success would otherwise start it as soon as another upstream completed,
        // before the switch decided — and then a branch that is not taken has run.
        if (parents.some((parentKey) => tasks.get(parentKey)!.type === "switch" && !STATUS_TABLE[effectiveStatus(board.latest(parentKey))].terminal)) break;
        if (!paused) emit({ kind: "schedule", taskKey, mapIndex: -1, attempt, runAt: now, status: "SCHEDULED" });
        break;
      case "skip":
        emit({ kind: "skip", taskKey, mapIndex: -1, attempt, reason: "upstream_skipped", upstream: verdict.upstream });
        break;
      case "upstreamFailed":
        emit({ kind: "upstreamFailed", taskKey, mapIndex: -1, attempt, upstream: verdict.upstream });
        break;
      case "wait":
        break;
    }
  }

  // The end: every task has ended (a paused execution waits for resume).
  if (!paused) {
    const statuses = order.map((taskKey) => ({ taskKey, status: effectiveStatus(board.latest(taskKey)) }));
    if (statuses.every((entry) => STATUS_TABLE[entry.status].terminal)) {
      const culprit = statuses.find(
        (entry) => entry.status === "FAILED" || entry.status === "TIMED_OUT" || entry.status === "CANCELLED",
      );
      if (culprit) {
        const culpritError = board.latest(culprit.taskKey)?.error;
        const cause = culpritError?.message;
        emit({
          kind: "failExecution",
          error: {
            code: `TASK_${culprit.status}`,
            message: `task ${culprit.taskKey} ended ${culprit.status}${cause ? `: ${cause}` : ""}`,
            taskKey: culprit.taskKey,
            ...(isFinalErrorCode(culpritError?.code) ? { cause: culpritError.code } : {}),
          },
        });
      } else {
        emit({ kind: "completeExecution" });
      }
    }
  }
  return done();
}

