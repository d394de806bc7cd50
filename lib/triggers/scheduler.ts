/**
 * The schedule loop's work, run by every engine on its timer tick (lib/runtime/engine.ts): the
 * schedules whose next fire time (plus its jitter) has come are fired through
 * writes/fire-trigger.ts, one transaction per fire. Every engine may find the same trigger due;
 * the guarded move of `nextFireAt` and the unique (trigger, fire time) claim let exactly one of
 * them start each fire. An engine that dies mid-way leaves the schedule at the first fire it did
 * not commit, so the next engine goes on from there.
 *
 * Which of the due fire times fire (`catchUp`, after downtime or a stall): a fire time at most
 * CATCH_UP_GRACE_MS old is on time and always fires; older ones are missed: `none` drops them,
 * `latest` fires the most recent one when no on-time one is left, `all` fires the latest
 * `catchUpLimit` of all due times, oldest first. `overlap: queue` collapses whatever piled up while
 * the previous execution ran into one fire (the latest), as Temporal's BUFFER_ONE.
 */
import type { Db } from "@/lib/db/client";
import { announceExecutionChanged, wakeEngine } from "@/lib/runtime/bus";
import { fireTrigger, skipMissedFires, type FireResult } from "@/lib/runtime/writes/fire-trigger";
import { terminateExecution } from "@/lib/services/operations";
import { jitterOf, MAX_MISSED_SCAN, missedFireTimes, planSchedule } from "@/lib/workflow/schedule";
import { TRIGGER_DEFAULTS, type ScheduleTrigger } from "@/lib/workflow/schema";
import { prepareFireStart, triggerActor, type TriggerRowLike } from "./start";

/** A fire time at most this old (at the engine's clock) is on time, not missed. */
export const CATCH_UP_GRACE_MS = 60_000;
/** Most due fire times looked at per trigger and pass (memory bound). */
const KEEP_TIMES = 1000;

type ScheduleRow = TriggerRowLike & { nextFireAt: Date | null };

/** Fires the due schedules; how many executions it started. `now` is injectable (tests plan a downtime). */
export async function fireDueSchedules(db: Db, now: Date = new Date(), limit = 100): Promise<number> {
  const due = await db.trigger.findMany({
    where: { type: "schedule", enabled: true, pausedAt: null, retiredAt: null, nextFireAt: { lte: now } },
    orderBy: { nextFireAt: "asc" },
    take: limit,
    select: { id: true, workflowName: true, key: true, type: true, definitionId: true, definitionVersion: true, spec: true, nextFireAt: true },
  });
  let started = 0;
  for (const row of due) started += await fireSchedule(db, row, now);
  if (started > 0) wakeEngine();
  return started;
}

/** The fire times of one due schedule that fire now, and where the schedule goes next. */
export function planDueFires(row: ScheduleRow, spec: ScheduleTrigger, now: Date): { fire: Date[]; next: Date | null; dueCount: number } {
  const plan = planSchedule(spec);
  const first = row.nextFireAt!;
  let scan = missedFireTimes(plan, first, now, KEEP_TIMES);
  if (scan.total >= MAX_MISSED_SCAN) {
    // Down for very long on a fast schedule: only the last hour is looked at.
    const recentStart = plan.nextAfter(new Date(now.getTime() - 3_600_000));
    scan = recentStart ? missedFireTimes(plan, recentStart, now, KEEP_TIMES) : { times: [], total: 0 };
  }
  const times = scan.times;
  const onTime = times.filter((time) => now.getTime() - time.getTime() <= CATCH_UP_GRACE_MS);
  const catchUp = spec.catchUp ?? TRIGGER_DEFAULTS.catchUp;
  let fire: Date[];
  if ((spec.overlap ?? TRIGGER_DEFAULTS.overlap) === "queue") fire = times.slice(-1);
  else if (catchUp === "all") fire = times.slice(-(spec.catchUpLimit ?? TRIGGER_DEFAULTS.catchUpLimit));
  else if (catchUp === "latest") fire = onTime.length > 0 ? onTime : times.slice(-1);
  else fire = onTime;
  // Jitter: a time whose delay has not passed waits (with everything after it).
  let next = plan.nextAfter(now);
  const waiting = fire.findIndex((time) => now.getTime() < time.getTime() + jitterOf(row.id, time, spec.jitterMs));
  if (waiting !== -1) {
    next = fire[waiting]!;
    fire = fire.slice(0, waiting);
  }
  return { fire, next, dueCount: scan.total };
}

async function fireSchedule(db: Db, row: ScheduleRow, now: Date): Promise<number> {
  const spec = JSON.parse(row.spec) as ScheduleTrigger;
  const { fire, next, dueCount } = planDueFires(row, spec, now);
  let from = row.nextFireAt!;
  if (fire.length === 0) {
    // Nothing fires: either a jittered fire not yet due (next is still the first), or all missed.
    if (next && next.getTime() === from.getTime()) return 0;
    await skipMissedFires(db, row.id, from, next, dueCount, now);
    return 0;
  }
  const actor = triggerActor(row);
  let started = 0;
  for (const [index, time] of fire.entries()) {
    const to = index + 1 < fire.length ? fire[index + 1]! : next;
    const fireTime = time.toISOString();
    const start = await prepareFireStart(db, row, { type: "schedule", key: row.key, scheduledTime: fireTime, firedAt: now.toISOString() }, { fireTime }, {}, actor, now);
    const result: FireResult = await fireTrigger(db, {
      triggerId: row.id,
      fireKey: `time:${fireTime}`,
      actor,
      now,
      advance: { from, to },
      overlap: spec.overlap ?? TRIGGER_DEFAULTS.overlap,
      start,
    });
    if (result.outcome === "taken" || result.outcome === "busy") return started;
    if (result.outcome === "started") {
      started += 1;
      announceExecutionChanged(result.executionId);
      if (result.previous && spec.overlap === "cancelPrevious") await cancelPrevious(db, result.previous, actor);
    }
    from = to!;
    if (to === null) break;
  }
  return started;
}

/** overlap cancelPrevious: the previous execution is terminated once the new one is started. */
export async function cancelPrevious(db: Db, executionId: string, actor: string): Promise<void> {
  try {
    await terminateExecution(db, executionId, { actor, reason: "a newer fire of its trigger started (overlap: cancelPrevious)" });
  } catch {
    // It ended meanwhile: nothing to cancel.
  }
}
