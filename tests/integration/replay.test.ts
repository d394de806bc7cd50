// Replay (issue 15, point 2): the state at the last event of the history, folded by
// lib/canvas/replay.ts, equals what the engine persisted (the live view's tasks and attempts), for
// real runs on both databases: retries and a rerun from a failed node, a map, a terminate.
//
//   build ─┬─ test_1 ─┬─ deploy        build-test-deploy with a retry policy on test_3
//          ├─ test_2 ─┤               (maximumAttempts 2): test_3 fails twice, deploy is
//          ├─ test_3 ─┤               UPSTREAM_FAILED; a rerun from test_3 with new input
//          └─ test_4 ─┘               completes it.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { getExecution, listExecutionEvents, startExecution, waitForExecutionEnd, type ExecutionView } from "@/lib/services/executions";
import { rerunExecution, terminateExecution } from "@/lib/services/operations";
import { createReplay, type ReplayMoment } from "@/lib/canvas/replay";
import { indexTasks, overlayFor } from "@/lib/canvas/execution-overlay";

const buildTestDeploy = JSON.parse(readFileSync("examples/build-test-deploy.json", "utf8")) as { name: string; tasks: { key: string; retry?: unknown }[] };
const withRetries = {
  ...buildTestDeploy,
  name: "replay-btd-retries",
  tasks: buildTestDeploy.tasks.map((task) => (task.key === "test_3" ? { ...task, retry: { maximumAttempts: 2, initialIntervalMs: 30 } } : task)),
};
const holdWorkflow = {
  name: "replay-hold",
  tasks: [
    { key: "first", type: "transform", params: { output: { ok: true } } },
    { key: "hold", type: "wait", dependsOn: ["first"], params: { durationMs: 600_000 } },
    { key: "after", type: "transform", dependsOn: ["hold"], params: { output: { done: true } } },
  ],
};

/** What the graph and the inspector show of the tasks: statuses, attempts and their stamps. */
function shapeOf(tasks: ExecutionView["tasks"] | ReplayMoment["tasks"]) {
  return tasks.map((task) => ({
    taskKey: task.taskKey,
    mapIndex: task.mapIndex,
    status: task.status,
    attempts: task.attempts.map((a) => ({ id: a.id, attempt: a.attempt, status: a.status, scheduledAt: a.scheduledAt, startedAt: a.startedAt, endedAt: a.endedAt, childExecutionId: a.childExecutionId })),
  }));
}

async function replayOf(h: EngineHarness, executionId: string) {
  const events = await listExecutionEvents(h.db, executionId, undefined, 100_000);
  return { events, replay: createReplay(events, { checkpointEvery: 4 }) };
}

/** The last moment equals the persisted execution, for the task list and for every node's overlay. */
async function expectFinalEqualsLive(h: EngineHarness, executionId: string, keys: string[]) {
  const live = await getExecution(h.db, executionId);
  const { replay } = await replayOf(h, executionId);
  const last = replay.stateAt(replay.length);
  expect(shapeOf(last.tasks)).toEqual(shapeOf(live.tasks));
  expect({ status: last.executionStatus, startedAt: last.startedAt, endedAt: last.endedAt }).toEqual({ status: live.status, startedAt: live.startedAt, endedAt: live.endedAt });
  const now = Date.parse("2030-01-01T00:00:00Z");
  for (const key of keys) expect(overlayFor(key, indexTasks(last.tasks), 2, now)).toEqual(overlayFor(key, indexTasks(live.tasks), 2, now));
  return { live, replay };
}

const statusAt = (moment: ReplayMoment, taskKey: string) => moment.tasks.find((t) => t.taskKey === taskKey && t.mapIndex === -1)?.status ?? "PENDING";

describe.each(TEST_PROVIDERS)("replay of real executions on %s", (provider) => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await createEngineHarness(provider);
    await h.save(withRetries);
    await h.save(holdWorkflow);
  });
  afterAll(async () => h?.cleanup());

  it("retries and a rerun from the failed test: every moment is explained, the last one is the live view", async () => {
    const started = await startExecution(h.db, { workflow: withRetries.name, input: { failTest: "test_3" }, waitSeconds: 20 }, "test");
    expect(started.status).toBe("FAILED");
    const failedAt = (await listExecutionEvents(h.db, started.id, undefined, 100_000)).length;
    const keys = buildTestDeploy.tasks.map((t) => t.key);
    // Before the rerun: the final state is the failed run.
    await expectFinalEqualsLive(h, started.id, keys);

    await rerunExecution(h.db, started.id, { actor: "carol", reason: "fixed", fromTaskKey: "test_3", input: { branch: "main", failTest: "" } });
    expect(await waitForExecutionEnd(h.db, started.id, 20_000, 25)).toBe("COMPLETED");
    const { live, replay } = await expectFinalEqualsLive(h, started.id, keys);
    expect(live.tasks.find((t) => t.taskKey === "test_3")!.attempts).toHaveLength(1);

    const { events } = await replayOf(h, started.id);
    const at = (predicate: (e: (typeof events)[number]) => boolean) => replay.stateAt(events.findIndex(predicate) + 1);
    // The first failure of test_3: attempt 1 FAILED, deploy not reached.
    const firstFailure = at((e) => e.type === "TASK_FAILED" && e.taskKey === "test_3");
    expect(firstFailure.tasks.find((t) => t.taskKey === "test_3")!.attempts.map((a) => a.status)).toEqual(["FAILED"]);
    expect(firstFailure.tasks.find((t) => t.taskKey === "test_3")!.attempts[0]!.error).toMatchObject({ message: expect.stringContaining("test_3") });
    expect(statusAt(firstFailure, "deploy")).toBe("PENDING");
    // Its retry: attempt 2 waits for its backoff.
    const retry = at((e) => e.type === "TASK_RETRY_SCHEDULED" && e.taskKey === "test_3");
    expect(retry.tasks.find((t) => t.taskKey === "test_3")!.attempts.map((a) => [a.attempt, a.status])).toEqual([[1, "FAILED"], [2, "RETRYING"]]);
    expect(overlayFor("test_3", indexTasks(retry.tasks), 2, 0)).toMatchObject({ status: "RETRYING", attempt: 2, maxAttempts: 2 });
    // The end of the first run: what the live view showed then.
    const endOfRun = replay.stateAt(failedAt);
    expect(endOfRun.executionStatus).toBe("FAILED");
    expect(Object.fromEntries(keys.map((k) => [k, statusAt(endOfRun, k)]))).toEqual({ build: "COMPLETED", test_1: "COMPLETED", test_2: "COMPLETED", test_3: "FAILED", test_4: "COMPLETED", deploy: "UPSTREAM_FAILED" });
    expect(endOfRun.tasks.find((t) => t.taskKey === "test_3")!.attempts).toHaveLength(2);
    // Right after the rerun's resets: test_3 and deploy are not reached, the execution runs again.
    const lastReset = events.map((e) => e.type).lastIndexOf("TASK_RESET") + 1;
    const reset = replay.stateAt(lastReset);
    expect(reset.executionStatus).toBe("RUNNING");
    expect([statusAt(reset, "test_3"), statusAt(reset, "deploy"), statusAt(reset, "build")]).toEqual(["PENDING", "PENDING", "COMPLETED"]);
    // Every checkpoint boundary and the moments between agree with a fold from scratch.
    const scratch = createReplay(events, { checkpointEvery: 1_000_000 });
    for (let n = 0; n <= events.length; n++) expect(replay.stateAt(n)).toEqual(scratch.stateAt(n));
    expect(replay.countUpTo(events[2]!.id)).toBe(3);
  });

  it("a map with failing children, and an operator's terminate (never-reached tasks cancelled)", async () => {
    const map = await startExecution(h.db, { workflow: "parent-map-children", waitSeconds: 30 }, "test");
    expect(map.status).toBe("COMPLETED");
    const { live } = await expectFinalEqualsLive(h, map.id, ["process_items"]);
    expect(live.tasks.filter((t) => t.mapIndex >= 0).length).toBeGreaterThan(0);

    const held = await startExecution(h.db, { workflow: holdWorkflow.name }, "test");
    await expect.poll(async () => (await getExecution(h.db, held.id)).tasks.find((t) => t.taskKey === "hold")?.status, { timeout: 10_000 }).toBe("WAITING");
    await expectFinalEqualsLive(h, held.id, ["first", "hold", "after"]);
    await terminateExecution(h.db, held.id, { actor: "dave", reason: "enough" });
    const { replay } = await expectFinalEqualsLive(h, held.id, ["first", "hold", "after"]);
    const last = replay.stateAt(replay.length);
    expect([statusAt(last, "hold"), statusAt(last, "after"), last.executionStatus]).toEqual(["CANCELLED", "CANCELLED", "TERMINATED"]);
  });
});
