/**
 * Every fence an attempt write uses, written once. A fence is the WHERE clause that makes a write
 * safe without holding a lock while work runs: the write only lands if the attempt is still in the
 * state the writer saw. A write whose fence fails changes nothing (the caller throws NotOurs, so
 * its transaction, which may already have moved the execution row, rolls back).
 */
import type { TaskStatus } from "@/lib/engine/statuses";
import type { Fence } from "./types";

/** Attempt statuses that still hold work (a runner, a worker, a timer, a child execution). */
export const LIVE_TASK_STATUSES = ["SCHEDULED", "RUNNING", "WAITING", "RETRYING"] as const satisfies readonly TaskStatus[];
/** Execution statuses that are not finished. */
export const LIVE_EXECUTION_STATUSES = ["QUEUED", "RUNNING", "PAUSED"] as const;

/** Claimed by `holder` and not started yet: it may start it, prepare it, or end it before starting. */
export const claimedBy = (holder: string): Fence => ({ lockedBy: holder, statuses: ["SCHEDULED", "RETRYING"] });

/** Held by `holder` and not ended: it may report the attempt's result. */
export const heldBy = (holder: string): Fence => ({ lockedBy: holder, statuses: ["SCHEDULED", "RETRYING", "RUNNING"] });

/** Running for `holder` (started, not ended): it may append the attempt's log lines. */
export const runningFor = (holder: string): Fence => ({ lockedBy: holder, statuses: ["RUNNING"] });

/** Running for `worker` with a lease still live at `now`: it may heartbeat (and append log lines). */
export const leasedTo = (worker: string, now: Date): Fence => ({ lockedBy: worker, statuses: ["RUNNING"], leaseLiveAt: now });

/** Running for `holder` whose lease ran out before `now`: the reaper may time it out. */
export const leaseExpired = (holder: string, now: Date): Fence => ({ lockedBy: holder, statuses: ["RUNNING"], leaseExpiredBefore: now });

/** Waiting, and its timer is due by `now`: a timer may fire it. */
export const timerDue = (now: Date): Fence => ({ statuses: ["WAITING"], dueBy: now });

/** Waiting for a person (an approval): their decision may settle it. */
export const waiting: Fence = { statuses: ["WAITING"] };

/** Running (a map or a subworkflow attempt, which nobody holds): its children may settle it. */
export const running: Fence = { statuses: ["RUNNING"] };

/** Live, whoever holds it: a terminate may cancel it. */
export const live: Fence = { statuses: LIVE_TASK_STATUSES };

/** Exactly as read (`status`): an operator's write on the state it checked. */
export const stillIn = (status: TaskStatus): Fence => ({ statuses: [status] });

/**
 * Thrown inside a transaction when the attempt it acts on is no longer the writer's (lease reaped,
 * cancelled, a duplicate result): the transaction rolls back and changes nothing. Transactions
 * write the execution row before the attempt (lock order Execution → TaskRun, so PostgreSQL never
 * sees two orders and deadlocks), which is why the fence is checked second and a miss must undo
 * the first write.
 */
export class NotOurs extends Error {
  /** Which of several results it was (recordOutcomes), or -1. */
  constructor(readonly index = -1) {
    super("the attempt is no longer held by its reporter");
  }
}
