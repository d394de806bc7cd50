import { describe, expect, it } from "vitest";
import { fieldsForSchema, labelFor, parseFieldText } from "@/lib/editor/form-fields";
import { issueCountByTask, issuesAt, placeIssues } from "@/lib/editor/issues";
import { httpParamsSchema, mapParamsSchema, retryPolicySchema, switchParamsSchema, validateDefinition } from "@/lib/workflow";
import type { DraftDefinition } from "@/lib/editor/document";

describe("fieldsForSchema", () => {
  it("reads labels, descriptions, defaults and kinds from the schema", () => {
    const fields = fieldsForSchema(httpParamsSchema);
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ["url", "text"],
      ["method", "select"],
      ["headers", "json"],
      ["query", "json"],
      ["body", "json"],
      ["timeoutMs", "integer"],
      ["successStatuses", "json"],
    ]);
    expect(fields[0]).toMatchObject({ label: "URL", required: true, expression: true });
    expect(fields[1]).toMatchObject({ default: "GET", options: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"], required: false });
    expect(fields[5]!.label).toBe("Timeout (ms)");
  });

  it("covers the retry policy and nested params", () => {
    const retry = fieldsForSchema(retryPolicySchema);
    expect(retry.find((f) => f.name === "maximumAttempts")).toMatchObject({ kind: "integer", default: 1, description: expect.stringContaining("Attempts") });
    expect(retry.find((f) => f.name === "nonRetryableErrors")!.kind).toBe("list");
    expect(fieldsForSchema(switchParamsSchema).map((f) => [f.name, f.kind])).toEqual([
      ["cases", "json"],
      ["default", "list"],
    ]);
    expect(fieldsForSchema(mapParamsSchema).find((f) => f.name === "items")).toMatchObject({ kind: "json", expression: true });
  });

  it("labels camel case names", () => {
    expect(labelFor("backoffCoefficient")).toBe("Backoff coefficient");
    expect(labelFor("startToCloseMs")).toBe("Start to close (ms)");
  });
});

describe("parseFieldText", () => {
  it("parses per kind; empty removes the field", () => {
    expect(parseFieldText("integer", "")).toEqual({ ok: true, value: undefined });
    expect(parseFieldText("integer", "3")).toEqual({ ok: true, value: 3 });
    expect(parseFieldText("integer", "3.5")).toEqual({ ok: false, message: "must be a whole number" });
    expect(parseFieldText("list", "a, b\nc")).toEqual({ ok: true, value: ["a", "b", "c"] });
    expect(parseFieldText("json", '{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseFieldText("json", "{a")).toMatchObject({ ok: false });
  });
});

describe("placeIssues", () => {
  const draft: DraftDefinition = {
    name: "Bad Name",
    tasks: [
      { key: "a", type: "http", params: { url: "nope" } },
      { key: "b", type: "transform", dependsOn: ["zz"], params: { output: 1 } },
    ],
    layout: { b: { x: 0.5, y: 0 } },
  };

  it("maps validation paths to tasks and fields", () => {
    const result = validateDefinition(draft);
    expect(result.ok).toBe(false);
    const placed = placeIssues(draft, result.ok ? [] : result.errors);
    expect(placed.find((i) => i.path === "name")).toMatchObject({ field: "name" });
    expect(placed.find((i) => i.path === "name")!.taskKey).toBeUndefined();
    expect(placed.find((i) => i.path === "tasks[0].params.url")).toMatchObject({ taskKey: "a", field: "params.url" });
    expect(issuesAt(placed, "a", "params")).toHaveLength(1);
    expect(issuesAt(placed, "b", "dependsOn")).toHaveLength(1);
    const counts = issueCountByTask(placed);
    expect(counts.get("a")).toBe(1);
    expect(counts.get("b")).toBeGreaterThanOrEqual(1);
  });

  it("places layout issues on their task", () => {
    const placed = placeIssues(draft, [{ path: 'layout["b"]', message: "m", code: "c" }, { path: "layout.b.x", message: "m", code: "c" }]);
    expect(placed.map((p) => p.taskKey)).toEqual(["b", "b"]);
  });
});
