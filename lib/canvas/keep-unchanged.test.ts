import { describe, expect, it } from "vitest";
import { keepUnchanged, sameContent } from "@/lib/canvas/keep-unchanged";

const node = (id: string, x: number, selected = false) => ({ id, position: { x, y: 0 }, selected, data: { label: id, tags: ["a"] } });

describe("keepUnchanged", () => {
  it("keeps the previous object of every element equal in content, and a new one for a changed element", () => {
    const before = [node("a", 0), node("b", 10), node("c", 20)];
    const after = keepUnchanged(before, [node("a", 0), node("b", 10, true), node("c", 20)]);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[1]!.selected).toBe(true);
    expect(after[2]).toBe(before[2]);
  });

  it("hands back the previous array when nothing changed, and a new one when an element is added or removed", () => {
    const before = [node("a", 0), node("b", 10)];
    expect(keepUnchanged(before, [node("a", 0), node("b", 10)])).toBe(before);
    const added = keepUnchanged(before, [node("a", 0), node("b", 10), node("c", 20)]);
    expect(added).not.toBe(before);
    expect(added[0]).toBe(before[0]);
    const removed = keepUnchanged(before, [node("b", 10)]);
    expect(removed).toEqual([before[1]]);
    expect(removed[0]).toBe(before[1]);
  });

  it("compares nested data deeply", () => {
    expect(sameContent({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameContent({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe(false);
    expect(sameContent({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameContent([1], { 0: 1 })).toBe(false);
  });
});
