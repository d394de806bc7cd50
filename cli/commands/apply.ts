// flowdeck apply DIR|FILE… [--dry-run] [--prune], and export --all DIR: workflow definitions kept
// in git. Files hold no server-assigned data: `version` and `$schema` are ignored when read and
// never written, so `export --all` then `apply` changes nothing.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Command } from "commander";
import type { WorkflowSummaryView, SaveResult } from "@/lib/services/workflows";
import { validateDefinition } from "@/lib/workflow/validate";
import { serializeDefinition } from "@/lib/workflow/canonical";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import { describeDiff, diffDefinitions, type WorkflowDiff } from "@/lib/editor/diff";
import { contextOf } from "../context";
import { CliError, EXIT } from "../exit-codes";
import { filesUnder } from "../files";
import { parseJsonText } from "../input";
import { printJson } from "../output";

/** Keys a file may carry that are not part of the definition the server keeps. */
const IGNORED_KEYS = ["$schema", "version"] as const;

type Local = { file: string; definition: WorkflowDefinition };
type Plan = { name: string; file?: string; action: "create" | "update" | "unchanged" | "delete"; changes: string[]; diff?: WorkflowDiff };

/** Every *.json under the paths (directories recursively; *.test.json and dot-folders skipped), sorted. */
function definitionFiles(paths: string[]): string[] {
  const files = filesUnder(paths, (name) => name.endsWith(".json") && !name.endsWith(".test.json"));
  return files;
}

/** Reads and validates every file; any problem anywhere refuses the whole apply (exit 2). */
function readDefinitions(paths: string[]): Local[] {
  const problems: string[] = [];
  const locals: Local[] = [];
  const byName = new Map<string, string>();
  const files = definitionFiles(paths);
  if (files.length === 0) throw new CliError(`no workflow definitions (*.json) in ${paths.join(", ")}`, EXIT.usage);
  for (const file of files) {
    let value: unknown;
    try {
      value = parseJsonText(readFileSync(file, "utf8"), file);
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      problems.push(`${file}: expected one workflow definition (a JSON object)`);
      continue;
    }
    const content = { ...(value as Record<string, unknown>) };
    for (const key of IGNORED_KEYS) delete content[key];
    const result = validateDefinition(content);
    if (!result.ok) {
      for (const issue of result.errors) problems.push(`${file}: ${issue.path || "(root)"}: ${issue.message}`);
      continue;
    }
    const name = result.definition.name;
    const first = byName.get(name);
    if (first) {
      problems.push(`${file}: workflow '${name}' is also defined in ${first}; each workflow must be in one file`);
      continue;
    }
    byName.set(name, file);
    locals.push({ file, definition: result.definition });
  }
  if (problems.length > 0) {
    throw new CliError(`apply refused: ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was changed\n  ${problems.join("\n  ")}`, EXIT.usage);
  }
  return locals;
}

export function registerApply(program: Command): void {
  program
    .command("apply")
    .description("make the server's workflows match definition files: a new version only where something changed, all or nothing")
    .argument("<paths...>", "definition files or folders of them (*.json; *.test.json are skipped)")
    .option("--dry-run", "print the changes; change nothing")
    .option("--prune", "also delete the workflows on the server that are in none of the files")
    .action(async (paths: string[], options: { dryRun?: boolean; prune?: boolean }, command: Command) => {
      const locals = readDefinitions(paths);
      const { client, output } = contextOf(command);
      const { workflows } = await client.get<{ workflows: WorkflowSummaryView[] }>("/api/workflows");
      const remote = new Map(workflows.map((w) => [w.name, w]));
      const plans: Plan[] = locals.map(({ file, definition }) => {
        const existing = remote.get(definition.name);
        if (!existing) return { name: definition.name, file, action: "create", changes: [`+ ${definition.tasks.length} task${definition.tasks.length === 1 ? "" : "s"}`] };
        const diff = diffDefinitions(existing.definition, definition);
        return { name: definition.name, file, action: diff.identical ? "unchanged" : "update", changes: describeDiff(diff), diff };
      });
      if (options.prune) {
        const local = new Set(locals.map((l) => l.definition.name));
        for (const w of workflows) if (!local.has(w.name)) plans.push({ name: w.name, action: "delete", changes: [`- every version (${w.versionCount})`] });
        const pinned: string[] = [];
        for (const plan of plans.filter((p) => p.action === "delete")) {
          const page = await client.get<{ executions: unknown[] }>("/api/executions", { workflow: plan.name, limit: 1 });
          if (page.executions.length > 0) pinned.push(plan.name);
        }
        if (pinned.length > 0) {
          throw new CliError(`apply --prune refused: executions pin ${pinned.map((n) => `'${n}'`).join(", ")}, so ${pinned.length === 1 ? "it" : "they"} cannot be deleted; nothing was changed`, EXIT.failed);
        }
      }
      const c = output.color;
      const marks = { create: c.green("+"), update: c.yellow("~"), unchanged: c.dim("="), delete: c.red("-") };
      if (!output.json) {
        for (const plan of plans) {
          output.out(`${marks[plan.action]} ${c.bold(plan.name)} ${plan.action === "unchanged" ? c.dim("unchanged") : plan.action}${plan.file ? c.dim(`  (${plan.file})`) : ""}`);
          if (plan.action !== "unchanged") for (const line of plan.changes) output.out(`    ${line}`);
        }
      }
      const toSave = plans.filter((p) => p.action === "create" || p.action === "update");
      const toDelete = plans.filter((p) => p.action === "delete");
      const summary = { created: plans.filter((p) => p.action === "create").length, updated: plans.filter((p) => p.action === "update").length, unchanged: plans.filter((p) => p.action === "unchanged").length, deleted: toDelete.length };
      if (options.dryRun) {
        if (output.json) return printJson(output, { dryRun: true, ...summary, plans: plans.map(({ diff: _diff, ...p }) => p) });
        output.out(c.dim(`dry run: ${summary.created} to create, ${summary.updated} to update, ${summary.unchanged} unchanged, ${summary.deleted} to delete; nothing was changed`));
        return;
      }
      let results: SaveResult[] = [];
      if (toSave.length > 0) {
        const byName = new Map(locals.map((l) => [l.definition.name, l]));
        try {
          ({ results } = await client.post<{ results: SaveResult[] }>("/api/workflows/import", toSave.map((p) => byName.get(p.name)!.definition)));
        } catch (error) {
          // The import is one transaction: name each problem's file instead of its array index.
          if (error instanceof CliError) {
            const details = error.details.map((d) => {
              const match = /^\[(\d+)\]\.?(.*)$/.exec(d.path);
              return match ? { path: `${toSave[Number(match[1])]?.file ?? d.path}: ${match[2] || "(root)"}`, message: d.message } : d;
            });
            throw new CliError(`${error.message}`, error.code, details);
          }
          throw error;
        }
      }
      for (const plan of toDelete) await client.json("DELETE", `/api/workflows/${encodeURIComponent(plan.name)}`);
      if (output.json) return printJson(output, { dryRun: false, ...summary, plans: plans.map(({ diff: _diff, ...p }) => p), versions: results.map((r) => ({ name: r.workflow.name, version: r.workflow.version, created: r.created })) });
      output.out(`applied: ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.deleted} deleted`);
    });
}

/** `export --all DIR`: every workflow's latest version as DIR/<name>.json, canonical, without `version`. */
export async function exportAll(command: Command, dir: string): Promise<void> {
  const { client, output } = contextOf(command);
  const { workflows } = await client.get<{ workflows: WorkflowSummaryView[] }>("/api/workflows");
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const workflow of workflows) {
    const { version: _version, ...content } = workflow.definition;
    const file = join(dir, `${workflow.name}.json`);
    writeFileSync(file, serializeDefinition(content as WorkflowDefinition));
    written.push(file);
  }
  if (output.json) return printJson(output, written);
  output.out(`wrote ${written.length} definition${written.length === 1 ? "" : "s"} to ${relative(process.cwd(), dir) || "."}`);
}
