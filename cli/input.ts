/**
 * `--input JSON|@file` and definition files: JSON read from the argument or a file, with an error
 * that names the file, line and column when it does not parse (exit 2, nothing is sent).
 */
import { readFileSync } from "node:fs";
import { CliError, EXIT } from "./exit-codes";

/** Line and column (1-based) of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** The position in V8's JSON.parse messages: "at position N" or "(line L column C)". */
function positionOf(message: string, text: string): { line: number; column: number } | null {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const at = /at position (\d+)/.exec(message);
  if (at) return lineAndColumn(text, Number(at[1]));
  if (/Unexpected end of JSON input/.test(message)) return lineAndColumn(text, text.length);
  return null;
}

export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const where = positionOf(message, text);
    const at = where ? `:${where.line}:${where.column}` : "";
    const reason = message.replace(/^JSON\.parse: /, "").replace(/ in JSON at position \d+.*$/, "").replace(/\s*\(line \d+ column \d+\)$/, "");
    throw new CliError(`${source}${at}: not valid JSON (${reason})`, EXIT.usage);
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
