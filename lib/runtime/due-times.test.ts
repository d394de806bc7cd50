import { describe, expect, it } from "vitest";
import { DueTimes } from "./due-times";

describe("DueTimes", () => {
  it("gives the earliest moment, and takes every due one at once", () => {
    const times = new DueTimes();
    for (const t of [500, 100, 300, 100, 900, 200]) times.add(t);
    expect(times.next()).toBe(100);
    expect(times.takeDue(50)).toBe(false);
    expect(times.takeDue(250)).toBe(true);
    expect(times.next()).toBe(300);
    expect(times.size).toBe(3);
    expect(times.takeDue(10_000)).toBe(true);
    expect(times.next()).toBeNull();
  });

  it("keeps heap order over many random moments", () => {
    const times = new DueTimes();
    const values = Array.from({ length: 2_000 }, (_, i) => (i * 7919) % 1_000);
    for (const v of values) times.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    const seen: number[] = [];
    while (times.next() !== null) {
      const next = times.next()!;
      seen.push(next);
      times.takeDue(next);
    }
    expect(seen).toEqual([...new Set(sorted)]);
  });

  it("keeps no more than its limit (the sweep fires the rest)", () => {
    const times = new DueTimes(3);
    for (const t of [4, 3, 2, 1]) times.add(t);
    expect(times.size).toBe(3);
    expect(times.next()).toBe(2);
  });
});
