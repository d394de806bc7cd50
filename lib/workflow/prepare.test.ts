import { describe, expect, it } from "vitest";
import { prepareDefinition } from "./prepare";

const definition = { name: "with-schema", tasks: [{ key: "a", type: "transform", params: { output: 1 } }] };

describe("prepareDefinition", () => {
  it("accepts a file's $schema for its editor, and stores neither it nor a version", () => {
    const withSchema = prepareDefinition({ $schema: "https://flowdeck.example/schema/workflow.json", version: 4, ...definition }, 100);
    const without = prepareDefinition(definition, 100);
    expect(withSchema.status).toBe("valid");
    if (withSchema.status !== "valid" || without.status !== "valid") throw new Error("expected both valid");
    expect(withSchema.canonicalText).toBe(without.canonicalText);
    expect(withSchema.definition).not.toHaveProperty("$schema");
    expect(withSchema.canonicalText).not.toContain("$schema");
  });

  it("names a $schema that is not a string", () => {
    const result = prepareDefinition({ $schema: 42, ...definition }, 100);
    expect(result).toMatchObject({ status: "invalid", errors: [{ path: "$schema" }] });
  });
});
