// flowdeck execution list, status ID [--raw], logs ID [--task KEY], watch ID
import type { Command } from "commander";
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { ExecutionView } from "@/lib/services/executions";
import type { ExecutionSummary } from "@/lib/services/execution-search";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import { contextOf, positiveInt, sleep, type Context } from "../context";
import { CliError, EXIT } from "../exit-codes";
import { printJson, statusColor, table, type Output } from "../output";
import { errorText } from "./execute";

const enc = encodeURIComponent;

/** The exit code of a finished execution: 0 completed, 1 failed / terminated / timed out. */
export function exitCodeOf(status: string): number {
  return status === "COMPLETED" ? EXIT.ok : EXIT.failed;
}

function taskRows(output: Output, execution: ExecutionView): string[] {
  const c = output.color;
  const rows = execution.tasks.map((task) => {
    const last = task.attempts[task.attempts.length - 1];
    const key = task.mapIndex >= 0 ? `${task.taskKey}[${task.mapIndex}]` : task.taskKey;
    const took = last?.startedAt && last.endedAt ? `${((Date.parse(last.endedAt) - Date.parse(last.startedAt)) / 1000).toFixed(1)}s` : "";
    return [key, task.taskType, statusColor(c, task.status), String(task.attempts.length), took, last?.error ? errorText(last.error).slice(0, 80) : ""];
  });
  return table([["TASK", "TYPE", "STATUS", "ATTEMPTS", "TOOK", "ERROR"].map((h) => c.bold(h)), ...rows]);
}

function summary(output: Output, execution: ExecutionView): string[] {
  const c = output.color;
  return [
    `${c.bold(execution.workflowName)} v${execution.workflowVersion}  ${execution.id}  ${statusColor(c, execution.status)}`,
    `created ${execution.createdAt}${execution.createdBy ? ` by ${execution.createdBy}` : ""}${execution.endedAt ? `, ended ${execution.endedAt}` : ""}`,
    ...(execution.error ? [c.red(`error: ${errorText(execution.error)}`)] : []),
  ];
}

export function registerExecutions(program: Command): void {
  const execution = program.command("execution").description("search executions");
  execution
    .command("list")
    .description("executions, newest first")
    .option("--status <list>", "comma-separated statuses, e.g. FAILED,TIMED_OUT")
    .option("--workflow <name>", "of this workflow")
    .option("--version <n>", "of this version (with --workflow)", positiveInt("--version"))
    .option("--correlation-id <id>", "with this correlation id")
    .option("--from <time>", "created at or after (ISO 8601)")
    .option("--to <time>", "created before (ISO 8601)")
    .option("-q, --query <text>", "search ids, workflow names, correlation ids")
    .option("--limit <n>", "at most n (1–200)", positiveInt("--limit"), 20)
    .option("--trigger <key>", "started by this trigger (its key, or * for any trigger)")
    .option("--cursor <cursor>", "the next, older page (printed after a full page)")
    .action(async (options: Record<string, string | number | undefined>, command: Command) => {
      const { client, output } = contextOf(command);
      const page = await client.get<{ executions: ExecutionSummary[]; nextCursor: string | null; total: number }>("/api/executions", {
        status: options.status as string,
        workflow: options.workflow as string,
        version: options.version,
        correlationId: options.correlationId as string,
        from: options.from as string,
        to: options.to as string,
        q: options.query as string,
        trigger: options.trigger as string,
        limit: options.limit,
        cursor: options.cursor as string,
      });
      if (output.json) return printJson(output, page);
      if (page.executions.length === 0) return output.out("no executions");
      const c = output.color;
      output.out(
        table([
          ["ID", "WORKFLOW", "STATUS", "CREATED", "BY"].map((h) => c.bold(h)),
          ...page.executions.map((e) => [e.id, `${e.workflowName} v${e.workflowVersion}`, statusColor(c, e.status), e.createdAt.slice(0, 19).replace("T", " "), e.createdBy ?? ""]),
        ]).join("\n"),
      );
      output.out(c.dim(`${page.executions.length} of ${page.total} matching${page.nextCursor ? `; more: --cursor ${page.nextCursor}` : ""}`));
    });

  program
    .command("status")
    .description("an execution's status and its tasks; --raw: the API's JSON as is")
    .argument("<id>", "the execution")
    .option("--raw", "print the execution exactly as GET /api/executions/{id} answers it")
    .action(async (id: string, options: { raw?: boolean }, command: Command) => {
      const { client, output } = contextOf(command);
      const view = await client.get<ExecutionView>(`/api/executions/${enc(id)}`);
      if (options.raw || output.json) return printJson(output, view);
      for (const line of [...summary(output, view), "", ...taskRows(output, view)]) output.out(line);
    });

  program
    .command("logs")
    .description("the log lines and errors of an execution's task attempts")
    .argument("<id>", "the execution")
    .option("--task <key>", "only this task")
    .action(async (id: string, options: { task?: string }, command: Command) => {
      const { client, output } = contextOf(command);
      const view = await client.get<ExecutionView>(`/api/executions/${enc(id)}`);
      const tasks = options.task ? view.tasks.filter((t) => t.taskKey === options.task) : view.tasks;
      if (options.task && tasks.length === 0) {
        throw new CliError(`execution ${id} has no task '${options.task}'; its tasks: ${[...new Set(view.tasks.map((t) => t.taskKey))].join(", ")}`, EXIT.usage);
      }
      const entries = tasks.flatMap((task) => task.attempts.map((attempt) => ({ task: task.taskKey, mapIndex: task.mapIndex, attempt: attempt.attempt, status: attempt.status, logs: attempt.logs, error: attempt.error })));
      if (output.json) return printJson(output, entries);
      const c = output.color;
      for (const entry of entries) {
        const key = entry.mapIndex >= 0 ? `${entry.task}[${entry.mapIndex}]` : entry.task;
        output.out(c.bold(`── ${key} attempt ${entry.attempt} ${statusColor(c, entry.status)}`));
        for (const line of logLines(entry.logs)) output.out(line);
        if (entry.error) output.out(c.red(`error: ${errorText(entry.error)}`));
      }
    });

  program
    .command("watch")
    .description("a live task table of an execution, from its event stream, until it ends (exit code: how it ended)")
    .argument("<id>", "the execution")
    .action(async (id: string, _options, command: Command) => {
      const context = contextOf(command);
      const status = await watch(context, id);
      process.exitCode = exitCodeOf(status);
    });
}

function logLines(logs: unknown): string[] {
  if (!Array.isArray(logs)) return logs === null || logs === undefined ? [] : [typeof logs === "string" ? logs : JSON.stringify(logs)];
  return logs.map((line: unknown) => {
    if (typeof line === "string") return line;
    const l = line as { time?: string; level?: string; message?: string };
    return `${l.time ?? ""} ${l.level ?? ""} ${l.message ?? JSON.stringify(line)}`.trim();
  });
}

/**
 * Follows GET /api/executions/{id}/events as text/event-stream (the monitor's stream) and redraws
 * the task table after events (at most every 200 ms). Reconnects with Last-Event-ID when the
 * stream drops before the end. Answers the final status.
 */
async function watch({ client, output }: Context, id: string): Promise<string> {
  let lastEventId: string | undefined;
  let drawn = 0;
  let last = "";
  const draw = async () => {
    const view = await client.get<ExecutionView>(`/api/executions/${enc(id)}`);
    const lines = [...summary(output, view), "", ...taskRows(output, view)];
    if (output.json) return view;
    if (output.tty) {
      output.write((drawn > 0 ? `\x1b[${drawn}A` : "") + lines.map((l) => `\x1b[2K${l}\n`).join("") + (drawn > lines.length ? "\x1b[J" : ""));
      drawn = lines.length;
    } else if (lines.join("\n") !== last) output.out([...lines, ""].join("\n")); // off a terminal: only when something changed
    last = lines.join("\n");
    return view;
  };
  let view = await draw();
  while (!isTerminalExecutionStatus(view.status as ExecutionStatus)) {
    const response = await client.raw("GET", `/api/executions/${enc(id)}/events`, { accept: "text/event-stream", signal: new AbortController().signal, query: lastEventId ? { after: lastEventId } : {} });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
    let lastDraw = 0;
    for (;;) {
      const { done, value: event } = await reader.read();
      if (done) break;
      if (event.id) lastEventId = event.id;
      if (event.event === "end") break;
      if (output.json) output.out(event.data);
      // Redraw at most every 200 ms; the final table is drawn when the stream ends.
      if (Date.now() - lastDraw >= 200) {
        lastDraw = Date.now();
        view = await draw();
      }
    }
    await reader.cancel().catch(() => undefined);
    view = await draw();
    if (!isTerminalExecutionStatus(view.status as ExecutionStatus)) await sleep(500);
  }
  return view.status;
}
