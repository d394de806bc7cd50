import { describe, expect, it } from "vitest";
import { workflowJsonSchema } from "./json-schema";
import { serializeDefinition } from "./canonical";
import { formatInTimezone, jitterOf, missedFireTimes, nextFireTimes, planSchedule } from "./schedule";
import { validateDefinition } from "./validate";

const base = { name: "wf", tasks: [{ key: "a", type: "transform", params: { output: 1 } }] };
const errorsOf = (triggers: unknown) => {
  const result = validateDefinition({ ...base, triggers });
  return result.ok ? [] : result.errors.map((error) => `${error.path}: ${error.message}`);
};
const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

describe("trigger definitions", () => {
  it("accepts the shapes of the contract", () => {
    expect(
      errorsOf([
        { type: "schedule", key: "nightly", cron: "0 2 * * *", timezone: "Europe/Berlin" },
        { type: "schedule", key: "often", every: "30s", input: { at: "{% $trigger.scheduledTime %}" }, overlap: "skip", catchUp: "all", catchUpLimit: 3, jitterMs: 500 },
        { type: "webhook", key: "deploy", respond: "result", waitSeconds: 10 },
        { type: "workflow", key: "after-build", workflow: "build", status: ["COMPLETED"] },
      ]),
    ).toEqual([]);
  });

  it("names every problem with its path", () => {
    expect(
      errorsOf([
        { type: "schedule", key: "n", cron: "61 * * * *", timezone: "Mars/Base" },
        { type: "schedule", key: "n" },
        { type: "bogus", key: "x" },
        { type: "workflow", key: "w", workflow: "wf", input: "{% $tasks.a.output %}", status: [] },
        { type: "schedule", key: "bad key", every: "30x", catchUpLimit: 3, start: "2030-01-02T00:00:00Z", end: "2030-01-01T00:00:00Z" },
        { type: "schedule", key: "z", cron: "* * *", every: "1m" },
        { type: "webhook", key: "h", maxBodyBytes: 10 * 1024 * 1024, respond: "later" },
      ]),
    ).toEqual([
      "triggers[0].cron: cron must be a valid cron expression: Invalid value for minute: 61",
      'triggers[0].timezone: timezone must be an IANA time zone such as "Europe/Berlin" or "UTC", got "Mars/Base"',
      "triggers[1]: a schedule needs exactly one of cron or every",
      'triggers[1].key: duplicate trigger key "n" (also used by triggers[0])',
      'triggers[2].type: unknown trigger type "bogus": use one of schedule, webhook, workflow',
      "triggers[3].status: status must list at least one status",
      "triggers[3].input: $tasks.a cannot be read in a trigger's input: no task has run when it fires (use $trigger)",
      'triggers[3].workflow: trigger "w" starts this workflow when this workflow ends: a cycle (every execution would start another)',
      "triggers[4].key: key must start with a letter or digit and contain only letters, digits, '_' and '-' (it appears in the webhook URL)",
      'triggers[4].every: every must be a number and a unit, e.g. "30s", "5m", "2h", "1d" (units: ms, s, m, h, d)',
      "triggers[4].end: end must be after start",
      'triggers[4].catchUpLimit: catchUpLimit applies only with catchUp "all"',
      "triggers[5].cron: cron must have 5 fields (minute hour day month weekday) or 6 (seconds first), got 3",
      "triggers[5]: a schedule takes cron or every, not both",
      'triggers[6].respond: respond must be one of "accepted", "result", got string "later"',
      "triggers[6].maxBodyBytes: maxBodyBytes must be ≤ 5242880",
    ]);
  });

  it("is in the generated JSON Schema and in canonical order", () => {
    const schema = workflowJsonSchema() as { properties: Record<string, unknown>; $defs: Record<string, unknown> };
    expect(schema.properties.triggers).toBeDefined();
    expect(Object.keys(schema.$defs)).toEqual(expect.arrayContaining(["ScheduleTrigger", "WebhookTrigger", "WorkflowTrigger"]));
    const text = serializeDefinition({ ...base, triggers: [{ timezone: "UTC", cron: "0 * * * *", key: "k", type: "schedule" }] } as never);
    expect(text).toContain('"triggers": [\n    {\n      "type": "schedule",\n      "key": "k",\n      "cron": "0 * * * *",\n      "timezone": "UTC"');
  });
});

describe("schedules (croner)", () => {
  it("plans a cron in its time zone across the DST change", () => {
    // 02:30 does not exist in Berlin on 2026-03-29: it fires at the first time after the gap.
    expect(iso(nextFireTimes({ cron: "30 2 * * *", timezone: "Europe/Berlin" }, 3, new Date("2026-03-28T00:00:00Z")))).toEqual([
      "2026-03-28T01:30:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:30:00.000Z",
    ]);
    // 02:30 exists twice on 2026-10-25: it fires once.
    const autumn = iso(nextFireTimes({ cron: "30 2 * * *", timezone: "Europe/Berlin" }, 2, new Date("2026-10-24T12:00:00Z")));
    expect(autumn).toHaveLength(2);
    expect(new Set(autumn.map((time) => time.slice(0, 10))).size).toBe(2);
    expect(formatInTimezone(new Date("2026-03-29T01:00:00Z"), "Europe/Berlin")).toBe("2026-03-29 03:00:00 GMT+2");
  });

  it("takes 6 fields with seconds, intervals anchored at start, and start/end bounds", () => {
    expect(iso(nextFireTimes({ cron: "*/20 * * * * *" }, 3, new Date("2026-01-01T00:00:05Z")))).toEqual([
      "2026-01-01T00:00:20.000Z",
      "2026-01-01T00:00:40.000Z",
      "2026-01-01T00:01:00.000Z",
    ]);
    expect(iso(nextFireTimes({ every: "90s", start: "2026-01-01T00:00:10Z", end: "2026-01-01T00:03:10Z" }, 5, new Date("2026-01-01T00:00:00Z")))).toEqual([
      "2026-01-01T00:00:10.000Z",
      "2026-01-01T00:01:40.000Z",
      "2026-01-01T00:03:10.000Z",
    ]);
    expect(iso(nextFireTimes({ cron: "0 0 * * *", start: "2026-05-01T00:00:00Z" }, 1, new Date("2026-01-01T00:00:00Z")))).toEqual(["2026-05-01T00:00:00.000Z"]);
  });

  it("finds missed fire times, keeping the latest ones", () => {
    const plan = planSchedule({ cron: "* * * * *" });
    const missed = missedFireTimes(plan, new Date("2026-01-01T00:00:00Z"), new Date("2026-01-01T00:05:30Z"), 3);
    expect(missed.total).toBe(6);
    expect(iso(missed.times)).toEqual(["2026-01-01T00:03:00.000Z", "2026-01-01T00:04:00.000Z", "2026-01-01T00:05:00.000Z"]);
  });

  it("jitter is stable and below its bound", () => {
    const time = new Date("2026-01-01T00:00:00Z");
    expect(jitterOf("t1", time, 1000)).toBe(jitterOf("t1", time, 1000));
    expect(jitterOf("t1", time, 1000)).toBeLessThan(1000);
    expect(jitterOf("t1", time, 0)).toBe(0);
  });
});
