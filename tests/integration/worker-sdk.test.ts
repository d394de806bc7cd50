// The worker SDK as another repository uses it: packages/worker built with its own tsconfig into a
// scratch project's node_modules/@flowdeck/worker, a consumer that type-checks against the emitted
// declarations, and a consumer process (plain Node, no tsx, no path aliases) working tasks of a
// real engine: results and streamed logs, and SIGTERM that finishes a short task or releases a long
// one (WORKER_SHUTDOWN, retried) without waiting for its lease.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { startWorkerApiServer } from "../helpers/worker-api";
import { getExecution, startExecution, waitForExecutionEnd } from "@/lib/services/executions";
import { listTaskLogs } from "@/lib/services/task-logs";

const run = promisify(execFile);
const root = process.cwd();
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

const CONSUMER_TS = `import { FlowdeckWorker, FlowdeckApiError, type WorkerTask } from "@flowdeck/worker";
type Input = { n: number };
const worker = new FlowdeckWorker<Input, { twice: number }>({
  baseUrl: "http://127.0.0.1:3000",
  taskType: "t",
  handler: async (task: WorkerTask<Input>, { log }) => {
    log(\`n is \${task.input.n}\`, "info");
    return { twice: task.input.n * 2 };
  },
});
export const stopped: Promise<void> = worker.stop({ graceMs: 1000 });
export const isApiError = (e: unknown): boolean => e instanceof FlowdeckApiError && e.retryable;
`;

const CONSUMER_MJS = `import { FlowdeckWorker } from "@flowdeck/worker";
const quiet = { info: (...a) => console.error(...a), warn: (...a) => console.error(...a), error: (...a) => console.error(...a) };
const worker = new FlowdeckWorker({
  baseUrl: process.env.FLOWDECK_URL,
  taskType: process.env.TASK_TYPE,
  concurrency: 2,
  pollWaitMs: 300,
  handleSignals: true,
  shutdownGraceMs: Number(process.env.GRACE_MS),
  logger: quiet,
  handler: async (task, { log, signal }) => {
    log("working on " + task.input.n);
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, task.input.ms ?? 0);
      signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); });
    });
    return { twice: task.input.n * 2 };
  },
});
worker.start();
console.log("started");
`;

describe("the worker SDK as a package", () => {
  let scratch: string;
  let h: EngineHarness;
  let api: Awaited<ReturnType<typeof startWorkerApiServer>>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "flowdeck-sdk-"));
    const installed = join(scratch, "node_modules", "@flowdeck", "worker");
    mkdirSync(installed, { recursive: true });
    await run(process.execPath, [tsc, "-p", join(root, "packages", "worker", "tsconfig.json"), "--outDir", join(installed, "dist")]);
    cpSync(join(root, "packages", "worker", "package.json"), join(installed, "package.json"));
    writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    writeFileSync(join(scratch, "consumer.ts"), CONSUMER_TS);
    writeFileSync(join(scratch, "consumer.mjs"), CONSUMER_MJS);
    writeFileSync(
      join(scratch, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, types: [], lib: ["ES2022", "DOM"] }, files: ["consumer.ts"] }),
    );
    h = await createEngineHarness("sqlite");
    api = await startWorkerApiServer(h);
  }, 120_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await api?.close();
    await h?.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  function startConsumer(taskType: string, graceMs: number) {
    const env = { PATH: process.env.PATH ?? "", FLOWDECK_URL: api.baseUrl, TASK_TYPE: taskType, GRACE_MS: String(graceMs) } as unknown as NodeJS.ProcessEnv;
    const child = spawn(process.execPath, ["consumer.mjs"], { cwd: scratch, env, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let log = "";
    child.stderr.on("data", (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const started = new Promise<void>((resolve) => child.stdout.on("data", (d: Buffer) => d.toString().includes("started") && resolve()));
    return { child, exited, started, log: () => log };
  }

  async function saveWorkflow(name: string, taskType: string) {
    await h.save({ name, tasks: [{ key: "work", type: "worker", params: { taskType }, retry: { maximumAttempts: 2, initialIntervalMs: 1 }, timeouts: { startToCloseMs: 120_000 } }] });
  }

  it("type-checks a consumer against the built declarations, with the package's exports", async () => {
    const checked = await run(process.execPath, [tsc, "-p", join(scratch, "tsconfig.json")]).then(
      () => "ok",
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(checked).toBe("ok");
  });

  it("a consumer process works tasks: the output is the handler's, its log lines are the attempt's", async () => {
    await saveWorkflow("sdk-works", "sdk.works");
    const consumer = startConsumer("sdk.works", 5_000);
    await consumer.started;
    try {
      const execution = await startExecution(h.db, { workflow: "sdk-works", input: { n: 21 }, waitSeconds: 20 }, "test");
      expect(execution.status, consumer.log()).toBe("COMPLETED");
      expect(execution.output).toEqual({ work: { twice: 42 } });
      const attempt = execution.tasks[0]!.attempts[0]!;
      expect((await listTaskLogs(h.db, execution.id, { taskRunId: attempt.id })).lines.map((l) => l.message)).toEqual(["working on 21"]);
    } finally {
      consumer.child.kill("SIGTERM");
    }
    expect(await consumer.exited).toBe(0);
  });

  it("SIGTERM finishes a task that ends within the grace, then exits 0", async () => {
    await saveWorkflow("sdk-finish", "sdk.finish");
    const consumer = startConsumer("sdk.finish", 10_000);
    await consumer.started;
    const execution = await startExecution(h.db, { workflow: "sdk-finish", input: { n: 1, ms: 1_500 } }, "test");
    await expect.poll(async () => (await getExecution(h.db, execution.id)).tasks[0]?.status, { timeout: 10_000 }).toBe("RUNNING");
    consumer.child.kill("SIGTERM");
    expect(await consumer.exited).toBe(0);
    expect(await waitForExecutionEnd(h.db, execution.id, 10_000)).toBe("COMPLETED");
    expect(consumer.log()).toMatch(/1 completed, 0 failed, 0 dropped, 0 released/);
  });

  it("SIGTERM releases a task still running after the grace: WORKER_SHUTDOWN, retried at once, not left to its lease", async () => {
    await saveWorkflow("sdk-release", "sdk.release");
    const consumer = startConsumer("sdk.release", 300);
    await consumer.started;
    const execution = await startExecution(h.db, { workflow: "sdk-release", input: { n: 1, ms: 60_000 } }, "test");
    await expect.poll(async () => (await getExecution(h.db, execution.id)).tasks[0]?.status, { timeout: 10_000 }).toBe("RUNNING");
    const signalled = Date.now();
    consumer.child.kill("SIGTERM");
    expect(await consumer.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(consumer.log()).toMatch(/0 completed, 0 failed, 0 dropped, 1 released/);
    // The released attempt failed at once; its retry waits for a worker (none is left).
    await expect.poll(async () => (await getExecution(h.db, execution.id)).tasks[0]?.attempts.length, { timeout: 10_000 }).toBe(2);
    const [first, second] = (await getExecution(h.db, execution.id)).tasks[0]!.attempts;
    expect(first).toMatchObject({ status: "FAILED", error: { code: "WORKER_SHUTDOWN", message: expect.stringContaining("released for a retry") } });
    expect(second!.status).toBe("SCHEDULED");
  });
});
