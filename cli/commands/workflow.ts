// flowdeck workflow list|get|export|import|delete
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { WorkflowSummaryView, WorkflowVersionView, SaveResult } from "@/lib/services/workflows";
import { contextOf, positiveInt } from "../context";
import { readJsonFile } from "../input";
import { printJson, table } from "../output";
import { usageError } from "../exit-codes";
import { exportAll } from "./apply";

const enc = encodeURIComponent;
const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function addExport(parent: Command): void {
  parent
    .command("export")
    .description("the canonical JSON file of a workflow, byte for byte as stored (to stdout, or -o FILE); --all DIR: every workflow as DIR/<name>.json, without version, for git")
    .argument("[name]", "the workflow")
    .option("--version <n>", "that version", positiveInt("--version"))
    .option("-o, --output <file>", "write it to this file")
    .option("--all <dir>", "every workflow's latest version into this folder (what apply reads)")
    .action(async (name: string | undefined, options: { version?: number; output?: string; all?: string }, command: Command) => {
      if (options.all !== undefined) {
        if (name !== undefined || options.version !== undefined || options.output !== undefined) throw usageError("--all takes no workflow name, --version or --output");
        return exportAll(command, options.all);
      }
      if (name === undefined) throw usageError("name a workflow, or give --all DIR");
      const { client, output } = contextOf(command);
      const response = await client.raw("GET", `/api/workflows/${enc(name)}/export`, { query: { version: options.version } });
      const text = await response.text();
      if (options.output) {
        writeFileSync(options.output, text.endsWith("\n") ? text : `${text}\n`);
        if (!output.json) output.err(`wrote ${options.output}`);
      } else output.write(text.endsWith("\n") ? text : `${text}\n`);
    });
}

export function registerWorkflow(program: Command): void {
  const workflow = program.command("workflow").description("list, show, export, import and delete workflow definitions");

  workflow
    .command("list")
    .description("the latest version of every workflow")
    .action(async (_options, command: Command) => {
      const { client, output } = contextOf(command);
      const { workflows } = await client.get<{ workflows: WorkflowSummaryView[] }>("/api/workflows");
      if (output.json) return printJson(output, workflows.map(({ definition: _definition, ...rest }) => rest));
      if (workflows.length === 0) return output.out("no workflows");
      const c = output.color;
      output.out(
        table([
          ["NAME", "VERSION", "TASKS", "VERSIONS", "SAVED", "DESCRIPTION"].map((h) => c.bold(h)),
          ...workflows.map((w) => [w.name, `v${w.version}`, String(w.taskCount), String(w.versionCount), w.createdAt.slice(0, 19).replace("T", " "), oneLine(w.description ?? "", 60)]),
        ]).join("\n"),
      );
    });

  workflow
    .command("get")
    .description("a workflow's definition (the latest version, or --version N); --json: with its version, checksum and author")
    .argument("<name>", "the workflow")
    .option("--version <n>", "that version", positiveInt("--version"))
    .action(async (name: string, options: { version?: number }, command: Command) => {
      const { client, output } = contextOf(command);
      const view = await client.get<WorkflowVersionView>(`/api/workflows/${enc(name)}`, { version: options.version });
      printJson(output, output.json ? view : view.definition);
    });

  addExport(workflow);
  addExport(program); // `flowdeck export …` is `flowdeck workflow export …`

  workflow
    .command("import")
    .description("save definition files (one definition or an array each) as new versions, all or nothing")
    .argument("<files...>", "JSON files")
    .action(async (files: string[], _options, command: Command) => {
      const { client, output } = contextOf(command);
      const definitions = files.flatMap((file) => {
        const value = readJsonFile(file);
        return Array.isArray(value) ? value : [value];
      });
      const { results } = await client.post<{ results: SaveResult[] }>("/api/workflows/import", definitions);
      if (output.json) return printJson(output, results);
      for (const result of results) {
        const what = result.created ? output.color.green(`saved v${result.workflow.version}`) : `unchanged (v${result.workflow.version})`;
        output.out(`${result.workflow.name}: ${what}`);
        for (const warning of result.warnings) output.out(`  ${output.color.yellow("warning")} ${warning.path}: ${warning.message}`);
      }
    });

  workflow
    .command("delete")
    .description("delete a workflow: every version, or --version N (refused while an execution pins one)")
    .argument("<name>", "the workflow")
    .option("--version <n>", "only that version", positiveInt("--version"))
    .action(async (name: string, options: { version?: number }, command: Command) => {
      const { client, output } = contextOf(command);
      const result = await client.json<{ name: string; deleted: number[] }>("DELETE", `/api/workflows/${enc(name)}`, { query: { version: options.version } });
      if (output.json) return printJson(output, result);
      output.out(`deleted ${result.name} ${result.deleted.map((v) => `v${v}`).join(", ")}`);
    });
}
