import { describe, expect, it } from "vitest";
import { applyInputDefaults } from "./input-defaults";

const schema = {
  type: "object" as const,
  properties: {
    branch: { type: "string", default: "main" },
    tags: { type: "array", default: ["a"] },
    failTest: { type: "string" },
  },
};

describe("applyInputDefaults", () => {
  it("fills absent top-level fields with the schema's defaults", () => {
    expect(applyInputDefaults(schema, undefined)).toEqual({ branch: "main", tags: ["a"] });
    expect(applyInputDefaults(schema, { branch: "dev", failTest: "test_2" })).toEqual({
      branch: "dev",
      failTest: "test_2",
      tags: ["a"],
    });
  });

  it("copies defaults, so a change to the input never changes the schema", () => {
    const input = applyInputDefaults(schema, {}) as { tags: string[] };
    input.tags.push("b");
    expect(schema.properties.tags.default).toEqual(["a"]);
  });

  it("leaves input that is not an object, or a schema without properties, alone", () => {
    expect(applyInputDefaults(schema, [1])).toEqual([1]);
    expect(applyInputDefaults(undefined, { a: 1 })).toEqual({ a: 1 });
    expect(applyInputDefaults({ type: "object" }, undefined)).toBeUndefined();
  });
});
