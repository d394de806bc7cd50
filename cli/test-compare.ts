/**
 * `flowdeck test`: what a case expects against what a test run answered (POST /api/workflows/test),
 * as a list of mismatches, each with a readable line diff. Pure: the unit test is test-compare.test.ts.
 */
import type { WorkflowTestCase } from "@/lib/workflow/test-file";
import type { WorkflowTestResult } from "@/lib/services/workflow-test/schema";

export type Mismatch = { path: string; expected: unknown; actual: unknown };

/** JSON equality (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, i) => jsonEqual(item, (b as unknown[])[i]));
  const ak = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bk = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => Object.hasOwn(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Every way the result differs from the case's expectation (empty: the case passed). */
export function compareResult(expect: WorkflowTestCase["expect"], result: WorkflowTestResult): Mismatch[] {
  const mismatches: Mismatch[] = [];
  if (result.status !== expect.status) mismatches.push({ path: "status", expected: expect.status, actual: result.status });
  if (expect.output !== undefined && !jsonEqual(expect.output, result.output ?? null)) mismatches.push({ path: "output", expected: expect.output, actual: result.output ?? null });
  if (expect.error) {
    const actual = (result.error ?? null) as { code?: string; message?: string } | null;
    for (const field of ["code", "message"] as const) {
      const wanted = expect.error[field];
      if (wanted !== undefined && actual?.[field] !== wanted) mismatches.push({ path: `error.${field}`, expected: wanted, actual: actual?.[field] ?? null });
    }
  }
  for (const [key, wanted] of Object.entries(expect.tasks ?? {})) {
    const task = result.tasks.find((candidate) => candidate.key === key && candidate.mapIndex === -1);
    const status = typeof wanted === "string" ? wanted : wanted.status;
    if (!task) {
      mismatches.push({ path: `tasks.${key}`, expected: status ?? "a run", actual: "never reached (no attempt)" });
      continue;
    }
    if (status !== undefined && task.status !== status) mismatches.push({ path: `tasks.${key}.status`, expected: status, actual: task.status });
    if (typeof wanted === "object" && wanted.output !== undefined) {
      const output = task.attempts.at(-1)?.output ?? null;
      if (!jsonEqual(wanted.output, output)) mismatches.push({ path: `tasks.${key}.output`, expected: wanted.output, actual: output });
    }
  }
  return mismatches;
}

/** A line diff of two values as pretty JSON: `-` expected, `+` actual, two-space context. */
export function diffLines(expected: unknown, actual: unknown): string[] {
  const a = JSON.stringify(expected, null, 2).split("\n");
  const b = JSON.stringify(actual ?? null, null, 2).split("\n");
  if (a.length * b.length > 250_000) return [...a.map((line) => `- ${line}`), ...b.map((line) => `+ ${line}`)];
  // Longest common subsequence, then walk it.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! > lcs[i + 1]![j]!)) lines.push(`+ ${b[j++]}`);
    else lines.push(`- ${a[i++]}`);
  }
  return lines;
}
