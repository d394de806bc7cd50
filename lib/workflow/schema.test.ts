import { describe, expect, it } from "vitest";
import {
  MAX_TASKS,
  RESERVED_TASK_KEYS,
  RETRY_DEFAULTS,
  TASK_TYPES,
  httpParamsSchema,
  mapParamsSchema,
  resolveRetryPolicy,
  retryPolicySchema,
  taskDefinitionSchema,
  waitParamsSchema,
  workflowDefinitionSchema,
  type WorkflowDefinition,
} from "./schema";

const minimal: WorkflowDefinition = {
  name: "hello",
  tasks: [{ key: "greet", type: "transform", params: { output: { message: "hello" } } }],
};

function task(extra: Record<string, unknown>) {
  return { key: "t", type: "transform", params: { output: 1 }, ...extra };
}

describe("workflowDefinitionSchema", () => {
  it("accepts a minimal definition and returns it unchanged (no defaults filled in)", () => {
    const parsed = workflowDefinitionSchema.parse(minimal);
    expect(parsed).toEqual(minimal);
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(minimal));
  });

  it("lists every task type in the discriminated union", () => {
    expect(TASK_TYPES).toEqual([
      "http",
      "transform",
      "worker",
      "wait",
      "approval",
      "switch",
      "map",
      "subworkflow",
      "terminate",
      "shell",
    ]);
    expect(taskDefinitionSchema.options.map((option) => option.shape.type.value)).toEqual([...TASK_TYPES]);
  });

  it.each([
    ["build-test-deploy", true],
    ["a", true],
    ["0day.v2_x", true],
    ["Build", false],
    ["-leading-dash", false],
    ["has space", false],
    ["", false],
    ["a".repeat(100), true],
    ["a".repeat(101), false],
  ])("name %j valid: %s", (name, valid) => {
    expect(workflowDefinitionSchema.safeParse({ ...minimal, name }).success).toBe(valid);
  });

  it.each([
    ["build", true],
    ["_private", true],
    ["test_1", true],
    ["Camel9", true],
    ["1st", false],
    ["with-dash", false],
    ["a.b", false],
    ["k".repeat(64), true],
    ["k".repeat(65), false],
  ])("task key %j valid: %s", (key, valid) => {
    expect(taskDefinitionSchema.safeParse(task({ key })).success).toBe(valid);
  });

  it("rejects unknown fields at every level", () => {
    expect(workflowDefinitionSchema.safeParse({ ...minimal, extra: 1 }).success).toBe(false);
    expect(taskDefinitionSchema.safeParse(task({ retries: {} })).success).toBe(false);
    expect(taskDefinitionSchema.safeParse(task({ retry: { attempts: 3 } })).success).toBe(false);
    expect(httpParamsSchema.safeParse({ url: "https://example.com", verb: "GET" }).success).toBe(false);
  });

  it("passes the input JSON Schema through as written", () => {
    const input = { type: "object", properties: { a: { type: "string", format: "email" } }, $comment: "kept" };
    expect(workflowDefinitionSchema.parse({ ...minimal, input }).input).toEqual(input);
    expect(workflowDefinitionSchema.safeParse({ ...minimal, input: { type: "array" } }).success).toBe(false);
  });

  it("refuses task keys named after Object.prototype's members and prototype, and only those", () => {
    // The list is every own property name of Object.prototype plus "prototype": a new member in a
    // later JavaScript edition makes this fail, so the list is reconsidered rather than left stale.
    expect([...RESERVED_TASK_KEYS].sort()).toEqual([...Object.getOwnPropertyNames(Object.prototype), "prototype"].sort());
    for (const key of RESERVED_TASK_KEYS) {
      const result = workflowDefinitionSchema.safeParse({ ...minimal, tasks: [{ ...minimal.tasks[0], key }] });
      expect(result.success, key).toBe(false);
      expect(result.error!.issues).toMatchObject([{ path: ["tasks", 0, "key"], code: "custom" }]);
      expect(result.error!.issues[0]!.message).toContain(`must not be "${key}"`);
    }
    for (const key of ["Constructor", "to_string", "proto", "_proto_", "prototypes", "value_of"]) {
      expect(workflowDefinitionSchema.safeParse({ ...minimal, tasks: [{ ...minimal.tasks[0], key }] }).success, key).toBe(true);
    }
  });

  it("takes version as optional, an integer ≥ 1", () => {
    expect(workflowDefinitionSchema.safeParse({ ...minimal, version: 3 }).success).toBe(true);
    expect(workflowDefinitionSchema.safeParse({ ...minimal, version: 0 }).success).toBe(false);
    expect(workflowDefinitionSchema.safeParse({ ...minimal, version: 1.5 }).success).toBe(false);
  });

  it("bounds the number of tasks", () => {
    expect(workflowDefinitionSchema.safeParse({ ...minimal, tasks: [] }).success).toBe(false);
    const many = Array.from({ length: MAX_TASKS + 1 }, (_, index) => task({ key: `t${index}` }));
    expect(workflowDefinitionSchema.safeParse({ ...minimal, tasks: many }).success).toBe(false);
  });

  it("requires when to be an expression", () => {
    expect(taskDefinitionSchema.safeParse(task({ when: "{% true %}" })).success).toBe(true);
    expect(taskDefinitionSchema.safeParse(task({ when: "true" })).success).toBe(false);
  });

  it("accepts the trigger rules of Airflow", () => {
    for (const triggerRule of ["all_success", "all_done", "one_success", "none_failed"]) {
      expect(taskDefinitionSchema.safeParse(task({ triggerRule })).success).toBe(true);
    }
    expect(taskDefinitionSchema.safeParse(task({ triggerRule: "one_failed" })).success).toBe(false);
  });
});

describe("params", () => {
  it("http: an absolute http(s) URL or an expression", () => {
    expect(httpParamsSchema.safeParse({ url: "https://example.com/a?b=1" }).success).toBe(true);
    expect(httpParamsSchema.safeParse({ url: "{% 'https://x/' & $input.id %}" }).success).toBe(true);
    expect(httpParamsSchema.safeParse({ url: "ftp://example.com" }).success).toBe(false);
    expect(httpParamsSchema.safeParse({ url: "/relative" }).success).toBe(false);
    expect(httpParamsSchema.safeParse({ url: "https://x", method: "get" }).success).toBe(false);
    expect(httpParamsSchema.safeParse({ url: "https://x", successStatuses: [200, "3xx"] }).success).toBe(true);
    expect(httpParamsSchema.safeParse({ url: "https://x", successStatuses: ["2XX"] }).success).toBe(false);
    expect(httpParamsSchema.safeParse({ url: "https://x", successStatuses: [700] }).success).toBe(false);
  });

  it("wait: exactly one of durationMs and until", () => {
    expect(waitParamsSchema.safeParse({ durationMs: 5000 }).success).toBe(true);
    expect(waitParamsSchema.safeParse({ until: "2030-01-01T09:00:00Z" }).success).toBe(true);
    expect(waitParamsSchema.safeParse({ until: "2030-01-01T09:00:00+02:00" }).success).toBe(true);
    expect(waitParamsSchema.safeParse({ until: "{% $input.at %}" }).success).toBe(true);
    expect(waitParamsSchema.safeParse({ until: "tomorrow" }).success).toBe(false);
    expect(waitParamsSchema.safeParse({}).success).toBe(false);
    expect(waitParamsSchema.safeParse({ durationMs: 1, until: "2030-01-01T09:00:00Z" }).success).toBe(false);
    expect(waitParamsSchema.safeParse({ durationMs: -1 }).success).toBe(false);
  });

  it("map: exactly one of task and workflow; the item task is not a map, switch or terminate", () => {
    const items = [1, 2];
    expect(mapParamsSchema.safeParse({ items, workflow: { name: "child" } }).success).toBe(true);
    expect(mapParamsSchema.safeParse({ items: "{% $input.list %}", workflow: { name: "child", version: 2 } }).success).toBe(
      true,
    );
    expect(
      mapParamsSchema.safeParse({ items, task: { type: "worker", params: { taskType: "resize" }, input: "{% $item %}" } })
        .success,
    ).toBe(true);
    expect(mapParamsSchema.safeParse({ items }).success).toBe(false);
    expect(
      mapParamsSchema.safeParse({ items, workflow: { name: "c" }, task: { type: "transform", params: { output: 1 } } })
        .success,
    ).toBe(false);
    for (const type of ["map", "switch", "terminate"]) {
      expect(mapParamsSchema.safeParse({ items, task: { type, params: {} } }).success).toBe(false);
    }
    expect(mapParamsSchema.safeParse({ items: 3, workflow: { name: "c" } }).success).toBe(false);
    expect(mapParamsSchema.safeParse({ items, workflow: { name: "c" }, concurrency: 0 }).success).toBe(false);
  });

  it("documents defaults as metadata for the form generator", () => {
    expect(retryPolicySchema.shape.maximumAttempts.meta()).toMatchObject({ default: 1 });
    expect(retryPolicySchema.shape.backoff.meta()).toMatchObject({ default: "exponential" });
    expect(retryPolicySchema.shape.initialIntervalMs.meta()).toMatchObject({ default: 1000 });
    expect(retryPolicySchema.shape.backoffCoefficient.meta()).toMatchObject({ default: 2 });
    expect(httpParamsSchema.shape.method.meta()).toMatchObject({ default: "GET" });
    expect(mapParamsSchema.shape.concurrency.meta()).toMatchObject({ default: 10 });
    expect(mapParamsSchema.shape.failFast.meta()).toMatchObject({ default: false });
    expect(httpParamsSchema.shape.url.description).toMatch(/http/);
  });
});

describe("retry policy", () => {
  it("resolves every default (maximum interval: 100 × initial)", () => {
    expect(resolveRetryPolicy(undefined)).toEqual({
      maximumAttempts: 1,
      backoff: "exponential",
      initialIntervalMs: 1000,
      backoffCoefficient: 2,
      maximumIntervalMs: 100_000,
      nonRetryableErrors: [],
    });
    expect(resolveRetryPolicy({ initialIntervalMs: 50, maximumAttempts: 5, nonRetryableErrors: ["AUTH"] })).toEqual({
      maximumAttempts: 5,
      backoff: RETRY_DEFAULTS.backoff,
      initialIntervalMs: 50,
      backoffCoefficient: 2,
      maximumIntervalMs: 5000,
      nonRetryableErrors: ["AUTH"],
    });
  });

  it("rejects a maximum interval below the initial interval", () => {
    const result = retryPolicySchema.safeParse({ initialIntervalMs: 5000, maximumIntervalMs: 1000 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("maximumIntervalMs must be ≥ initialIntervalMs");
  });

  it("rejects zero attempts and unknown backoff kinds", () => {
    expect(retryPolicySchema.safeParse({ maximumAttempts: 0 }).success).toBe(false);
    expect(retryPolicySchema.safeParse({ backoff: "random" }).success).toBe(false);
  });
});
