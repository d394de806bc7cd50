import { describe, expect, it } from "vitest";
import { boundFromEnv, LruCache } from "@/lib/workflow/lru";

describe("LruCache", () => {
  it("evicts the least recently used entry, and get makes an entry recent", () => {
    const cache = new LruCache<string, number>({ maxEntries: 3 });
    cache.set("a", 1).set("b", 2).set("c", 3);
    expect(cache.get("a")).toBe(1); // a is now the most recent
    cache.set("d", 4);
    expect([...cache.keys()]).toEqual(["c", "a", "d"]);
    expect(cache.has("b")).toBe(false);
    expect(cache.size).toBe(3);
  });

  it("peek does not refresh; set of a known key replaces and refreshes it", () => {
    const cache = new LruCache<string, number>({ maxEntries: 2 });
    cache.set("a", 1).set("b", 2);
    expect(cache.peek("a")).toBe(1);
    cache.set("c", 3);
    expect(cache.has("a")).toBe(false);
    cache.set("b", 20).set("d", 4);
    expect([...cache.keys()]).toEqual(["b", "d"]);
    expect(cache.get("b")).toBe(20);
  });

  it("onEvict sees the entries the bounds push out, not those the caller deletes or replaces", () => {
    const evicted: string[] = [];
    const cache = new LruCache<string, number>({ maxEntries: 2, onEvict: (value, key) => evicted.push(`${key}=${value}`) });
    cache.set("a", 1).set("b", 2).set("a", 10);
    cache.delete("b");
    expect(evicted).toEqual([]);
    cache.set("c", 3).set("d", 4);
    expect(evicted).toEqual(["a=10"]);
  });

  it("holds the weight bound, evicting as many old entries as it takes", () => {
    const cache = new LruCache<string, string>({ maxEntries: 100, maxWeight: 10, weigh: (value) => value.length });
    cache.set("a", "xxxx").set("b", "xxxx");
    expect(cache.weight).toBe(8);
    cache.set("c", "xxxxxxxx");
    expect([...cache.keys()]).toEqual(["c"]);
    expect(cache.weight).toBe(8);
    cache.delete("c");
    expect(cache.weight).toBe(0);
  });

  it("keeps no entry heavier than the whole bound", () => {
    const cache = new LruCache<string, string>({ maxEntries: 100, maxWeight: 10, weigh: (value) => value.length });
    cache.set("small", "xx").set("huge", "x".repeat(11));
    expect(cache.has("huge")).toBe(false);
    expect([...cache.keys()]).toEqual(["small"]);
  });

  it("stays within its bounds under churn", () => {
    const cache = new LruCache<number, string>({ maxEntries: 50, maxWeight: 1_000, weigh: (value) => value.length });
    for (let i = 0; i < 10_000; i++) {
      cache.set(i % 700, "y".repeat(i % 97));
      if (i % 3 === 0) cache.get((i * 7) % 700);
      expect(cache.size).toBeLessThanOrEqual(50);
      expect(cache.weight).toBeLessThanOrEqual(1_000);
    }
    let sum = 0;
    for (const key of cache.keys()) sum += cache.peek(key)!.length;
    expect(sum).toBe(cache.weight);
  });

  it("refuses a bound below one", () => {
    expect(() => new LruCache({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});

describe("boundFromEnv", () => {
  it("reads a positive integer, falls back when unset, and names the variable when it is wrong", () => {
    expect(boundFromEnv("FLOWDECK_X", 5, {})).toBe(5);
    expect(boundFromEnv("FLOWDECK_X", 5, { FLOWDECK_X: " 12 " })).toBe(12);
    expect(() => boundFromEnv("FLOWDECK_X", 5, { FLOWDECK_X: "0" })).toThrow(/FLOWDECK_X must be a positive integer; got '0'/);
    expect(() => boundFromEnv("FLOWDECK_X", 5, { FLOWDECK_X: "lots" })).toThrow(/FLOWDECK_X/);
  });
});
