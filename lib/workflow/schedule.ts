/**
 * Schedules of `schedule` triggers: when they fire. Pure (croner is plain JavaScript that runs in
 * the browser too, so the designer shows the next fire times as you type with the same code the
 * engine plans with).
 *
 * - `cron`: 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), parsed and
 *   planned by croner (https://croner.56k.guru), never by a parser of our own. croner handles the
 *   IANA `timezone` and DST as cron users expect: a time that does not exist (02:30 on the spring
 *   change in Europe/Berlin) fires at the first time after the gap, a time that exists twice fires
 *   once.
 * - `every`: a fixed interval, `"500ms"`, `"30s"`, `"5m"`, `"2h"`, `"1d"`, anchored at `start`
 *   (or the Unix epoch), so every engine computes the same fire times.
 * - `start` / `end` bound the fire times (inclusive).
 */
import { Cron } from "croner";

export type ScheduleSpec = {
  cron?: string;
  every?: string;
  timezone?: string;
  start?: string;
  end?: string;
};

export const DEFAULT_TIMEZONE = "UTC";
/** Shortest interval of `every` (and the finest a cron's seconds field can fire). */
export const MIN_INTERVAL_MS = 1000;
const INTERVAL_PATTERN = /^([1-9][0-9]{0,9})(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The interval of `every` in milliseconds, or a message saying what is wrong. */
export function parseInterval(every: string): { ok: true; ms: number } | { ok: false; message: string } {
  const match = INTERVAL_PATTERN.exec(every.trim());
  if (!match) return { ok: false, message: 'must be a number and a unit, e.g. "30s", "5m", "2h", "1d" (units: ms, s, m, h, d)' };
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms < MIN_INTERVAL_MS) return { ok: false, message: `must be at least 1s (got ${every})` };
  if (ms > 366 * UNIT_MS.d) return { ok: false, message: "must be at most 366d" };
  return { ok: true, ms };
}

/** undefined when the cron expression is valid; otherwise what is wrong. */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return `must have 5 fields (minute hour day month weekday) or 6 (seconds first), got ${fields.length}`;
  }
  try {
    new Cron(cron, { paused: true });
    return undefined;
  } catch (error) {
    return `must be a valid cron expression: ${(error as Error).message.replace(/^CronPattern: /, "")}`;
  }
}

/** undefined when the IANA time zone is known; otherwise the message. */
export function timezoneProblem(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return undefined;
  } catch {
    return `must be an IANA time zone such as "Europe/Berlin" or "UTC", got ${JSON.stringify(timezone)}`;
  }
}

/** A plan of a valid schedule: the fire times after a point in time. */
export interface SchedulePlan {
  /** The first fire time strictly after `after`, or null when the schedule has ended. */
  nextAfter(after: Date): Date | null;
}

/** The plan of a schedule (cron or every); throws on an invalid one (validate first). */
export function planSchedule(spec: ScheduleSpec): SchedulePlan {
  const start = spec.start ? new Date(spec.start) : undefined;
  const end = spec.end ? new Date(spec.end) : undefined;
  const bounded = (next: Date | null): Date | null => (next && end && next.getTime() > end.getTime() ? null : next);
  if (spec.every !== undefined) {
    const interval = parseInterval(spec.every);
    if (!interval.ok) throw new Error(`every ${interval.message}`);
    const anchor = start?.getTime() ?? 0;
    return {
      nextAfter(after) {
        const from = after.getTime();
        if (from < anchor) return bounded(new Date(anchor));
        const steps = Math.floor((from - anchor) / interval.ms) + 1;
        return bounded(new Date(anchor + steps * interval.ms));
      },
    };
  }
  if (spec.cron === undefined) throw new Error("a schedule needs cron or every");
  const cron = new Cron(spec.cron, { paused: true, timezone: spec.timezone ?? DEFAULT_TIMEZONE });
  return {
    nextAfter(after) {
      // croner's startAt is exclusive of `after` only to the second; ask from the later of both.
      const from = start && start.getTime() > after.getTime() ? new Date(start.getTime() - 1) : after;
      return bounded(cron.nextRun(from));
    },
  };
}

/** The next `count` fire times after `after` (fewer when the schedule ends). */
export function nextFireTimes(spec: ScheduleSpec, count: number, after: Date): Date[] {
  const plan = planSchedule(spec);
  const times: Date[] = [];
  let at = after;
  while (times.length < count) {
    const next = plan.nextAfter(at);
    if (!next) break;
    times.push(next);
    at = next;
  }
  return times;
}

/** Most fire times `missedFireTimes` walks through (a 1 s schedule down for 2.7 hours). */
export const MAX_MISSED_SCAN = 10_000;

/**
 * The fire times in [from, until] (from included), keeping only the last `keep` of them, and how
 * many there were in all (counting stops at MAX_MISSED_SCAN: then the oldest are dropped unseen).
 */
export function missedFireTimes(plan: SchedulePlan, from: Date, until: Date, keep: number): { times: Date[]; total: number } {
  const times: Date[] = [];
  let total = 0;
  let at: Date | null = from;
  while (at && at.getTime() <= until.getTime() && total < MAX_MISSED_SCAN) {
    total += 1;
    times.push(at);
    if (times.length > keep) times.shift();
    at = plan.nextAfter(at);
  }
  return { times, total };
}

/**
 * The jitter of one fire, in [0, jitterMs): derived from the trigger and the fire time, so every
 * engine waits the same (FNV-1a of the text; not a secret, only a spread).
 */
export function jitterOf(seed: string, fireTime: Date, jitterMs: number | undefined): number {
  if (!jitterMs) return 0;
  let hash = 0x811c9dc5;
  const text = `${seed}@${fireTime.toISOString()}`;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % jitterMs;
}

/** A fire time as people read it in the schedule's time zone: "2026-12-03 02:00:00 CET". */
export function formatInTimezone(time: Date, timezone: string | undefined): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone ?? DEFAULT_TIMEZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  }).formatToParts(time);
  const part = (type: string) => parts.find((entry) => entry.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}:${part("second")} ${part("timeZoneName")}`;
}
