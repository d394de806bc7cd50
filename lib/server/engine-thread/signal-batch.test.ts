import { describe, expect, it } from "vitest";
import { signalBatcher } from "./signal-batch";

describe("signalBatcher", () => {
  it("sends the signals of one turn as one batch, each once, in order of first appearance", async () => {
    const sent: string[][] = [];
    const signal = signalBatcher((items) => void sent.push(items));
    for (const item of ["e1", "*", "e1", "!e1", "@5"]) signal(item);
    expect(sent).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([["e1", "*", "!e1", "@5"]]);
    signal("e2");
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([["e1", "*", "!e1", "@5"], ["e2"]]);
  });
});
