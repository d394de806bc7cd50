/**
 * Creating and changing attempt rows inside a decision step: the one place a TaskRun row is built.
 * RunWriter keeps the in-memory copy of the execution's attempts identical to what it writes —
 * every change is one patch object, sent to the database and applied to a new row object (rows
 * are never mutated, see lib/runtime/state.ts) — and inserts new rows together at flush (one
 * statement for a whole fan-out).
 */
import { randomUUID } from "node:crypto";
import type { TaskRunSnapshot } from "@/lib/engine/types";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import { taskRunSnapshot, type TaskRunRow } from "@/lib/runtime/snapshots";
import { runKindOf } from "@/lib/runtime/task-types";
import type { AttemptKey, HotTx, RunPatch } from "./types";

/** The columns of a new attempt that nothing has written yet. */
export const EMPTY_RUN = {
  input: null,
  output: null,
  error: null,
  logBytes: 0,
  scheduledAt: null,
  startedAt: null,
  endedAt: null,
  nextRunAt: null,
  lockedBy: null,
  leaseExpiresAt: null,
  heartbeatAt: null,
  heartbeatDetails: null,
} as const;

/** A new attempt row of `key` (its task type from the pinned definition), with `columns` set. */
export function newAttemptRow(
  executionId: string,
  definition: WorkflowDefinition,
  key: AttemptKey,
  columns: RunPatch & { status: string },
  now: Date,
): TaskRunRow {
  const kind = runKindOf(definition, key.taskKey, key.mapIndex);
  // Typed as the full row (no cast): a new TaskRun column must be given here (EMPTY_RUN) to compile.
  const row: TaskRunRow = {
    ...EMPTY_RUN,
    ...columns,
    id: randomUUID(),
    executionId,
    taskKey: key.taskKey,
    mapIndex: key.mapIndex,
    attempt: key.attempt,
    taskType: kind.taskType,
    workerTaskType: kind.workerTaskType,
    createdAt: now,
    updatedAt: now,
  };
  return row;
}

const slot = (key: AttemptKey) => `${key.taskKey}\u0000${key.mapIndex}\u0000${key.attempt}`;

export class RunWriter {
  readonly runs: TaskRunRow[];
  readonly created: TaskRunRow[] = [];
  /** Where each created attempt is in `created`, by id. */
  private readonly createdIndex = new Map<string, number>();
  /** Where each attempt is in `runs`, built on the first lookups past a few (most steps make one or two). */
  private index: Map<string, number> | null = null;
  private lookups = 0;

  /**
   * @param unstored attempts created earlier in this transaction and not inserted yet (steps run
   * ahead, decision-step.ts): their changes are kept in memory only, and `flush` adds the rows it
   * keeps back to the set; whoever holds the set inserts them, as they are last, before the commit.
   */
  constructor(
    readonly tx: HotTx,
    runs: readonly TaskRunRow[],
    private readonly now: Date,
    private readonly unstored?: Set<string>,
  ) {
    this.runs = [...runs];
  }

  private indexOf(key: AttemptKey): number | undefined {
    if (!this.index && ++this.lookups > 4) {
      this.index = new Map();
      this.runs.forEach((row, i) => this.index!.set(slot(row), i));
    }
    if (this.index) return this.index.get(slot(key));
    const i = this.runs.findIndex((row) => row.taskKey === key.taskKey && row.mapIndex === key.mapIndex && row.attempt === key.attempt);
    return i === -1 ? undefined : i;
  }

  /** The attempt's snapshot as this step has it (commandPatches reads the statuses). */
  find(taskKey: string, mapIndex: number, attempt: number): TaskRunSnapshot | undefined {
    const i = this.indexOf({ taskKey, mapIndex, attempt });
    return i === undefined ? undefined : taskRunSnapshot(this.runs[i]!);
  }

  create(row: TaskRunRow): TaskRunRow {
    this.createdIndex.set(row.id, this.created.length);
    this.created.push(row);
    this.index?.set(slot(row), this.runs.length);
    this.runs.push(row);
    return row;
  }

  /** Locks a not yet flushed row for an engine (see Dispatcher). */
  claimCreated(id: string, lockedBy: string, leaseExpiresAt: Date): void {
    const i = this.createdIndex.get(id)!;
    const claimed = { ...this.created[i]!, lockedBy, leaseExpiresAt };
    this.created[i] = claimed;
    this.runs[this.indexOf(claimed)!] = claimed;
  }

  async update(executionId: string, key: AttemptKey, patch: RunPatch): Promise<TaskRunRow> {
    const i = this.indexOf(key);
    if (i === undefined) throw new Error(`the state of execution ${executionId} has no attempt ${key.taskKey}[${key.mapIndex}] #${key.attempt}`);
    const current = this.runs[i]!;
    // A status that does not change is not written (every indexed column in an UPDATE costs index writes).
    const changes: RunPatch = patch.status === current.status ? { ...patch, status: undefined } : patch;
    const pending = this.createdIndex.get(current.id) ?? -1;
    if (pending === -1 && !this.unstored?.has(current.id) && !(await this.tx.updateRunByKey(executionId, key, changes))) {
      throw new Error(`attempt ${key.taskKey}[${key.mapIndex}] #${key.attempt} of execution ${executionId} is not stored`);
    }
    const row = { ...current, ...patch, updatedAt: this.now } as TaskRunRow;
    this.runs[i] = row;
    if (pending >= 0) this.created[pending] = row;
    return row;
  }

  /** Inserts the rows created (one statement), except those `keep` holds back (see `unstored`). */
  async flush(keep?: (row: TaskRunRow) => boolean): Promise<void> {
    if (!keep || !this.unstored) return void (await this.tx.insertRuns(this.created));
    const now: TaskRunRow[] = [];
    for (const row of this.created) {
      if (keep(row)) this.unstored.add(row.id);
      else now.push(row);
    }
    await this.tx.insertRuns(now);
  }
}
