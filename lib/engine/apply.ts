/**
 * The reference semantics of decide's commands on snapshots: what each command does to the task
 * runs and the execution. The database runtime must do the same to its rows (in one transaction);
 * decide uses it to see the consequences of its own commands within one decision (a failure
 * cascades downstream at once), and the tests use it as a fake runtime.
 *
 * Every change goes through `transitionTask` / `transitionExecution`; an illegal one is reported
 * in `problems` and not applied.
 */
import { isLiveTaskStatus } from "./statuses";
import { commandPatches } from "./patches";
import { transitionExecution, type TransitionError } from "./transitions";
import type { Command, ExecutionSnapshot, TaskRunSnapshot } from "./types";

function slotKey(taskKey: string, mapIndex: number): string {
  return `${taskKey}\u0000${mapIndex}`;
}

/** Task runs indexed by (taskKey, mapIndex), each slot's attempts in ascending order. */
export class RunBoard {
  private readonly slots = new Map<string, TaskRunSnapshot[]>();
  private readonly itemIndexes = new Map<string, Set<number>>();

  constructor(runs: readonly TaskRunSnapshot[]) {
    for (const run of runs) this.put({ ...run });
  }

  /** The latest attempt of a task (mapIndex -1) or of a map item. */
  latest(taskKey: string, mapIndex = -1): TaskRunSnapshot | undefined {
    const slot = this.slots.get(slotKey(taskKey, mapIndex));
    return slot?.[slot.length - 1];
  }

  /** All attempts of a slot, oldest first. */
  attempts(taskKey: string, mapIndex = -1): readonly TaskRunSnapshot[] {
    return this.slots.get(slotKey(taskKey, mapIndex)) ?? [];
  }

  /** When the slot's first attempt was scheduled: the start of its schedule-to-close window. */
  firstScheduledAt(taskKey: string, mapIndex = -1): Date | undefined {
    let first: Date | undefined;
    for (const run of this.attempts(taskKey, mapIndex)) {
      if (run.scheduledAt && (!first || run.scheduledAt < first)) first = run.scheduledAt;
    }
    return first;
  }

  /** Indexes of the map items of a task that have at least one attempt, ascending. */
  itemIndexesOf(taskKey: string): number[] {
    return [...(this.itemIndexes.get(taskKey) ?? [])].sort((a, b) => a - b);
  }

  /** Every run, slots in insertion order, attempts ascending. */
  all(): TaskRunSnapshot[] {
    return [...this.slots.values()].flat();
  }

  /** Latest attempts that have not ended (SCHEDULED, RUNNING, WAITING, RETRYING). */
  live(): TaskRunSnapshot[] {
    return [...this.slots.values()].map((slot) => slot[slot.length - 1]!).filter((run) => isLiveTaskStatus(run.status));
  }

  /** Inserts or replaces the row with the same (taskKey, mapIndex, attempt). */
  put(run: TaskRunSnapshot): void {
    const key = slotKey(run.taskKey, run.mapIndex);
    let slot = this.slots.get(key);
    if (!slot) {
      slot = [];
      this.slots.set(key, slot);
    }
    const at = slot.findIndex((existing) => existing.attempt === run.attempt);
    if (at >= 0) slot[at] = run;
    else {
      slot.push(run);
      slot.sort((a, b) => a.attempt - b.attempt);
    }
    if (run.mapIndex >= 0) {
      let indexes = this.itemIndexes.get(run.taskKey);
      if (!indexes) {
        indexes = new Set();
        this.itemIndexes.set(run.taskKey, indexes);
      }
      indexes.add(run.mapIndex);
    }
  }

  find(taskKey: string, mapIndex: number, attempt: number): TaskRunSnapshot | undefined {
    return this.attempts(taskKey, mapIndex).find((run) => run.attempt === attempt);
  }
}

export interface ApplyResult {
  execution: ExecutionSnapshot;
  runs: TaskRunSnapshot[];
  /** Commands that could not be applied (illegal transitions, unknown attempts). */
  problems: TransitionError[];
}

/**
 * Applies one command to the board (task runs) and returns the execution's new snapshot.
 * Problems are pushed onto `problems`. The attempts' changes are commandPatches' (patches.ts),
 * the same ones lib/runtime/writes persists.
 */
export function applyCommand(
  board: RunBoard,
  execution: ExecutionSnapshot,
  command: Command,
  now: Date,
  problems: TransitionError[] = [],
): ExecutionSnapshot {
  const event = EXECUTION_EVENT[command.kind as keyof typeof EXECUTION_EVENT];
  if (event) {
    const moved = transitionExecution(execution.status, event, now);
    if (!moved.ok) {
      problems.push(moved.error);
      return execution;
    }
    return { ...execution, status: moved.status, ...(moved.set.startedAt ? { startedAt: moved.set.startedAt } : {}) };
  }
  const result = commandPatches(board, command, now);
  if (!result.ok) {
    problems.push(result.error);
    return execution;
  }
  for (const write of result.writes) {
    const base: TaskRunSnapshot = (!write.create && board.find(write.taskKey, write.mapIndex, write.attempt)) || { taskKey: write.taskKey, mapIndex: write.mapIndex, attempt: write.attempt, status: "PENDING" };
    board.put({ ...base, ...write.patch });
  }
  return execution;
}

const EXECUTION_EVENT = { startExecution: "start", completeExecution: "complete", failExecution: "fail", timeoutExecution: "timeout" } as const;

/** Applies the commands in order to copies of the snapshots (the reference runtime). */
export function applyCommands(
  state: { execution: ExecutionSnapshot; runs: readonly TaskRunSnapshot[] },
  commands: readonly Command[],
  now: Date,
): ApplyResult {
  const board = new RunBoard(state.runs);
  const problems: TransitionError[] = [];
  let execution: ExecutionSnapshot = { ...state.execution };
  for (const command of commands) execution = applyCommand(board, execution, command, now, problems);
  return { execution, runs: board.all(), problems };
}
