import { afterEach, describe, expect, it } from "vitest";
import { addRemoteSignal, announceExecutionEnded, announceTimer, engineBus, relayRemoteSignal, wakeEngine } from "./bus";

describe("the bus's remote signals", () => {
  const removals: (() => void)[] = [];
  afterEach(() => {
    for (const remove of removals.splice(0)) remove();
    engineBus.removeAllListeners();
  });

  it("sends every announcement to each remote, and a relayed one to the others, never back", () => {
    const a: string[] = [];
    const b: string[] = [];
    const toA = (item: string) => void a.push(item);
    removals.push(addRemoteSignal(toA), addRemoteSignal((item) => void b.push(item)));
    wakeEngine();
    announceExecutionEnded("e1");
    announceTimer(new Date(1_700_000_000_000));
    expect(a).toEqual(["*", "!e1", "@1700000000000"]);
    relayRemoteSignal("e2", toA);
    expect(a).toHaveLength(3);
    expect(b).toEqual(["*", "!e1", "@1700000000000", "e2"]);
  });

  it("turns a relayed signal into the same local events", () => {
    const seen: string[] = [];
    engineBus.on("wake", () => void seen.push("wake"));
    engineBus.on("executionChanged", (id) => void seen.push(`changed ${id}`));
    engineBus.on("executionEnded", (id) => void seen.push(`ended ${id}`));
    engineBus.on("timerAt", (at) => void seen.push(`timer ${at}`));
    for (const item of ["*", "x1", "!x2", "@1234", "@not-a-time"]) relayRemoteSignal(item);
    expect(seen).toEqual(["wake", "changed x1", "changed x2", "ended x2", "timer 1234"]);
  });
});
