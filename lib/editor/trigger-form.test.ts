import { describe, expect, it } from "vitest";
import {
  addTrigger,
  moveTrigger,
  newTrigger,
  readTriggers,
  removeTrigger,
  setTriggerField,
  triggerFields,
  triggerPath,
  triggersValue,
  uniqueTriggerKey,
  type DraftTrigger,
} from "@/lib/editor/trigger-form";
import { placeIssues, issuesAt } from "@/lib/editor/issues";
import { validateDefinition, TRIGGER_DEFAULTS, OVERLAP_POLICIES, ENDED_EXECUTION_STATUSES } from "@/lib/workflow";
import type { DraftDefinition } from "@/lib/editor/document";

describe("triggerFields (generated from the trigger schemas)", () => {
  it("a schedule's fields, kinds, enums and defaults come from scheduleTriggerSchema", () => {
    const fields = triggerFields("schedule");
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ["key", "text"],
      ["description", "text"],
      ["enabled", "boolean"],
      ["cron", "text"],
      ["every", "text"],
      ["timezone", "text"],
      ["start", "text"],
      ["end", "text"],
      ["input", "json"],
      ["overlap", "select"],
      ["catchUp", "select"],
      ["catchUpLimit", "integer"],
      ["jitterMs", "integer"],
    ]);
    expect(fields.find((f) => f.name === "key")).toMatchObject({ required: true, expression: false, description: expect.stringContaining("webhook's URL") });
    expect(fields.find((f) => f.name === "timezone")).toMatchObject({ default: TRIGGER_DEFAULTS.timezone, description: expect.stringContaining("IANA") });
    expect(fields.find((f) => f.name === "overlap")).toMatchObject({ options: [...OVERLAP_POLICIES], default: "allow" });
    expect(fields.find((f) => f.name === "jitterMs")!.label).toBe("Jitter (ms)");
  });

  it("a webhook's and a workflow event's fields; a list of statuses is a multiple choice", () => {
    expect(triggerFields("webhook").map((f) => f.name)).toEqual(["key", "description", "enabled", "input", "respond", "waitSeconds", "maxBodyBytes", "idempotencyWindowSeconds"]);
    const workflow = triggerFields("workflow");
    expect(workflow.find((f) => f.name === "workflow")).toMatchObject({ kind: "text", required: true });
    expect(workflow.find((f) => f.name === "status")).toMatchObject({ kind: "multiselect", options: [...ENDED_EXECUTION_STATUSES] });
  });
});

describe("readTriggers", () => {
  it("reads what the form can show", () => {
    expect(readTriggers(undefined)).toEqual({ ok: true, triggers: [] });
    const triggers = [{ type: "schedule", key: "nightly", cron: "0 2 * * *" }, { type: "workflow", key: "after", workflow: "build", status: ["FAILED"] }];
    expect(readTriggers(triggers)).toEqual({ ok: true, triggers });
  });

  it("refuses what it cannot show, saying why (the designer then edits JSON)", () => {
    expect(readTriggers({ type: "schedule" })).toEqual({ ok: false, reason: "triggers is not a list" });
    expect(readTriggers([42])).toEqual({ ok: false, reason: "trigger 1 is not an object" });
    expect(readTriggers([{ type: "cron", key: "x" }])).toMatchObject({ ok: false, reason: expect.stringContaining("no known type") });
    expect(readTriggers([{ type: "webhook", key: "x", cron: "* * * * *" }])).toEqual({ ok: false, reason: 'trigger 1 has a field the form does not know: "cron"' });
  });
});

describe("trigger list edits", () => {
  const schedule: DraftTrigger = { type: "schedule", key: "nightly", cron: "0 2 * * *" };

  it("adds a valid schedule and a webhook with free keys", () => {
    const one = addTrigger([], "schedule");
    expect(one).toEqual([schedule]);
    const two = addTrigger(addTrigger(one, "schedule"), "webhook");
    expect(two.map((t) => t.key)).toEqual(["nightly", "nightly-2", "hook"]);
    const draft: DraftDefinition = { name: "w", tasks: [{ key: "t", type: "transform", params: { output: 1 } }], triggers: two };
    expect(validateDefinition(draft)).toMatchObject({ ok: true });
  });

  it("a workflow event starts with its required workflow empty (validation names it)", () => {
    expect(newTrigger("workflow", [])).toEqual({ type: "workflow", key: "after", workflow: "" });
  });

  it("sets and removes fields, removes and moves triggers, without touching the input", () => {
    const list: DraftTrigger[] = [schedule, { type: "webhook", key: "deploy" }];
    const edited = setTriggerField(list, 0, "timezone", "Europe/Berlin");
    expect(edited[0]).toEqual({ ...schedule, timezone: "Europe/Berlin" });
    expect(list[0]).toEqual(schedule);
    expect(setTriggerField(edited, 0, "timezone", undefined)[0]).toEqual(schedule);
    expect(removeTrigger(list, 0)).toEqual([list[1]]);
    expect(moveTrigger(list, 1, -1)).toEqual([list[1], list[0]]);
    expect(moveTrigger(list, 0, -1)).toEqual(list);
    expect(triggersValue([])).toBeUndefined();
  });

  it("keys are slugs", () => {
    expect(uniqueTriggerKey("my hook!", [])).toBe("my-hook-");
    expect(uniqueTriggerKey("hook", ["hook", "hook-2"])).toBe("hook-3");
  });
});

describe("trigger problems at their fields", () => {
  it("a bad cron is placed at triggers[0].cron, a schedule without one at the trigger", () => {
    const draft: DraftDefinition = {
      name: "w",
      tasks: [{ key: "t", type: "transform", params: { output: 1 } }],
      triggers: [{ type: "schedule", key: "a", cron: "nope" }, { type: "schedule", key: "b" }],
    };
    const result = validateDefinition(draft);
    const placed = placeIssues(draft, result.ok ? [] : result.errors);
    expect(issuesAt(placed, undefined, triggerPath(0, "cron")).map((i) => i.message)).toEqual([expect.stringContaining("cron must have 5 fields")]);
    expect(placed.filter((i) => i.field === triggerPath(1)).map((i) => i.message)).toEqual(["a schedule needs exactly one of cron or every"]);
  });
});
