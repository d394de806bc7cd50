// flowdeck pause|resume|terminate|retry|restart|rerun|skip|approve|reject ID …
import type { Command } from "commander";
import type { ExecutionView } from "@/lib/services/executions";
import type { RerunPreview } from "@/lib/services/operations";
import { contextOf, positiveInt } from "../context";
import { parseInputOption } from "../input";
import { printJson, statusColor, type Output } from "../output";

function show(output: Output, operation: string, result: ExecutionView | RerunPreview): void {
  if (output.json) return printJson(output, result);
  if ("dryRun" in result) {
    output.out(`dry run: ${operation} would re-run ${result.reset.length} task${result.reset.length === 1 ? "" : "s"}: ${result.reset.join(", ") || "(none)"}`);
    output.out(`kept: ${result.kept.join(", ") || "(none)"}`);
    return;
  }
  output.out(`${operation}: ${result.workflowName} v${result.workflowVersion}  ${result.id}  ${statusColor(output.color, result.status)}`);
}

async function perform(command: Command, id: string, operation: string, body: Record<string, unknown>) {
  const { client, output } = contextOf(command);
  const clean = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  const result = await client.post<ExecutionView | RerunPreview>(`/api/executions/${encodeURIComponent(id)}/${operation}`, clean);
  show(output, operation, result);
}

export function registerOperations(program: Command): void {
  const reason = ["--reason <text>", "why (recorded in the execution's history)"] as const;
  program
    .command("pause")
    .description("pause an execution: no new task starts; running ones finish")
    .argument("<id>", "the execution")
    .option(...reason)
    .action((id: string, o: { reason?: string }, command: Command) => perform(command, id, "pause", { reason: o.reason }));
  program
    .command("resume")
    .description("resume a paused execution")
    .argument("<id>", "the execution")
    .option(...reason)
    .action((id: string, o: { reason?: string }, command: Command) => perform(command, id, "resume", { reason: o.reason }));
  program
    .command("terminate")
    .description("terminate an execution: what runs is cancelled")
    .argument("<id>", "the execution")
    .requiredOption("--reason <text>", "why (required)")
    .action((id: string, o: { reason: string }, command: Command) => perform(command, id, "terminate", { reason: o.reason }));
  program
    .command("retry")
    .description("retry the failed, timed-out and cancelled tasks of a finished execution")
    .argument("<id>", "the execution")
    .option(...reason)
    .option("--dry-run", "print the tasks that would re-run; change nothing")
    .action((id: string, o: { reason?: string; dryRun?: boolean }, command: Command) => perform(command, id, "retry", { reason: o.reason, dryRun: o.dryRun }));
  program
    .command("restart")
    .description("start the workflow again with the same input, as a new execution")
    .argument("<id>", "the execution")
    .option(...reason)
    .option("--latest", "run the latest version of the workflow instead of the same one")
    .action((id: string, o: { reason?: string; latest?: boolean }, command: Command) => perform(command, id, "restart", { reason: o.reason, useLatestVersion: o.latest }));
  program
    .command("rerun")
    .description("re-run an execution from a task: it and everything downstream run again")
    .argument("<id>", "the execution")
    .requiredOption("--from <key>", "the task to re-run from")
    .option("--input <json>", "a new execution input: JSON or @file")
    .option("--task-input <json>", "a new input for the --from task: JSON or @file")
    .option(...reason)
    .option("--dry-run", "print the tasks that would re-run; change nothing")
    .action((id: string, o: { from: string; input?: string; taskInput?: string; reason?: string; dryRun?: boolean }, command: Command) =>
      perform(command, id, "rerun", {
        fromTaskKey: o.from,
        input: o.input === undefined ? undefined : parseInputOption(o.input),
        taskInput: o.taskInput === undefined ? undefined : parseInputOption(o.taskInput, "--task-input"),
        reason: o.reason,
        dryRun: o.dryRun,
      }),
    );
  program
    .command("skip")
    .description("skip a task: it counts as completed with no output")
    .argument("<id>", "the execution")
    .requiredOption("--task <key>", "the task")
    .requiredOption("--reason <text>", "why (required)")
    .action((id: string, o: { task: string; reason: string }, command: Command) => perform(command, id, "skip", { taskKey: o.task, reason: o.reason }));
  for (const [name, text] of [
    ["approve", "approve a waiting approval task"],
    ["reject", "reject a waiting approval task (it fails with REJECTED)"],
  ] as const) {
    program
      .command(name)
      .description(text)
      .argument("<id>", "the execution")
      .requiredOption("--task <key>", "the approval task")
      .option("--map-index <n>", "the item of a map of approvals", (v: string) => positiveInt("--map-index")(String(Number(v) + 1)) - 1)
      .option(...reason)
      .action((id: string, o: { task: string; mapIndex?: number; reason?: string }, command: Command) => perform(command, id, name, { taskKey: o.task, mapIndex: o.mapIndex, reason: o.reason }));
  }
}
