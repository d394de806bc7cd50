/**
 * Retry math (Temporal's vocabulary): how long to wait after a failed attempt, and whether to try
 * again at all. Pure: the caller passes the times.
 */
import { resolveRetryPolicy, type ResolvedRetryPolicy, type RetryPolicy, type Timeouts } from "@/lib/workflow/schema";

/**
 * Delay before the attempt after `attemptThatFailed` (1 = the first attempt failed):
 * - fixed: initial every time,
 * - linear: initial × n,
 * - exponential: initial × coefficient^(n-1),
 * always capped by `maximumIntervalMs`, rounded to whole milliseconds.
 * With the defaults (exponential, 1000 ms, ×2, cap 100 000 ms): 1000, 2000, 4000, … 64 000, 100 000.
 */
export function backoffDelayMs(policy: RetryPolicy | ResolvedRetryPolicy | undefined, attemptThatFailed: number): number {
  const resolved = resolveRetryPolicy(policy);
  const n = Math.max(1, Math.floor(attemptThatFailed));
  let delay: number;
  switch (resolved.backoff) {
    case "fixed":
      delay = resolved.initialIntervalMs;
      break;
    case "linear":
      delay = resolved.initialIntervalMs * n;
      break;
    case "exponential":
      delay = resolved.initialIntervalMs * Math.pow(resolved.backoffCoefficient, n - 1);
      break;
  }
  // Math.min also tames Infinity from a huge exponent.
  return Math.round(Math.min(delay, resolved.maximumIntervalMs));
}

/**
 * Errors no retry can help, final whatever the task's retry policy: a tree's nesting depth and its
 * count of executions never go down (lib/runtime/tree-limits.ts). A failure caused by one carries
 * its code on — a map whose item failed with it (decide.ts failMap), a parent attempt whose child
 * execution failed with it (ExecutionError.cause, lib/runtime/writes/settle-parent.ts) — so no
 * level of a recursive tree retries it (with retries, each level would multiply the tree).
 */
export const FINAL_ERROR_CODES: readonly string[] = ["CHILD_DEPTH_EXCEEDED", "TREE_SIZE_EXCEEDED"];

/** A final error code (FINAL_ERROR_CODES): a failure it caused carries it on, final too. */
export function isFinalErrorCode(code: string | null | undefined): code is string {
  return code != null && FINAL_ERROR_CODES.includes(code);
}

export type RetryRefusal = "max_attempts" | "non_retryable" | "schedule_to_close";

export type RetryDecision =
  | { retry: true; runAt: Date; delayMs: number; nextAttempt: number }
  | { retry: false; reason: RetryRefusal };

export interface RetryContext {
  /** The attempt that failed, 1-based. */
  attempt: number;
  /** Code of its error (compared with `nonRetryableErrors`); absent when unknown. */
  errorCode?: string | null;
  /** When the task's first attempt was scheduled: the start of its schedule-to-close window. */
  firstScheduledAt: Date;
  /** The moment the delay counts from (normally when the attempt failed). */
  now: Date;
  timeouts?: Timeouts;
}

/**
 * Retry or give up, in this order of reasons: the error is non-retryable (named by the policy, or
 * one of FINAL_ERROR_CODES); the attempts are used
 * up; the next attempt would begin at or after the schedule-to-close deadline.
 */
export function retryDecision(
  policy: RetryPolicy | ResolvedRetryPolicy | undefined,
  context: RetryContext,
): RetryDecision {
  const resolved = resolveRetryPolicy(policy);
  if (context.errorCode != null && (resolved.nonRetryableErrors.includes(context.errorCode) || FINAL_ERROR_CODES.includes(context.errorCode))) {
    return { retry: false, reason: "non_retryable" };
  }
  if (context.attempt >= resolved.maximumAttempts) return { retry: false, reason: "max_attempts" };
  const delayMs = backoffDelayMs(resolved, context.attempt);
  const runAt = new Date(context.now.getTime() + delayMs);
  const scheduleToCloseMs = context.timeouts?.scheduleToCloseMs;
  if (scheduleToCloseMs !== undefined && runAt.getTime() >= context.firstScheduledAt.getTime() + scheduleToCloseMs) {
    return { retry: false, reason: "schedule_to_close" };
  }
  return { retry: true, runAt, delayMs, nextAttempt: context.attempt + 1 };
}
