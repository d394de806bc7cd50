// flowdeck worker --type T [--concurrency N] -- COMMAND [ARGS…]: a shell-command worker. Each
// claimed task runs COMMAND (no shell) with the task's input as JSON on stdin; its stdout, parsed
// as JSON, is the output (empty: null); stderr lines go to the attempt's logs; a non-zero exit
// fails the attempt (code EXIT_<n>, retried per the task's policy). SIGTERM/SIGINT stop polling
// and let running tasks finish (the worker SDK's FlowdeckWorker, packages/worker, does the protocol).
import { spawn } from "node:child_process";
import type { Command } from "commander";
import { FlowdeckWorker, type WorkerTask, type WorkerTaskContext } from "@/packages/worker/src";
import { WORKER_TASK_TYPE_PATTERN } from "@/lib/workflow/schema";
import { positiveInt, type GlobalOptions } from "../context";
import { CliError, EXIT, usageError } from "../exit-codes";

type WorkerOptions = { type: string; concurrency?: number; workerId?: string };

class CommandFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function runCommand(argv: string[], task: WorkerTask, context: WorkerTaskContext): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: ["pipe", "pipe", "pipe"],
      signal: context.signal,
      env: { ...process.env, FLOWDECK_TOKEN: "", FLOWDECK_TASK_ID: task.taskId, FLOWDECK_EXECUTION_ID: task.executionId, FLOWDECK_TASK_KEY: task.taskKey, FLOWDECK_ATTEMPT: String(task.attempt) },
    });
    let stdout = "";
    let stderrTail = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      stderrTail = (stderrTail + text).slice(-2000);
      for (const line of text.split("\n").filter(Boolean)) context.log(line, "warn");
    });
    child.on("error", (error) => reject(new CommandFailed("COMMAND_FAILED", `cannot run ${argv[0]}: ${error.message}`)));
    child.on("close", (code, signal) => {
      if (code !== 0) return reject(new CommandFailed(code === null ? "COMMAND_KILLED" : `EXIT_${code}`, `${argv.join(" ")} ${code === null ? `was killed (${signal})` : `exited with ${code}`}${stderrTail ? `: ${stderrTail.trim().split("\n").slice(-1)[0]}` : ""}`));
      const text = stdout.trim();
      if (text === "") return resolve(null);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new CommandFailed("OUTPUT_NOT_JSON", `${argv[0]} printed something that is not JSON on stdout; a worker command prints its output as JSON`));
      }
    });
    child.stdin.on("error", () => undefined); // the command need not read its input
    child.stdin.end(JSON.stringify(task.input ?? null));
  });
}

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("run a shell-command worker for a task type: each task runs COMMAND with its input as JSON on stdin; stdout (JSON) is the output, a non-zero exit fails it")
    .requiredOption("--type <taskType>", "the task type to poll for (a worker task's params.taskType)")
    .option("--concurrency <n>", "tasks run at once", positiveInt("--concurrency"), 1)
    .option("--worker-id <id>", "this worker's id (default: <type>-<pid>-<random>)")
    .argument("<command...>", "the program and its arguments (after --)")
    .action(async (argv: string[], options: WorkerOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const url = globals.url ?? process.env.FLOWDECK_URL;
      const token = globals.token ?? process.env.FLOWDECK_TOKEN;
      if (!url) throw usageError("no server: set FLOWDECK_URL or pass --url");
      if (!token) throw new CliError("a worker needs a worker token: set FLOWDECK_TOKEN or --token (Settings → API tokens, role worker)", EXIT.unreachable);
      const logger = { info: (m: string) => console.error(m), warn: (m: string) => console.error(m), error: (m: string) => console.error(m) };
      if (!WORKER_TASK_TYPE_PATTERN.test(options.type)) throw usageError(`--type '${options.type}' must start with a letter or '_' and contain only letters, digits, '_', '.' and '-'`);
      // Refuse a wrong URL or token at once, with exit 4, instead of retrying forever. GET /api/me
      // claims nothing: 401 is a bad token; a worker token gets 403 there (it is not a user role).
      const probe = await fetch(new URL("api/me", url.endsWith("/") ? url : `${url}/`), { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) }).catch((error: Error) => {
        throw new CliError(`cannot reach the Flowdeck server at ${url} (${(error.cause as { code?: string })?.code ?? error.message})`, EXIT.unreachable);
      });
      if (probe.status === 401) throw new CliError(`${url} refused the token: ${((await probe.json().catch(() => ({}))) as { error?: { message?: string } }).error?.message ?? probe.status}`, EXIT.unreachable);
      const worker = new FlowdeckWorker({ baseUrl: url, token, taskType: options.type, concurrency: options.concurrency, workerId: options.workerId, logger, handler: (task, context) => runCommand(argv, task, context) });
      worker.start();
      await new Promise<void>((resolve) => {
        const stop = () => {
          logger.info("stopping: finishing the tasks in flight…");
          void worker.stop().then(resolve);
        };
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
      });
    });
}
