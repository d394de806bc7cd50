import { describe, expect, it } from "vitest";
import { rerunAvailability, retryAvailability, snapshotsOf } from "./available-operations";
import { run, task, workflow } from "./testing";

//   a ─ b ─ c
const chain = workflow([task("a"), task("b", { dependsOn: ["a"] }), task("c", { dependsOn: ["b"] })]);

describe("retryAvailability", () => {
  it("offers Retry failed only when a task failed, timed out or was cancelled", () => {
    expect(retryAvailability(chain, "FAILED", [run("a", "COMPLETED"), run("b", "FAILED"), run("c", "UPSTREAM_FAILED")])).toEqual({ ok: true });
    expect(retryAvailability(chain, "TERMINATED", [run("a", "CANCELLED"), run("b", "CANCELLED"), run("c", "CANCELLED")])).toEqual({ ok: true });
    // A workflow that failed by its output mapping, with every task completed: nothing to retry.
    expect(retryAvailability(chain, "FAILED", [run("a", "COMPLETED"), run("b", "COMPLETED"), run("c", "COMPLETED")])).toEqual({ ok: false, why: "no task failed, timed out or was cancelled" });
  });

  it("is not offered for a running, paused or completed execution", () => {
    for (const status of ["RUNNING", "PAUSED", "QUEUED", "COMPLETED"]) expect(retryAvailability(chain, status, [run("a", "FAILED")]).ok).toBe(false);
  });
});

describe("rerunAvailability", () => {
  const failedB = [run("a", "COMPLETED"), run("b", "FAILED"), run("c", "UPSTREAM_FAILED")];
  it("offers a rerun from a task whose upstream completed", () => {
    expect(rerunAvailability(chain, "FAILED", failedB, "b")).toEqual({ ok: true });
    expect(rerunAvailability(chain, "FAILED", failedB, "a")).toEqual({ ok: true });
  });

  it("says why not from a task below a failure, while running, or with live tasks", () => {
    expect(rerunAvailability(chain, "FAILED", failedB, "c")).toEqual({ ok: false, why: "cannot rerun from c: its upstream task b is FAILED; retry the execution or rerun from b instead" });
    expect(rerunAvailability(chain, "RUNNING", failedB, "b")).toEqual({ ok: false, why: "pause or wait for the execution to end first" });
    expect(rerunAvailability(chain, "PAUSED", [run("a", "COMPLETED"), run("b", "RUNNING")], "a")).toEqual({ ok: false, why: "tasks are still active (b)" });
  });
});

describe("snapshotsOf", () => {
  it("reads the view's attempts as snapshots", () => {
    expect(
      snapshotsOf([{ taskKey: "a", mapIndex: -1, attempts: [{ attempt: 1, status: "FAILED", output: null, nextRunAt: "2026-01-01T00:00:00.000Z" }, { attempt: 2, status: "COMPLETED", output: { n: 1 }, nextRunAt: null }] }]),
    ).toEqual([
      { taskKey: "a", mapIndex: -1, attempt: 1, status: "FAILED", output: null, nextRunAt: new Date("2026-01-01T00:00:00.000Z") },
      { taskKey: "a", mapIndex: -1, attempt: 2, status: "COMPLETED", output: { n: 1 }, nextRunAt: null },
    ]);
  });
});
