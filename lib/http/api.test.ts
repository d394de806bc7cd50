import { describe, expect, it } from "vitest";
import { formatIssuePath } from "@/lib/http/api";

describe("formatIssuePath", () => {
  it.each([
    [[], ""],
    [["name"], "name"],
    [["tasks", 2, "params", "url"], "tasks[2].params.url"],
    [[0, "tasks", 1], "[0].tasks[1]"],
  ])("%j → %s", (path, expected) => {
    expect(formatIssuePath(path as PropertyKey[])).toBe(expected);
  });
});
