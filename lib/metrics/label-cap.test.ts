import { describe, expect, it } from "vitest";
import { LabelCap, OTHER_LABEL } from "./label-cap";

describe("LabelCap", () => {
  it("keeps the first max distinct values and counts every later one as _other", () => {
    const cap = new LabelCap(2);
    expect(cap.value("a")).toBe("a");
    expect(cap.value("b")).toBe("b");
    expect(cap.value("c")).toBe(OTHER_LABEL);
    expect(cap.value("a")).toBe("a");
    expect(cap.value("d")).toBe(OTHER_LABEL);
    expect(cap.size).toBe(2);
  });
});
