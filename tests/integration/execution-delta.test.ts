// The monitor's live deltas on both databases (lib/services/execution-delta.ts, the stream of
// GET /api/executions/{id}/live, merged by lib/canvas/live-merge.ts): a view merged from the
// deltas of a real run — a wait, a map, a task retried and failing — equals the whole view read at
// the end, with no whole read in between; each delta carries only the tasks its events named; and a
// rerun's delta asks for a reload instead.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { mergeExecutionDeltas } from "@/lib/canvas/live-merge";
import { streamExecutionDeltas } from "@/lib/services/event-stream";
import { lastEventIdOf, type ExecutionDelta } from "@/lib/services/execution-delta";
import { getExecution, listExecutionEvents, startExecution, waitForExecutionEnd, type ExecutionView } from "@/lib/services/executions";
import { rerunExecution } from "@/lib/services/operations";
import { saveWorkflow } from "./engine-task-types.support";

/** Reads a delta stream to its `end`, calling `onDelta` as each message arrives. */
async function readDeltas(stream: ReadableStream<Uint8Array>, onDelta: (delta: ExecutionDelta, id: string) => void = () => undefined): Promise<ExecutionDelta[]> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const deltas: ExecutionDelta[] = [];
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    let ended = false;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const message = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (message.startsWith("event: end")) ended = true;
      if (!message.startsWith("id: ")) continue;
      const [idLine, dataLine] = message.split("\n");
      const delta = JSON.parse(dataLine!.slice("data: ".length)) as ExecutionDelta;
      expect(idLine).toBe(`id: ${delta.lastEventId}`);
      deltas.push(delta);
      onDelta(delta, delta.lastEventId);
    }
    if (ended) break;
  }
  await reader.cancel().catch(() => undefined);
  return deltas;
}

const slots = (view: ExecutionView) => view.tasks.map((task) => `${task.taskKey}#${task.mapIndex}`);

describe.each(TEST_PROVIDERS)("live deltas on %s", (provider) => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await createEngineHarness(provider);
  });
  afterAll(async () => h?.cleanup());

  it("a view merged from a run's deltas equals the whole view at the end; each delta holds only the tasks its events named", async () => {
    //   hold (wait 300 ms) ─┐
    //   items (map of 12) ──┼─ join (all done)      flaky: fails twice, retried, then FAILED
    const workflow = await saveWorkflow(h, "delta-run", {
      tasks: [
        { key: "hold", type: "wait", params: { durationMs: 300 } },
        { key: "items", type: "map", params: { items: "{% [1..12] %}", concurrency: 4, task: { type: "transform", params: { output: "{% $item * 2 %}" } } } },
        { key: "flaky", type: "transform", retry: { maximumAttempts: 2, initialIntervalMs: 50 }, params: { output: "{% $error('not today') %}" } },
        { key: "join", type: "transform", dependsOn: ["hold", "items"], params: { output: { done: true } } },
      ],
    });
    const started = await startExecution(h.db, { workflow, input: {} }, "test");
    // As the monitor page does: the cursor first, then the view it goes with.
    const cursor = await lastEventIdOf(h.db, started.id);
    let view = await getExecution(h.db, started.id);
    const abort = new AbortController();
    const deltas = await readDeltas(streamExecutionDeltas(h.db, started.id, cursor === null ? undefined : BigInt(cursor), abort.signal), (delta) => {
      view = mergeExecutionDeltas(view, [delta])!;
      expect(view, "no delta of a run without operations asks for a reload").not.toBeNull();
    });
    abort.abort();
    const final = await getExecution(h.db, started.id);
    expect(final.status).toBe("FAILED");
    expect(final.tasks.find((task) => task.taskKey === "flaky")!.attempts.map((a) => a.status)).toEqual(["FAILED", "FAILED"]);
    expect(slots(final)).toContain("items#11");
    expect(view).toEqual(final);

    // Each delta re-read exactly the slots its events named, nothing more.
    const events = await listExecutionEvents(h.db, started.id, cursor === null ? undefined : BigInt(cursor));
    let from = 0;
    for (const delta of deltas) {
      const upTo = events.findIndex((event) => event.id === delta.lastEventId);
      expect(upTo).toBeGreaterThanOrEqual(from);
      const named = new Set(events.slice(from, upTo + 1).flatMap((event) => (event.taskKey ? [`${event.taskKey}#${event.mapIndex ?? -1}`] : [])));
      expect(new Set(delta.tasks.map((task) => `${task.taskKey}#${task.mapIndex}`))).toEqual(named);
      from = upTo + 1;
    }
    expect(from, "the deltas cover every event").toBe(events.length);
    expect(deltas.every((delta) => delta.tasks.length < final.tasks.length), "no delta is the whole execution").toBe(true);
  });

  it("many streams of one execution share their reads: 40 monitors cost about one read a change, and all see the same deltas", async () => {
    const workflow = await saveWorkflow(h, "delta-shared", {
      tasks: Array.from({ length: 12 }, (_, i) => ({ key: `w${i}`, type: "wait", params: { durationMs: 100 + i * 40 } })),
    });
    // The real database, with its event reads counted (every stream turn starts with one).
    let eventReads = 0;
    const events = h.db.executionEvent;
    const counted = new Proxy(h.db, {
      get(target, property) {
        if (property !== "executionEvent") return Reflect.get(target, property);
        return new Proxy(events, {
          get(delegate, name) {
            const value = Reflect.get(delegate, name) as unknown;
            if (name !== "findMany" || typeof value !== "function") return value;
            return (...args: unknown[]) => {
              eventReads++;
              return (value as (...a: unknown[]) => unknown).apply(delegate, args);
            };
          },
        });
      },
    }) as typeof h.db;
    const started = await startExecution(h.db, { workflow, input: {} }, "test");
    const STREAMS = 40;
    const all = await Promise.all(Array.from({ length: STREAMS }, () => readDeltas(streamExecutionDeltas(counted, started.id, undefined, new AbortController().signal))));
    const ids = all.map((deltas) => deltas.map((delta) => delta.lastEventId).join(","));
    expect(new Set(ids).size, "every stream saw the same batches").toBe(1);
    const batches = all[0]!.length;
    expect(batches).toBeGreaterThan(3);
    // Unshared, each stream reads at least once a batch: STREAMS × batches.
    expect(eventReads).toBeLessThan(STREAMS * batches / 4);
  });

  it("from the first event, one stream builds the whole view; a rerun's delta asks for a reload", async () => {
    const workflow = await saveWorkflow(h, "delta-rerun", {
      tasks: [
        { key: "a", type: "transform", params: { output: 1 } },
        { key: "b", type: "transform", dependsOn: ["a"], params: { output: "{% $tasks.a.output + 1 %}" } },
      ],
    });
    const done = await startExecution(h.db, { workflow, input: {}, waitSeconds: 20 }, "test");
    expect(done.status).toBe("COMPLETED");
    const empty: ExecutionView = { ...done, status: "QUEUED", tasks: [] };
    const all = await readDeltas(streamExecutionDeltas(h.db, done.id, undefined, new AbortController().signal));
    expect(mergeExecutionDeltas(empty, all)).toEqual(await getExecution(h.db, done.id));

    const cursor = (await lastEventIdOf(h.db, done.id))!;
    await rerunExecution(h.db, done.id, { fromTaskKey: "b", actor: "test" });
    await waitForExecutionEnd(h.db, done.id, 20_000);
    const after = await readDeltas(streamExecutionDeltas(h.db, done.id, BigInt(cursor), new AbortController().signal));
    expect(after.length).toBeGreaterThan(0);
    expect(after[0]!.reload).toBe(true);
    expect(after[0]!.tasks).toEqual([]);
    expect(mergeExecutionDeltas(done, after)).toBeNull();
  });
});
