// shell tasks end to end on both databases: off by default (with a message saying how to enable
// them), and, in an engine that enables them, a command's output, exit code and timeout.
import { tmpdir } from "node:os";
import { realpathSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PROVIDERS } from "../helpers/db";
import { createEngineHarness, type EngineHarness } from "../helpers/engine";
import { Engine } from "@/lib/runtime/engine";
import { eventsOf, ms, run, taskOf, typesOf } from "./engine-task-types.support";
import { listTaskLogs } from "@/lib/services/task-logs";

const node = process.execPath;

describe.each(TEST_PROVIDERS)("shell tasks on %s", (provider) => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await createEngineHarness(provider);
  });
  afterAll(async () => h?.cleanup());

  it("are off by default: FAILED with SHELL_DISABLED and how to enable them; nothing runs", async () => {
    const execution = await run(h, "shell-off", {
      tasks: [{ key: "cmd", type: "shell", params: { command: node, args: ["-e", "process.exit(0)"] }, retry: { maximumAttempts: 2, initialIntervalMs: 10, nonRetryableErrors: ["SHELL_DISABLED"] } }],
    });
    expect(execution.status).toBe("FAILED");
    const task = taskOf(execution, "cmd");
    expect(task.attempts).toHaveLength(1);
    expect(task.attempts[0]!.error).toMatchObject({ code: "SHELL_DISABLED", message: expect.stringContaining("FLOWDECK_ENABLE_SHELL=true") });
    expect(task.attempts[0]!.output).toBeNull();
  });

  it("go to an engine that may run them when one shares the database, never to the web server's", async () => {
    const shellWorker = new Engine(h.db, provider, { shellEnabled: true, pollIntervalMs: 25, timerIntervalMs: 20, engineId: "shell-worker" });
    shellWorker.start();
    try {
      const execution = await run(h, "shell-mixed", {
        tasks: Array.from({ length: 4 }, (_, i) => ({
          key: `c${i}`,
          type: "shell",
          params: { command: node, args: ["-e", `console.log(${i})`] },
          ...(i > 0 ? { dependsOn: [`c${i - 1}`] } : {}),
        })),
      });
      expect(execution.status).toBe("COMPLETED");
      for (const task of execution.tasks) expect(task.attempts.map((a) => a.worker)).toEqual(["shell-worker"]);
    } finally {
      await shellWorker.stop();
    }
  });

  describe("in an engine with shellEnabled", () => {
    let shellEngine: Engine;
    beforeAll(async () => {
      await h.engine.stop();
      shellEngine = new Engine(h.db, provider, { shellEnabled: true, pollIntervalMs: 25, timerIntervalMs: 20 });
      shellEngine.start();
    });
    afterAll(async () => shellEngine?.stop());

    it("runs a command (no shell), with expression args, env and cwd, capturing stdout and stderr", async () => {
      const script = "console.log(JSON.stringify({ who: process.argv[1], greeting: process.env.GREETING, cwd: process.cwd() })); console.error('a warning')";
      const execution = await run(h, "shell-ok", {
        tasks: [
          {
            key: "cmd",
            type: "shell",
            params: { command: node, args: ["-e", script, "{% $input.who %}"], env: { GREETING: "{% 'hello ' & $input.who %}" }, cwd: tmpdir() },
          },
          { key: "parse", type: "transform", dependsOn: ["cmd"], params: { output: "{% $eval($tasks.cmd.output.stdout) %}" } },
        ],
      }, { who: "Ada; rm -rf /" });
      expect(execution.status).toBe("COMPLETED");
      const attempt = taskOf(execution, "cmd").attempts[0]!;
      const output = attempt.output as { exitCode: number; stdout: string; stderr: string };
      expect(output.exitCode).toBe(0);
      expect(JSON.parse(output.stdout)).toEqual({ who: "Ada; rm -rf /", greeting: "hello Ada; rm -rf /", cwd: realpathSync(tmpdir()) });
      expect(output.stderr).toBe("a warning\n");
      // Its log: each line of each stream, in the order they arrived per stream.
      const { lines } = await listTaskLogs(h.db, execution.id, { taskRunId: attempt.id });
      expect(lines.filter((l) => l.stream === "stdout").map((l) => l.message)).toEqual([output.stdout.trimEnd()]);
      expect(lines.filter((l) => l.stream === "stderr").map((l) => [l.level, l.message])).toEqual([["warn", "a warning"]]);
      expect(attempt.logBytes).toBe(Buffer.byteLength(output.stdout.trimEnd() + "a warning"));
      expect(taskOf(execution, "parse").attempts[0]!.output).toMatchObject({ who: "Ada; rm -rf /" });
      const events = await eventsOf(h.db, execution.id);
      expect(typesOf(events, "cmd")).toEqual(["TASK_SCHEDULED", "TASK_STARTED", "TASK_COMPLETED"]);
    });

    it("a non-zero exit fails with EXIT_<n> and the end of stderr", async () => {
      const execution = await run(h, "shell-exit", {
        tasks: [{ key: "cmd", type: "shell", params: { command: node, args: ["-e", "console.error('disk full'); process.exit(3)"] } }],
      });
      expect(execution.status).toBe("FAILED");
      const attempt = taskOf(execution, "cmd").attempts[0]!;
      expect(attempt.status).toBe("FAILED");
      expect(attempt.error).toMatchObject({ code: "EXIT_3", message: expect.stringContaining("disk full"), details: { exitCode: 3 } });
    });

    it("timeoutMs kills the command: FAILED with TIMEOUT", async () => {
      const execution = await run(h, "shell-timeout", {
        tasks: [{ key: "cmd", type: "shell", params: { command: node, args: ["-e", "setTimeout(() => {}, 30000)"], timeoutMs: 300 } }],
      });
      expect(execution.status).toBe("FAILED");
      const attempt = taskOf(execution, "cmd").attempts[0]!;
      expect(attempt.error).toMatchObject({ code: "TIMEOUT", message: expect.stringContaining("300 ms") });
      expect(ms(attempt.endedAt) - ms(attempt.startedAt)).toBeGreaterThanOrEqual(300);
    });

    it("a timeout also kills what the command started (a grandchild holding the output open)", async () => {
      const marker = `flowdeck-grandchild-${provider}-${Date.now()}`;
      const script = `require("child_process").spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)", "${marker}"], { stdio: "inherit" }); setTimeout(() => {}, 30000)`;
      const execution = await run(h, "shell-grandchild", {
        tasks: [{ key: "cmd", type: "shell", params: { command: node, args: ["-e", script], timeoutMs: 400 } }],
      });
      expect(execution.status).toBe("FAILED");
      expect(taskOf(execution, "cmd").attempts[0]!.error).toMatchObject({ code: "TIMEOUT" });
      // The whole process group is gone, the grandchild included.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { execFileSync } = await import("node:child_process");
      const survivors = execFileSync("ps", ["-eo", "args"]).toString().split("\n").filter((line) => line.includes(marker));
      expect(survivors).toEqual([]);
    });

    it("a command that cannot start fails with SPAWN_FAILED", async () => {
      const execution = await run(h, "shell-missing", { tasks: [{ key: "cmd", type: "shell", params: { command: "/nonexistent/flowdeck-no-such-binary" } }] });
      expect(execution.status).toBe("FAILED");
      expect(taskOf(execution, "cmd").attempts[0]!.error).toMatchObject({ code: "SPAWN_FAILED" });
    });
  });
});
