/**
 * The one transaction interface every state change is written on (see README.md beside this file).
 *
 * `HotTx` is what the engine's hot path needs: guard or move an execution, write attempts by fence
 * or key, insert attempts, executions and events. It has two implementations: the drivers' prepared
 * statements (lib/runtime/store.ts, the fast path) and Prisma (prisma-tx.ts). `WriteTx` adds the
 * few reads and bulk writes of the rare transitions (terminate a tree, settle a parent, reset tasks);
 * only Prisma implements it, and `writeTransaction(db, true, …)` picks it.
 */
import type { TaskStatus } from "@/lib/engine/statuses";
import type { NewEvent } from "@/lib/runtime/events";
import type { ExecutionRow, TaskRunRow } from "@/lib/runtime/snapshots";

export type RunPatch = Partial<Omit<TaskRunRow, "id" | "executionId" | "taskKey" | "mapIndex" | "attempt" | "createdAt" | "updatedAt">>;
export type ExecutionPatch = Partial<Pick<ExecutionRow, "status" | "input" | "startedAt" | "endedAt" | "nextDecisionAt" | "output" | "error">>;
export type AttemptKey = { taskKey: string; mapIndex: number; attempt: number };

/**
 * The condition under which a writer may change an attempt (see fence.ts for every fence in use):
 * its status is one of `statuses`, and, when given, it is held by `lockedBy` (null: by nobody),
 * it is due by `dueBy` (nextRunAt ≤), its lease ran out before `leaseExpiredBefore`, or its lease
 * is still live at `leaseLiveAt`.
 */
export type Fence = {
  statuses: readonly TaskStatus[];
  lockedBy?: string | null;
  dueBy?: Date;
  leaseExpiredBefore?: Date;
  leaseLiveAt?: Date;
};

/** The writes of one engine transaction (both the fast path and Prisma). */
export interface HotTx {
  /** Moves the version on (unless `bump` is false) and writes `patch`, only if the version is still `version`. */
  guardExecution(id: string, version: number, patch: ExecutionPatch, bump?: boolean): Promise<boolean>;
  /** Moves the version on and writes `patch` whatever the version (takes the row lock). */
  bumpExecution(id: string, patch: ExecutionPatch): Promise<void>;
  /** nextDecisionAt = `at`, unless it is already due earlier. */
  decideNoLaterThan(id: string, at: Date): Promise<void>;
  /** Writes `patch` to the attempt if `fence` holds; false if it does not. */
  updateRun(id: string, fence: Fence, patch: RunPatch): Promise<boolean>;
  updateRunByKey(executionId: string, key: AttemptKey, patch: RunPatch): Promise<boolean>;
  insertRuns(rows: readonly TaskRunRow[]): Promise<void>;
  insertEvents(events: readonly NewEvent[]): Promise<void>;
  insertExecution(row: ExecutionRow): Promise<void>;
  /**
   * One more execution in the tree of `rootId`: bumps the root's treeSize if it is below `max`
   * (without moving the root's version: nothing of the root's own state changed). False if the
   * tree is full. Takes the root's row lock: call it before locking any other execution of the tree.
   */
  countInTree(rootId: string, max: number): Promise<boolean>;
}

/** A live attempt, as the tree and reset transitions need it. */
export type LiveRun = Pick<TaskRunRow, "id" | "taskKey" | "mapIndex" | "taskType" | "status">;

/** HotTx plus the reads and bulk writes of the rare transitions (Prisma only). */
export interface WriteTx extends HotTx {
  readExecution(id: string): Promise<ExecutionRow | null>;
  findRuns(ids: readonly string[]): Promise<TaskRunRow[]>;
  /** The attempts of an execution in a live status (fence.ts LIVE_TASK_STATUSES). */
  liveRuns(executionId: string): Promise<LiveRun[]>;
  /** The live child executions an attempt started. */
  liveChildren(taskRunId: string): Promise<string[]>;
  /** The live attempts of these executions, with their execution. */
  liveRunsOf(executionIds: readonly string[]): Promise<(LiveRun & { executionId: string })[]>;
  /** The live child executions of these executions. */
  liveChildrenOf(executionIds: readonly string[]): Promise<string[]>;
  /** Up to `take` live executions of the tree of `rootId` other than the root. */
  liveInTree(rootId: string, take: number): Promise<string[]>;
  /** Writes `patch` (and moves the version) only if the execution is live; false if it is not. */
  endLiveExecution(id: string, patch: ExecutionPatch): Promise<boolean>;
  /** Writes `patch` to the attempts with these ids that match `fence`; how many it wrote. */
  updateRuns(ids: readonly string[], fence: Fence, patch: RunPatch): Promise<number>;
  /** Deletes the attempts with these ids whose status is not live; how many it deleted. */
  deleteEndedRuns(ids: readonly string[]): Promise<number>;
  /** The top-level tasks (mapIndex -1) of these executions that have any attempt, each once. */
  startedTasksOf(executionIds: readonly string[]): Promise<{ executionId: string; taskKey: string }[]>;
  /** The pinned definition (its stored id and canonical text) of each of these executions, with their workflow name and start (the metrics' labels). */
  definitionsOf(executionIds: readonly string[]): Promise<{ executionId: string; definitionId: string; definition: string; workflowName: string; startedAt: Date | null; createdAt: Date }[]>;
}
