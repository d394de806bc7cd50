// flowdeck test DIR|FILE…: runs the cases of *.test.json files against the server's test endpoint
// (POST /api/workflows/test: the real engine, mocked tasks, nothing stored). A pass/fail line per
// case, a diff on mismatch; exit 1 on any failure, 2 on an invalid test file (file, path, problem).
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { workflowTestFileSchema, type WorkflowTestCase, type WorkflowTestFile } from "@/lib/workflow/test-file";
import type { WorkflowTestResult } from "@/lib/services/workflow-test/schema";
import { contextOf } from "../context";
import { CliError, EXIT } from "../exit-codes";
import { filesUnder } from "../files";
import { parseJsonText } from "../input";
import { printJson, type Output } from "../output";
import { compareResult, diffLines, type Mismatch } from "../test-compare";

/** Keys a definition file may carry that the server does not take (as in apply). */
const IGNORED_KEYS = ["$schema", "version"];

type Loaded = { file: string; test: WorkflowTestFile; target: { workflow: string } | { definition: Record<string, unknown> } };
type CaseResult = { file: string; case: string; passed: boolean; status?: string; durationMs?: number; mismatches: Mismatch[]; problem?: string };

/** Every *.test.json under the paths (directories recursively, dot-folders skipped); a file named directly is taken as it is. */
function testFiles(paths: string[]): string[] {
  const files = filesUnder(paths, (name) => name.endsWith(".test.json"));
  if (files.length === 0) throw new CliError(`no test files (*.test.json) in ${paths.join(", ")}`, EXIT.usage);
  return files;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, EXIT.usage);
  }
  return parseJsonText(text, file);
}

function withoutIgnored(value: unknown, source: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new CliError(`${source}: expected a workflow definition (a JSON object)`, EXIT.usage);
  const content = { ...(value as Record<string, unknown>) };
  for (const key of IGNORED_KEYS) delete content[key];
  return content;
}

/** Reads and checks every file first: one invalid file runs nothing (exit 2, every problem listed). */
function loadTests(paths: string[]): Loaded[] {
  const problems: string[] = [];
  const loaded: Loaded[] = [];
  for (const file of testFiles(paths)) {
    try {
      const parsed = workflowTestFileSchema.safeParse(readJson(file));
      if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.push(`${file}: ${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
        continue;
      }
      const test = parsed.data;
      if (test.workflow !== undefined) loaded.push({ file, test, target: { workflow: test.workflow } });
      else if (typeof test.definition === "string") {
        const path = resolve(dirname(file), test.definition);
        loaded.push({ file, test, target: { definition: withoutIgnored(readJson(path), path) } });
      } else loaded.push({ file, test, target: { definition: withoutIgnored(test.definition, `${file}: definition`) } });
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new CliError(`invalid test file${problems.length > 1 ? "s" : ""}; nothing was run:\n  ${problems.join("\n  ")}`, EXIT.usage);
  return loaded;
}

async function runCase(command: Command, loaded: Loaded, testCase: WorkflowTestCase, index: number): Promise<CaseResult> {
  const { client } = contextOf(command);
  const base = { file: loaded.file, case: testCase.name };
  try {
    const result = await client.post<WorkflowTestResult>("/api/workflows/test", {
      ...loaded.target,
      input: testCase.input ?? {},
      mocks: testCase.mocks ?? {},
      ...(testCase.allowReal ? { allowReal: testCase.allowReal } : {}),
    });
    const mismatches = compareResult(testCase.expect, result);
    return { ...base, passed: mismatches.length === 0, status: result.status, durationMs: result.durationMs, mismatches };
  } catch (error) {
    // The server refused the case as invalid (a mock of an unknown task, an unmocked http task): a problem of the file.
    if (error instanceof CliError && error.code === EXIT.usage) {
      const where = error.details.map((detail) => `cases[${index}].${detail.path}: ${detail.message}`);
      return { ...base, passed: false, mismatches: [], problem: [error.message, ...where].join("\n") };
    }
    throw error;
  }
}

function printCase(output: Output, result: CaseResult): void {
  const c = output.color;
  const took = result.durationMs !== undefined ? c.dim(` (${result.durationMs} ms)`) : "";
  output.out(`${result.passed ? c.green("✓ pass") : c.red("✗ FAIL")} ${result.file} › ${c.bold(result.case)}${took}`);
  if (result.problem) for (const line of result.problem.split("\n")) output.out(`    ${c.red(line)}`);
  for (const mismatch of result.mismatches) {
    output.out(`    ${c.bold(mismatch.path)}: ${c.red("- expected")} ${c.green("+ actual")}`);
    for (const line of diffLines(mismatch.expected, mismatch.actual)) output.out(`      ${line.startsWith("-") ? c.red(line) : line.startsWith("+") ? c.green(line) : c.dim(line)}`);
  }
}

export function registerTest(program: Command): void {
  program
    .command("test")
    .description("Run workflow test files (*.test.json): each case on the real engine with mocked tasks, nothing stored (POST /api/workflows/test)")
    .argument("<paths...>", "test files or folders (searched recursively for *.test.json)")
    .addHelpText("after", "\nA pass/fail line per case and a diff on mismatch. Exits 1 if any case fails, 2 if a test file is invalid (nothing runs), 4 if the server cannot be reached.\nFile format: README \"Workflow tests\"; JSON Schema at /schema/workflow-test.json.")
    .action(async (paths: string[], _options: unknown, command: Command) => {
      const { output } = contextOf(command);
      const tests = loadTests(paths);
      const results: CaseResult[] = [];
      for (const loaded of tests) {
        for (const [index, testCase] of loaded.test.cases.entries()) {
          const result = await runCase(command, loaded, testCase, index);
          results.push(result);
          if (!output.json) printCase(output, result);
        }
      }
      const failed = results.filter((result) => !result.passed);
      const invalid = failed.some((result) => result.problem !== undefined);
      if (output.json) printJson(output, { passed: results.length - failed.length, failed: failed.length, cases: results });
      else output.out(`${failed.length === 0 ? output.color.green("all passed") : output.color.red(`${failed.length} failed`)}: ${results.length - failed.length} of ${results.length} cases passed in ${tests.length} file${tests.length === 1 ? "" : "s"}`);
      if (failed.length > 0) process.exitCode = invalid ? EXIT.usage : EXIT.failed;
    });
}
