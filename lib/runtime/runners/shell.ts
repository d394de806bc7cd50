import { spawn } from "node:child_process";
import type { ExpressionContext } from "@/lib/workflow/expressions";
import { evaluateTemplate } from "@/lib/pool/evaluate";
import type { AttemptOutcome } from "@/lib/runtime/state";
import { errorOf, expressionError } from "@/lib/runtime/runners/error-of";

/** Most output kept per stream. */
const MAX_CAPTURE = 256 * 1024;

type ShellParams = { command: string; args?: string[]; cwd?: string; env?: Record<string, string>; timeoutMs?: number };

/**
 * Runs a command without a shell (no interpolation), with a timeout, capturing stdout and stderr.
 * Only ever called where shell tasks are enabled (FLOWDECK_ENABLE_SHELL=true); never by default.
 * Output: { exitCode, stdout, stderr }; a non-zero exit fails with code EXIT_<n>. Each chunk of
 * output is also handed to `onOutput` as it arrives (the attempt's live log, lib/runtime/log-sink.ts).
 */
export async function runShellTask(
  rawParams: Record<string, unknown>,
  context: ExpressionContext,
  taskKey: string,
  onOutput: (stream: "stdout" | "stderr", chunk: string) => void = () => {},
): Promise<{ outcome: AttemptOutcome }> {
  const evaluated = await evaluateTemplate(rawParams, context, { basePath: `tasks.${taskKey}.params` });
  if (!evaluated.ok) return { outcome: { status: "FAILED", error: expressionError(evaluated.error) } };
  const params = evaluated.value as ShellParams;
  const timeoutMs = params.timeoutMs ?? 60_000;
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    // Its own process group, so a timeout kills what the command started too (a grandchild that
    // kept our pipes open would otherwise keep this attempt — and an engine slot — forever).
    const child = spawn(params.command, (params.args ?? []).map(String), {
      cwd: params.cwd,
      env: { ...process.env, ...(params.env ?? {}) },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let settled = false;
    const finish = (result: { outcome: AttemptOutcome }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
      child.stdout.destroy();
      child.stderr.destroy();
      finish({
        outcome: { status: "FAILED", error: errorOf("TIMEOUT", `'${params.command}' ran longer than ${timeoutMs} ms and was killed`) },
      });
    }, timeoutMs);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout = (stdout + chunk).slice(-MAX_CAPTURE);
      onOutput("stdout", chunk);
    });
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-MAX_CAPTURE);
      onOutput("stderr", chunk);
    });
    child.on("error", (error) => {
      finish({ outcome: { status: "FAILED", error: errorOf("SPAWN_FAILED", `could not run '${params.command}': ${error.message}`) } });
    });
    child.on("close", (code) => {
      if (settled || timedOut) return;
      const output = { exitCode: code, stdout, stderr };
      if (code === 0) return finish({ outcome: { status: "COMPLETED", output } });
      finish({ outcome: { status: "FAILED", error: errorOf(`EXIT_${code}`, `'${params.command}' exited with ${code}: ${stderr.slice(-500)}`, output) } });
    });
  });
}
