// flowdeck execution list, status ID [--raw], logs ID [--task KEY] [--grep TEXT] [--follow], watch ID
import type { Command } from "commander";
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { ExecutionView } from "@/lib/services/executions";
import type { ExecutionSummary } from "@/lib/services/execution-search";
import type { TaskLogLineView, TaskLogPage } from "@/lib/services/task-logs";
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
    .description("the log lines of an execution's task attempts (shell output, worker lines, http calls), and their errors")
    .argument("<id>", "the execution")
    .option("--task <key>", "only this task")
    .option("--grep <text>", "only lines containing this text (case-insensitive)")
    .option("-f, --follow", "keep printing lines as running attempts append them, until the execution ends")
    .action(async (id: string, options: { task?: string; grep?: string; follow?: boolean }, command: Command) => {
      const context = contextOf(command);
      const { client, output } = context;
      const view = await client.get<ExecutionView>(`/api/executions/${enc(id)}`);
      if (options.task && !view.tasks.some((t) => t.taskKey === options.task)) {
        throw new CliError(`execution ${id} has no task '${options.task}'; its tasks: ${[...new Set(view.tasks.map((t) => t.taskKey))].join(", ")}`, EXIT.usage);
      }
      const query = { task: options.task, q: options.grep };
      const lines: TaskLogLineView[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await client.get<TaskLogPage>(`/api/executions/${enc(id)}/logs`, { ...query, after });
        lines.push(...page.lines);
        after = page.lines.at(-1)?.id ?? after;
        if (!page.next) break;
      }
      // Each attempt (those reruns superseded first, then the current ones, in task order) with its lines and, when it failed, its error.
      const wanted = (taskKey: string) => !options.task || taskKey === options.task;
      const attempts = [
        ...view.history.superseded.filter((a) => wanted(a.taskKey)).map((a) => ({ task: a.taskKey, mapIndex: a.mapIndex, attempt: a.attempt, id: a.id, status: `${a.status} (superseded)`, error: a.error })),
        ...view.tasks.filter((t) => wanted(t.taskKey)).flatMap((task) => task.attempts.map((a) => ({ task: task.taskKey, mapIndex: task.mapIndex, attempt: a.attempt, id: a.id, status: a.status, error: a.error }))),
      ];
      const byRun = new Map<string, TaskLogLineView[]>();
      for (const line of lines) {
        const own = byRun.get(line.taskRunId);
        if (own) own.push(line);
        else byRun.set(line.taskRunId, [line]);
      }
      const linesOf = (runId: string) => byRun.get(runId) ?? [];
      if (output.json && !options.follow) return printJson(output, attempts.map(({ id: runId, ...entry }) => ({ ...entry, lines: linesOf(runId) })));
      const c = output.color;
      const print = logPrinter(output);
      for (const entry of attempts) {
        if (output.json) break;
        const own = linesOf(entry.id);
        if (options.grep && own.length === 0) continue;
        output.out(c.bold(`── ${keyOf(entry.task, entry.mapIndex)} attempt ${entry.attempt} ${statusColor(c, entry.status)}${own.length === 0 ? c.dim(" (no log lines)") : ""}`));
        for (const line of own) print(line, false);
        if (entry.error) output.out(c.red(`error: ${errorText(entry.error)}`));
      }
      if (output.json) for (const line of lines) print(line);
      if (options.follow) await followLogs(context, id, query, after, print);
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

const keyOf = (taskKey: string, mapIndex: number) => (mapIndex >= 0 ? `${taskKey}[${mapIndex}]` : taskKey);

/** Prints log lines as `time stream message` (JSON lines with --json); a header before each new attempt when `headers`. */
function logPrinter(output: Output): (line: TaskLogLineView, headers?: boolean) => void {
  const c = output.color;
  let attempt = "";
  return (line, headers = true) => {
    if (output.json) return output.out(JSON.stringify(line));
    const key = `${keyOf(line.taskKey, line.mapIndex)} attempt ${line.attempt}`;
    if (headers && key !== attempt) output.out(c.bold(`── ${key}`));
    attempt = key;
    const text = line.truncation ? c.yellow(`[truncated] ${line.message}`) : line.stream === "stderr" || line.level === "error" ? c.red(line.message) : line.message;
    output.out(`${c.dim(`${line.time.slice(11, 23)} ${line.stream.padEnd(6)}`)} ${text}`);
  };
}

/** Follows the execution's log stream (text/event-stream) from `after` until it ends; reconnects with the last line id. */
async function followLogs({ client }: Context, id: string, query: { task?: string; q?: string }, after: string | undefined, print: (line: TaskLogLineView) => void): Promise<void> {
  let cursor = after;
  for (;;) {
    const response = await client.raw("GET", `/api/executions/${enc(id)}/logs`, { accept: "text/event-stream", signal: new AbortController().signal, query: { ...query, ...(cursor ? { after: cursor } : {}) } });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
    let ended = false;
    for (;;) {
      const { done, value: event } = await reader.read();
      if (done) break;
      if (event.event === "end") {
        ended = true;
        break;
      }
      const line = JSON.parse(event.data) as TaskLogLineView;
      cursor = line.id;
      print(line);
    }
    await reader.cancel().catch(() => undefined);
    if (ended) return;
    await sleep(500);
  }
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
