import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { getExecution, startExecution, type ExecutionView } from "@/lib/services/executions";

function task(execution: ExecutionView, taskKey: string) {
  const found = execution.tasks.find((t) => t.taskKey === taskKey && t.mapIndex === -1);
  if (!found) throw new Error(`no task ${taskKey} in ${execution.tasks.map((t) => t.taskKey).join(",")}`);
  return found;
}

describe.each(TEST_PROVIDERS)("seed scenarios run end to end on %s", (provider) => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await createEngineHarness(provider);
  });
  afterAll(async () => h?.cleanup());

  it("serial chain: extract → transform → load completes in order", async () => {
    const execution = await startExecution(h.db, { workflow: "serial-chain", waitSeconds: 20 }, "test");
    expect(execution.status).toBe("COMPLETED");
    const [extract, transform, load] = ["extract", "transform", "load"].map((k) => task(execution, k).attempts[0]!);
    expect([extract!.status, transform!.status, load!.status]).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    expect(new Date(transform!.startedAt!).getTime()).toBeGreaterThanOrEqual(new Date(extract!.endedAt!).getTime());
    expect(new Date(load!.startedAt!).getTime()).toBeGreaterThanOrEqual(new Date(transform!.endedAt!).getTime());
  });

  it("serial chain stops at the first failure", async () => {
    const execution = await startExecution(h.db, { workflow: "serial-chain", input: { failAt: "transform" }, waitSeconds: 20 }, "test");
    expect(execution.status).toBe("FAILED");
    expect(task(execution, "extract").status).toBe("COMPLETED");
    expect(task(execution, "transform").status).toBe("FAILED");
    expect(task(execution, "load").status).toBe("UPSTREAM_FAILED");
    expect(execution.error).toMatchObject({ taskKey: "transform" });
  });

  it("fan-out/fan-in: deploy runs after all four tests", async () => {
    const execution = await startExecution(h.db, { workflow: "build-test-deploy", waitSeconds: 20 }, "test");
    expect(execution.status).toBe("COMPLETED");
    const deployStart = new Date(task(execution, "deploy").attempts[0]!.startedAt!).getTime();
    for (const key of ["test_1", "test_2", "test_3", "test_4"]) {
      const attempt = task(execution, key).attempts[0]!;
      expect(attempt.status).toBe("COMPLETED");
      expect(deployStart).toBeGreaterThanOrEqual(new Date(attempt.endedAt!).getTime());
    }
  });

  it("fan-out/fan-in: a failed test leaves deploy UPSTREAM_FAILED", async () => {
    const execution = await startExecution(h.db, { workflow: "build-test-deploy", input: { failTest: "test_3" }, waitSeconds: 20 }, "test");
    expect(execution.status).toBe("FAILED");
    expect(task(execution, "test_3").status).toBe("FAILED");
    expect(task(execution, "test_3").attempts[0]!.error).toMatchObject({ message: expect.stringContaining("test_3") });
    for (const key of ["build", "test_1", "test_2", "test_4"]) expect(task(execution, key).status).toBe("COMPLETED");
    expect(task(execution, "deploy").status).toBe("UPSTREAM_FAILED");
  });

  it("parent/child map: children 2 and 4 fail, the parent returns the success/failure map", async () => {
    const execution = await startExecution(h.db, { workflow: "parent-map-children", waitSeconds: 30 }, "test");
    expect(execution.status).toBe("COMPLETED");
    const map = task(execution, "process_items");
    expect(map.status).toBe("COMPLETED");
    const output = map.attempts[0]!.output as { success: Record<string, unknown>; failure: Record<string, { message: string }> };
    expect(Object.keys(output.success).sort()).toEqual(["0", "2"]);
    expect(Object.keys(output.failure).sort()).toEqual(["1", "3"]);
    expect(output.failure["1"]!.message).toContain("item 2 is even");
    const children = await h.db.execution.findMany({ where: { parentExecutionId: execution.id } });
    expect(children).toHaveLength(4);
    expect(children.filter((c) => c.status === "FAILED")).toHaveLength(2);
    const fetched = await getExecution(h.db, execution.id);
    expect(fetched.output).toBeTruthy();
  });
});
