// flowdeck execute WORKFLOW… [--input JSON|@file] [--wait [--timeout S]] [--parallel N | --serial]
import type { Command } from "commander";
import type { ExecutionView } from "@/lib/services/executions";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import { contextOf, positiveInt, positiveNumber, sleep } from "../context";
import { CliError, EXIT, usageError } from "../exit-codes";
import { parseInputOption } from "../input";
import { printJson } from "../output";
import { StatusBoard, type Row } from "../status-board";

type ExecuteOptions = { input?: string; version?: number; correlationId?: string; wait?: boolean; timeout?: number; parallel?: number; serial?: boolean; pollMs?: number };
type Outcome = { workflow: string; id: string | null; status: string; error?: unknown };

export function registerExecute(program: Command): void {
  program
    .command("execute")
    .description("start executions of one or more workflows; --wait: wait for them with a live status line each")
    .argument("<workflows...>", "workflow names (name@N for a version)")
    .option("--input <json>", "the input: JSON, or @file (@- for standard input)")
    .option("--version <n>", "run this version of every workflow named", positiveInt("--version"))
    .option("--correlation-id <id>", "a correlation id for the executions")
    .option("--wait", "wait until every execution ends; the exit code says how they ended")
    .option("--timeout <seconds>", "with --wait: stop waiting after this long (exit 3)", positiveNumber("--timeout"))
    .option("--parallel <n>", "with several workflows: run at most n at a time (default: all at once)", positiveInt("--parallel"))
    .option("--serial", "with several workflows: one after the other (the same as --parallel 1)")
    .option("--poll-ms <ms>", "how often to ask for the status while waiting", positiveInt("--poll-ms"), 500)
    .action(async (workflows: string[], options: ExecuteOptions, command: Command) => {
      if (options.serial && options.parallel !== undefined) throw usageError("give --parallel N or --serial, not both");
      if (!options.wait && (options.timeout !== undefined || options.parallel !== undefined || options.serial)) throw usageError("--timeout, --parallel and --serial need --wait");
      const input = options.input === undefined ? undefined : parseInputOption(options.input);
      const targets = workflows.map((spec) => {
        const match = /^(.+)@([1-9][0-9]*)$/.exec(spec);
        return match ? { workflow: match[1]!, version: Number(match[2]) } : { workflow: spec, version: options.version };
      });
      const { client, output } = contextOf(command);
      const start = (target: (typeof targets)[number]) =>
        client.post<ExecutionView>("/api/executions", { workflow: target.workflow, version: target.version, input, correlationId: options.correlationId });

      if (!options.wait) {
        const started: ExecutionView[] = [];
        for (const target of targets) started.push(await start(target));
        if (output.json) return printJson(output, started.map(({ id, workflowName, workflowVersion, status }) => ({ id, workflowName, workflowVersion, status })));
        for (const e of started) output.out(`${e.workflowName} v${e.workflowVersion}  ${e.id}  ${e.status}`);
        return;
      }

      const deadline = options.timeout === undefined ? Infinity : Date.now() + options.timeout * 1000;
      const concurrency = options.serial ? 1 : (options.parallel ?? targets.length);
      const board = new StatusBoard(output);
      const outcomes: Outcome[] = targets.map((t) => ({ workflow: t.workflow, id: null, status: "NOT_STARTED" }));
      const rows: Row[] = targets.map((t) => board.add(t.version ? `${t.workflow}@${t.version}` : t.workflow));
      const timer = setInterval(() => board.render(), 1000);
      let next = 0;
      let timedOut = false;
      const worker = async () => {
        while (next < targets.length) {
          const index = next++;
          if (Date.now() >= deadline) {
            timedOut = true;
            rows[index]!.status = "NOT_STARTED";
            continue;
          }
          rows[index]!.startedAt = Date.now();
          let execution = await start(targets[index]!);
          outcomes[index]!.id = execution.id;
          for (;;) {
            const ended = isTerminalExecutionStatus(execution.status as ExecutionStatus);
            board.update(rows[index]!, execution, ended);
            outcomes[index]!.status = execution.status;
            outcomes[index]!.error = execution.error ?? undefined;
            board.render();
            if (ended) break;
            if (Date.now() >= deadline) {
              timedOut = true;
              break;
            }
            await sleep(Math.min(options.pollMs ?? 500, Math.max(0, deadline - Date.now())));
            execution = await client.get<ExecutionView>(`/api/executions/${encodeURIComponent(execution.id)}`);
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
      } finally {
        clearInterval(timer);
        board.render();
      }
      if (output.json) printJson(output, outcomes);
      const failed = outcomes.filter((o) => ["FAILED", "TERMINATED", "TIMED_OUT"].includes(o.status));
      if (!output.json) {
        for (const o of failed) output.err(`${output.errColor.red(o.status)} ${o.workflow} ${o.id}: ${errorText(o.error)}`);
      }
      if (failed.length > 0) throw new CliError(`${failed.length} of ${outcomes.length} execution${outcomes.length === 1 ? "" : "s"} did not complete`, EXIT.failed);
      if (timedOut) {
        const waiting = outcomes.filter((o) => !isTerminalExecutionStatus(o.status as ExecutionStatus));
        throw new CliError(`--timeout ${options.timeout}s: ${waiting.length} execution${waiting.length === 1 ? "" : "s"} still running or not started (${waiting.map((o) => o.id ?? `${o.workflow} (not started)`).join(", ")})`, EXIT.waitTimedOut);
      }
    });
}

export function errorText(error: unknown): string {
  if (error && typeof error === "object" && "message" in error) {
    const e = error as { code?: string; message: string };
    return e.code ? `${e.code}: ${e.message}` : e.message;
  }
  return error === undefined || error === null ? "" : JSON.stringify(error);
}
