/**
 * `--input JSON|@file` and definition files: JSON read from the argument or a file, with an error
 * that names the file, line and column when it does not parse (exit 2, nothing is sent).
 */
import { readFileSync } from "node:fs";
import { locateJsonError } from "@/lib/workflow/canonical";
import { CliError, EXIT } from "./exit-codes";

/** Line and column (1-based) of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
}

/** JSON.parse, or a usage error naming the source, line and column (positions: lib/workflow's scanner, the app's one source). */
export function parseJsonText(text: string, source: string): unknown {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch {
    const { offset, problem } = locateJsonError(body);
    const { line, column } = lineAndColumn(body, offset);
    throw new CliError(`${source}:${line}:${column}: not valid JSON (${problem})`, EXIT.usage);
  }
}

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, EXIT.usage);
  }
  if (text.trim() === "") throw new CliError(`${path}: the file is empty; expected JSON`, EXIT.usage);
  return parseJsonText(text, path);
}

/** `--input '{"a":1}'` or `--input @input.json` (`@-`: standard input). */
export function parseInputOption(value: string, option = "--input"): unknown {
  if (value.startsWith("@")) {
    const path = value.slice(1);
    if (path === "-") return parseJsonText(readFileSync(0, "utf8"), "standard input");
    if (path === "") throw new CliError(`${option} @ needs a file name, e.g. ${option} @input.json`, EXIT.usage);
    return readJsonFile(path);
  }
  return parseJsonText(value, option);
}
