// Task logs on both databases (lib/runtime/writes/append-logs.ts, lib/services/task-logs.ts): a
// worker's lines appended while its attempt runs and fenced by its lease, the per-attempt limit
// and its marker, a shell task's output streamed while the command still runs, search and paging,
// the live stream, and a rerun's superseded attempt keeping its lines.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { Engine } from "@/lib/runtime/engine";
import { appendLogs } from "@/lib/runtime/writes/append-logs";
import { leasedTo } from "@/lib/runtime/writes/fence";
import { getExecution, startExecution, waitForExecutionEnd } from "@/lib/services/executions";
import { ServiceError } from "@/lib/services/errors";
import { rerunExecution } from "@/lib/services/operations";
import { listTaskLogs, streamTaskLogs, type TaskLogLineView } from "@/lib/services/task-logs";
import { appendTaskLogs, completeTask, pollTasks } from "@/lib/services/workers";
import { saveWorkflow, taskOf } from "./engine-task-types.support";

const node = process.execPath;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

/** Reads a log stream to its `end` event: the lines and the end's status. */
async function readStream(stream: ReadableStream<Uint8Array>): Promise<{ lines: TaskLogLineView[]; end: unknown }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (text.includes("event: end")) break;
  }
  await reader.cancel().catch(() => undefined);
  const messages = text.split("\n\n").filter(Boolean);
  const lines = messages.filter((m) => m.startsWith("id: ")).map((m) => JSON.parse(m.split("\n").find((l) => l.startsWith("data: "))!.slice(6)) as TaskLogLineView);
  const endMessage = messages.find((m) => m.startsWith("event: end"));
  return { lines, end: endMessage ? JSON.parse(endMessage.split("\n")[1]!.slice(6)) : null };
}

describe.each(TEST_PROVIDERS)("task logs on %s", (provider) => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await createEngineHarness(provider);
  });
  afterAll(async () => h?.cleanup());

  /** Starts a one-task worker workflow and claims its attempt as `workerId`. */
  async function claimed(prefix: string, workerId: string) {
    const taskType = `logs.${prefix}`;
    const workflow = await saveWorkflow(h, prefix, { tasks: [{ key: "work", type: "worker", params: { taskType } }] });
    const execution = await startExecution(h.db, { workflow, input: {} }, "test");
    const [task] = await until("a claim", async () => {
      const tasks = await pollTasks(h.db, h.provider, { taskType, workerId, waitMs: 0 });
      return tasks.length > 0 ? tasks : null;
    });
    return { execution, task: task! };
  }

  it("a worker appends lines while its attempt runs; only the lease holder may, and only until it ends", async () => {
    const { execution, task } = await claimed("logs-worker", "w1");
    const appended = await appendTaskLogs(h.db, { taskId: task.taskId, workerId: "w1", lines: ["fetching page 1", { level: "warn", message: "slow answer" }] });
    expect(appended).toEqual({ taskId: task.taskId, kept: 2, dropped: 0, truncated: false });
    // Readable at once, while the attempt still runs.
    const running = await listTaskLogs(h.db, execution.id, { taskRunId: task.taskId });
    expect(running.lines.map((l) => [l.stream, l.level, l.message, l.taskKey, l.attempt])).toEqual([
      ["worker", "info", "fetching page 1", "work", 1],
      ["worker", "warn", "slow answer", "work", 1],
    ]);
    expect(taskOf(await getExecution(h.db, execution.id), "work").attempts[0]!.logBytes).toBe(Buffer.byteLength("fetching page 1slow answer"));

    // Another worker's lines, an unknown task, an empty or invalid body: refused, nothing stored.
    expect((await refusal(appendTaskLogs(h.db, { taskId: task.taskId, workerId: "w2", lines: ["not mine"] }))).message).toMatch(/worker w2 does not hold the lease.*these log lines was not applied/);
    expect((await refusal(appendTaskLogs(h.db, { taskId: "no-such-task", workerId: "w1", lines: ["x"] }))).httpStatus).toBe(404);
    await expect(appendTaskLogs(h.db, { taskId: task.taskId, workerId: "w1", lines: [] })).rejects.toBeInstanceOf(ZodError);
    await expect(appendTaskLogs(h.db, { taskId: task.taskId, workerId: "w1", lines: [{ message: "x".repeat(10_001) }] })).rejects.toBeInstanceOf(ZodError);

    // Lines sent with the result are appended; after the end, a late line is refused (409).
    await completeTask(h.db, { taskId: task.taskId, workerId: "w1", output: { ok: true }, logs: ["finished"] });
    expect(await waitForExecutionEnd(h.db, execution.id, 10_000)).toBe("COMPLETED");
    const late = await refusal(appendTaskLogs(h.db, { taskId: task.taskId, workerId: "w1", lines: ["too late"] }));
    expect(late.httpStatus).toBe(409);
    expect(late.message).toMatch(/is COMPLETED; these log lines was not applied/);
    const all = await listTaskLogs(h.db, execution.id, {});
    expect(all.lines.map((l) => l.message)).toEqual(["fetching page 1", "slow answer", "finished"]);
    expect(all.next).toBeNull();
  });

  it("keeps at most the attempt's limit: what fits, one marker, then drops (and counts) the rest", async () => {
    const { execution, task } = await claimed("logs-limit", "w1");
    const fence = () => leasedTo("w1", new Date());
    const line = (i: number) => ({ stream: "worker" as const, message: `${String(i).padStart(3, "0")} ${"x".repeat(96)}` }); // 100 bytes
    const first = await appendLogs(h.db, task.taskId, fence(), Array.from({ length: 15 }, (_, i) => line(i)), 2048);
    expect(first).toMatchObject({ kept: 15, dropped: 0, truncated: false, logBytes: 1500 });
    const second = await appendLogs(h.db, task.taskId, fence(), Array.from({ length: 10 }, (_, i) => line(15 + i)), 2048);
    expect(second).toMatchObject({ kept: 5, dropped: 5, truncated: true, logBytes: 2000 });
    const third = await appendLogs(h.db, task.taskId, fence(), [line(99)], 2048);
    expect(third).toMatchObject({ kept: 0, dropped: 1, truncated: true, logBytes: 2000 });
    const { lines } = await listTaskLogs(h.db, execution.id, { taskRunId: task.taskId });
    expect(lines).toHaveLength(21);
    expect(lines.slice(0, 20).map((l) => l.message.slice(0, 3))).toEqual(Array.from({ length: 20 }, (_, i) => String(i).padStart(3, "0")));
    expect(lines.filter((l) => l.truncation)).toHaveLength(1);
    expect(lines[20]).toMatchObject({ truncation: true, stream: "engine", level: "warn", message: expect.stringContaining("log limit of 2048 bytes per attempt reached") });
    // A line longer than 16 KiB is cut, and says how much was cut.
    const { task: other, execution: otherExecution } = await claimed("logs-long-line", "w1");
    await appendLogs(h.db, other.taskId, fence(), [{ stream: "worker", message: "é".repeat(10_000) }]);
    const [long] = (await listTaskLogs(h.db, otherExecution.id, {})).lines;
    expect(Buffer.byteLength(long!.message)).toBeLessThanOrEqual(16 * 1024);
    expect(long!.message).toMatch(/… \[line cut: \d+ more bytes\]$/);
    expect(long!.message).not.toContain("\uFFFD"); // never cut inside a character
  });

  it("a shell task's output is in its log while the command still runs, each line once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowdeck-logs-"));
    const gate = join(dir, "go");
    // Prints two lines, then waits for the test to open the gate, then prints a last one without a newline.
    const script = `console.log('building'); console.error('warning: cache cold'); const f = ${JSON.stringify(gate)}; const t = setInterval(() => { if (require('fs').existsSync(f)) { clearInterval(t); process.stdout.write('built'); } }, 20);`;
    await h.engine.stop();
    const shellEngine = new Engine(h.db, provider, { shellEnabled: true, pollIntervalMs: 25, timerIntervalMs: 20 });
    shellEngine.start();
    try {
      const workflow = await saveWorkflow(h, "logs-shell", { tasks: [{ key: "build", type: "shell", params: { command: node, args: ["-e", script], timeoutMs: 20_000 } }] });
      const execution = await startExecution(h.db, { workflow, input: {} }, "test");
      const live = await until("the first lines while it runs", async () => {
        const { lines } = await listTaskLogs(h.db, execution.id, { task: "build" });
        return lines.length >= 2 ? lines : null;
      });
      expect((await getExecution(h.db, execution.id)).status).toBe("RUNNING");
      expect(live.map((l) => [l.stream, l.message]).sort()).toEqual([["stderr", "warning: cache cold"], ["stdout", "building"]]);
      expect(existsSync(gate)).toBe(false);
      writeFileSync(gate, "");
      expect(await waitForExecutionEnd(h.db, execution.id, 15_000)).toBe("COMPLETED");
      const { lines } = await listTaskLogs(h.db, execution.id, {});
      expect(lines.map((l) => l.message).sort()).toEqual(["building", "built", "warning: cache cold"]);
      // The live stream of a finished execution: every line, then `end`.
      const streamed = await readStream(streamTaskLogs(h.db, execution.id, {}, undefined, new AbortController().signal));
      expect(streamed.lines.map((l) => l.id)).toEqual(lines.map((l) => l.id));
      expect(streamed.end).toEqual({ status: "COMPLETED" });
    } finally {
      await shellEngine.stop();
      h.engine.start();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("searches one execution's lines (case-insensitive), by task, in pages; the stream follows appends live", async () => {
    const { execution, task } = await claimed("logs-search", "w1");
    const lines = Array.from({ length: 30 }, (_, i) => (i % 10 === 3 ? `ERROR: disk ${i} is full` : `line ${i} ok`));
    await appendTaskLogs(h.db, { taskId: task.taskId, workerId: "w1", lines });
    const found = await listTaskLogs(h.db, execution.id, { q: "Disk" });
    expect(found.lines.map((l) => l.message)).toEqual(["ERROR: disk 3 is full", "ERROR: disk 13 is full", "ERROR: disk 23 is full"]);
    expect((await listTaskLogs(h.db, execution.id, { q: "100%_" })).lines).toEqual([]); // LIKE wildcards are text
    expect((await listTaskLogs(h.db, execution.id, { task: "other" })).lines).toEqual([]);
    const page1 = await listTaskLogs(h.db, execution.id, { limit: 20 });
    expect(page1.lines).toHaveLength(20);
    const page2 = await listTaskLogs(h.db, execution.id, { limit: 20, after: page1.next! });
    expect(page2.lines.map((l) => l.message)).toEqual(lines.slice(20));
    expect(page2.next).toBeNull();
    await expect(listTaskLogs(h.db, "no-such-execution", {})).rejects.toMatchObject({ httpStatus: 404 });

    // A live subscriber from the last line on gets the next append, then `end` when the execution ends.
    const abort = new AbortController();
    const reading = readStream(streamTaskLogs(h.db, execution.id, {}, BigInt(page2.lines.at(-1)!.id), abort.signal));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await appendTaskLogs(h.db, { taskId: task.taskId, workerId: "w1", lines: ["appended live"] });
    await completeTask(h.db, { taskId: task.taskId, workerId: "w1", output: {} });
    const streamed = await reading;
    expect(streamed.lines.map((l) => l.message)).toEqual(["appended live"]);
    expect(streamed.end).toEqual({ status: "COMPLETED" });
  });

  it("a rerun's superseded attempt keeps its lines, readable by its id", async () => {
    const { execution, task } = await claimed("logs-rerun", "w1");
    await completeTask(h.db, { taskId: task.taskId, workerId: "w1", output: {}, logs: ["first run"] });
    expect(await waitForExecutionEnd(h.db, execution.id, 10_000)).toBe("COMPLETED");
    await rerunExecution(h.db, execution.id, { fromTaskKey: "work", actor: "test" });
    const after = await getExecution(h.db, execution.id);
    const superseded = after.history.superseded.find((a) => a.id === task.taskId);
    expect(superseded).toMatchObject({ logBytes: Buffer.byteLength("first run") });
    expect((await listTaskLogs(h.db, execution.id, { taskRunId: task.taskId })).lines.map((l) => l.message)).toEqual(["first run"]);
  });
});
