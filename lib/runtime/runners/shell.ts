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
 * Output: { exitCode, stdout, stderr }; a non-zero exit fails with code EXIT_<n>.
 */
export async function runShellTask(
  rawParams: Record<string, unknown>,
  context: ExpressionContext,
  taskKey: string,
): Promise<{ outcome: AttemptOutcome; logs?: unknown }> {
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
    const finish = (result: { outcome: AttemptOutcome; logs?: unknown }) => {
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
        logs: [...(stdout ? [{ stream: "stdout", text: stdout }] : []), ...(stderr ? [{ stream: "stderr", text: stderr }] : [])],
      });
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-MAX_CAPTURE)));
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-MAX_CAPTURE)));
    child.on("error", (error) => {
      finish({ outcome: { status: "FAILED", error: errorOf("SPAWN_FAILED", `could not run '${params.command}': ${error.message}`) } });
    });
    child.on("close", (code) => {
      if (settled) return;
      const logs = [
        ...(stdout ? [{ stream: "stdout", text: stdout }] : []),
        ...(stderr ? [{ stream: "stderr", text: stderr }] : []),
      ];
      if (timedOut) return;
      const output = { exitCode: code, stdout, stderr };
      if (code === 0) return finish({ outcome: { status: "COMPLETED", output }, logs });
      finish({ outcome: { status: "FAILED", error: errorOf(`EXIT_${code}`, `'${params.command}' exited with ${code}: ${stderr.slice(-500)}`, output) }, logs });
    });
  });
}
