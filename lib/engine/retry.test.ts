import { describe, expect, it } from "vitest";
import type { RetryPolicy } from "@/lib/workflow/schema";
import { backoffDelayMs, retryDecision } from "./retry";

describe("backoffDelayMs", () => {
  const cases: Array<[string, RetryPolicy | undefined, number[]]> = [
    ["defaults: exponential 1000 ×2, cap 100 000", undefined, [1000, 2000, 4000, 8000, 16000, 32000, 64000, 100000, 100000]],
    ["exponential 1000 ×2 capped at 5000", { initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 5000 }, [1000, 2000, 4000, 5000, 5000]],
    ["exponential 100 ×3", { backoff: "exponential", initialIntervalMs: 100, backoffCoefficient: 3 }, [100, 300, 900, 2700, 8100, 10000]],
    ["exponential 1000 ×1.5 rounds to whole ms", { initialIntervalMs: 1000, backoffCoefficient: 1.5 }, [1000, 1500, 2250, 3375, 5063]],
    ["exponential ×1 is fixed", { initialIntervalMs: 700, backoffCoefficient: 1 }, [700, 700, 700]],
    ["linear 500", { backoff: "linear", initialIntervalMs: 500 }, [500, 1000, 1500, 2000]],
    ["linear 500 capped at 1200", { backoff: "linear", initialIntervalMs: 500, maximumIntervalMs: 1200 }, [500, 1000, 1200, 1200]],
    ["fixed 2000", { backoff: "fixed", initialIntervalMs: 2000 }, [2000, 2000, 2000]],
    ["fixed ignores the coefficient", { backoff: "fixed", initialIntervalMs: 250, backoffCoefficient: 10 }, [250, 250]],
  ];

  it.each(cases)("%s", (_name, policy, delays) => {
    expect(delays.map((_, index) => backoffDelayMs(policy, index + 1))).toEqual(delays);
  });

  it("stays at the cap for huge attempt numbers (no Infinity, no NaN)", () => {
    expect(backoffDelayMs({ initialIntervalMs: 1000, backoffCoefficient: 100 }, 1000)).toBe(100000);
  });

  it("treats attempt numbers below 1 as the first attempt", () => {
    expect(backoffDelayMs(undefined, 0)).toBe(1000);
  });
});

describe("retryDecision", () => {
  const t0 = new Date("2030-01-01T00:00:00.000Z");
  const at = (ms: number) => new Date(t0.getTime() + ms);

  it.each([
    ["default policy: one attempt, no retry", undefined, { attempt: 1 }, { retry: false, reason: "max_attempts" }],
    [
      "first of three attempts failed → retry after 1000 ms",
      { maximumAttempts: 3 },
      { attempt: 1, now: at(500) },
      { retry: true, runAt: at(1500), delayMs: 1000, nextAttempt: 2 },
    ],
    [
      "second of three failed → retry after 2000 ms",
      { maximumAttempts: 3 },
      { attempt: 2, now: at(5000) },
      { retry: true, runAt: at(7000), delayMs: 2000, nextAttempt: 3 },
    ],
    ["third of three failed → give up", { maximumAttempts: 3 }, { attempt: 3 }, { retry: false, reason: "max_attempts" }],
    [
      "non-retryable error code → give up at once",
      { maximumAttempts: 5, nonRetryableErrors: ["BAD_REQUEST"] },
      { attempt: 1, errorCode: "BAD_REQUEST" },
      { retry: false, reason: "non_retryable" },
    ],
    [
      "non-retryable wins over max attempts",
      { maximumAttempts: 1, nonRetryableErrors: ["BAD_REQUEST"] },
      { attempt: 1, errorCode: "BAD_REQUEST" },
      { retry: false, reason: "non_retryable" },
    ],
    [
      "a tree limit (CHILD_DEPTH_EXCEEDED) is final whatever the policy",
      { maximumAttempts: 5 },
      { attempt: 1, errorCode: "CHILD_DEPTH_EXCEEDED" },
      { retry: false, reason: "non_retryable" },
    ],
    [
      "a tree limit (TREE_SIZE_EXCEEDED) is final whatever the policy",
      { maximumAttempts: 5, nonRetryableErrors: [] },
      { attempt: 1, errorCode: "TREE_SIZE_EXCEEDED" },
      { retry: false, reason: "non_retryable" },
    ],
    [
      "another error code is retried",
      { maximumAttempts: 2, nonRetryableErrors: ["BAD_REQUEST"] },
      { attempt: 1, errorCode: "HTTP_503" },
      { retry: true, runAt: at(1000), delayMs: 1000, nextAttempt: 2 },
    ],
    [
      "next attempt would start after the schedule-to-close deadline → give up",
      { maximumAttempts: 5 },
      { attempt: 2, now: at(8500), timeouts: { scheduleToCloseMs: 10000 } },
      { retry: false, reason: "schedule_to_close" },
    ],
    [
      "next attempt exactly at the deadline → give up",
      { maximumAttempts: 5 },
      { attempt: 2, now: at(8000), timeouts: { scheduleToCloseMs: 10000 } },
      { retry: false, reason: "schedule_to_close" },
    ],
    [
      "next attempt just before the deadline → retry",
      { maximumAttempts: 5 },
      { attempt: 2, now: at(7999), timeouts: { scheduleToCloseMs: 10000 } },
      { retry: true, runAt: at(9999), delayMs: 2000, nextAttempt: 3 },
    ],
  ] as const)("%s", (_name, policy, context, expected) => {
    expect(retryDecision(policy as RetryPolicy | undefined, { firstScheduledAt: t0, now: t0, ...context })).toEqual(expected);
  });
});
