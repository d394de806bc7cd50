import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, pathDeeperThan } from "./json-depth";

const nested = (depth: number, objects = false): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = objects ? { d: value } : [value];
  return value;
};

describe("pathDeeperThan", () => {
  it("finds nothing in values up to the limit (a top-level object or array is level 1)", () => {
    expect(pathDeeperThan(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(pathDeeperThan({ a: [1, { b: "x" }], c: null })).toBeUndefined();
    expect(pathDeeperThan("text")).toBeUndefined();
  });

  it("names the first value one level too deep, at any depth, without recursion", () => {
    expect(pathDeeperThan(nested(MAX_JSON_DEPTH + 1))).toEqual(Array(MAX_JSON_DEPTH).fill(0));
    expect(pathDeeperThan(nested(3, true), 2)).toEqual(["d", "d"]);
    expect(pathDeeperThan({ ok: [1], deep: [[[1]]] }, 2)).toEqual(["deep", 0]);
    expect(pathDeeperThan(nested(200_000), 5)).toHaveLength(5);
  });
});
