import { describe, expect, it } from "vitest";
import { COALESCE_WINDOW_MS, HISTORY_LIMIT, canRedo, canUndo, createHistory, historyReducer } from "@/lib/editor/history";

describe("historyReducer", () => {
  it("undoes and redoes commits in order", () => {
    let h = createHistory("a");
    h = historyReducer(h, { type: "commit", present: "b" });
    h = historyReducer(h, { type: "commit", present: "c" });
    expect(h.present).toBe("c");
    h = historyReducer(h, { type: "undo" });
    expect(h.present).toBe("b");
    h = historyReducer(h, { type: "undo" });
    expect(h.present).toBe("a");
    expect(canUndo(h)).toBe(false);
    h = historyReducer(h, { type: "undo" });
    expect(h.present).toBe("a");
    h = historyReducer(h, { type: "redo" });
    expect(h.present).toBe("b");
    expect(canRedo(h)).toBe(true);
  });

  it("drops the redo branch on a new commit", () => {
    let h = createHistory(1);
    h = historyReducer(h, { type: "commit", present: 2 });
    h = historyReducer(h, { type: "undo" });
    h = historyReducer(h, { type: "commit", present: 3 });
    expect(canRedo(h)).toBe(false);
    expect(h.past).toEqual([1]);
  });

  it("ignores a commit of the same snapshot", () => {
    const h = createHistory({ a: 1 });
    expect(historyReducer(h, { type: "commit", present: h.present })).toBe(h);
  });

  it("coalesces typing into one field into one step", () => {
    let h = createHistory("");
    h = historyReducer(h, { type: "commit", present: "x" });
    h = historyReducer(h, { type: "commit", present: "h", coalesceKey: "url", at: 1000 });
    h = historyReducer(h, { type: "commit", present: "ht", coalesceKey: "url", at: 1200 });
    h = historyReducer(h, { type: "commit", present: "htt", coalesceKey: "url", at: 1300 });
    expect(h.past).toEqual(["", "x"]);
    h = historyReducer(h, { type: "commit", present: "http", coalesceKey: "url", at: 1300 + COALESCE_WINDOW_MS + 1 });
    expect(h.past).toEqual(["", "x", "htt"]);
    h = historyReducer(h, { type: "commit", present: "name", coalesceKey: "name", at: 1300 + COALESCE_WINDOW_MS + 2 });
    expect(h.past).toEqual(["", "x", "htt", "http"]);
    h = historyReducer(h, { type: "undo" });
    expect(h.present).toBe("http");
  });

  it("does not coalesce after an undo", () => {
    let h = createHistory("");
    h = historyReducer(h, { type: "commit", present: "a", coalesceKey: "k", at: 0 });
    h = historyReducer(h, { type: "undo" });
    h = historyReducer(h, { type: "commit", present: "b", coalesceKey: "k", at: 10 });
    expect(h.past).toEqual([""]);
  });

  it("keeps at most HISTORY_LIMIT steps", () => {
    let h = createHistory(0);
    for (let i = 1; i <= HISTORY_LIMIT + 10; i++) h = historyReducer(h, { type: "commit", present: i });
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    expect(h.past[0]).toBe(10);
  });

  it("reset forgets everything", () => {
    let h = createHistory(0);
    h = historyReducer(h, { type: "commit", present: 1 });
    h = historyReducer(h, { type: "reset", present: 5 });
    expect(h).toEqual({ past: [], present: 5, future: [] });
  });
});
