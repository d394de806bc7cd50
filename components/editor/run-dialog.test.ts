import { describe, expect, it } from "vitest";
import { problemsByField, readRunInput } from "./run-dialog";

describe("problemsByField", () => {
  it("puts each server problem at its form field, nested paths under their top-level field", () => {
    expect(
      problemsByField(
        [
          { path: "input.count", message: "must be >= 1" },
          { path: "input.target.host", message: "is required" },
          { path: "input.names[2]", message: "must be string" },
          { path: 'input["odd key"]', message: "must be number" },
          { path: "input.unknown", message: "is not allowed (the schema has additionalProperties: false)" },
          { path: "input", message: "must be object" },
        ],
        ["count", "target", "names", "odd key"],
      ),
    ).toEqual({
      count: ["count must be >= 1"],
      target: ["target.host is required"],
      names: ["names[2] must be string"],
      "odd key": ["odd key must be number"],
      "": ["unknown is not allowed (the schema has additionalProperties: false)", "the input must be object"],
    });
  });
});

describe("readRunInput", () => {
  const schema = { type: "object" as const, required: ["who"], properties: { who: { type: "string" }, n: { type: "integer" } } };
  it("names every field that is missing or does not parse", () => {
    expect(readRunInput(schema, { who: "", n: "{" })).toEqual({ ok: false, errors: { who: ["who is required"], n: ["n is not valid JSON"] } });
    expect(readRunInput(schema, { who: "ada", n: "3" })).toEqual({ ok: true, input: { who: "ada", n: 3 } });
  });
});
