/**
 * Validation issues placed on the canvas: `tasks[2].params.url` belongs to the third task's
 * `params.url` field; `layout.x` belongs to task x; everything else belongs to the workflow.
 */
import type { ValidationIssue } from "@/lib/workflow";
import type { DraftDefinition } from "@/lib/editor/document";

export type PlacedIssue = ValidationIssue & {
  /** An error stops a save; a warning (a sub-workflow that does not exist yet) does not. */
  severity: "error" | "warning";
  /** The task the issue belongs to, if any. */
  taskKey?: string;
  /** The path inside the task (`params.url`) or the workflow (`name`); "" for the whole thing. */
  field: string;
};

const TASK_PATH = /^tasks\[(\d+)\](?:\.?(.*))?$/;
const LAYOUT_PATH = /^layout(?:\.([A-Za-z_$][\w$]*)|\[("(?:[^"\\]|\\.)*")\])/;

export function placeIssues(
  draft: DraftDefinition,
  issues: readonly ValidationIssue[],
  severity: PlacedIssue["severity"] = "error",
): PlacedIssue[] {
  return issues.map((issue) => {
    const task = TASK_PATH.exec(issue.path);
    if (task) {
      const key = draft.tasks[Number(task[1])]?.key;
      return { ...issue, severity, ...(key !== undefined ? { taskKey: key } : {}), field: task[2] ?? "" };
    }
    const layout = LAYOUT_PATH.exec(issue.path);
    if (layout) {
      const key = layout[1] ?? (JSON.parse(layout[2]!) as string);
      if (draft.tasks.some((t) => t.key === key)) return { ...issue, severity, taskKey: key, field: "" };
    }
    return { ...issue, severity, field: issue.path };
  });
}

/** The errors and then the warnings of a check, placed (see ValidationResult). */
export function placeResult(
  draft: DraftDefinition,
  result: { ok: true; warnings: readonly ValidationIssue[] } | { ok: false; errors: readonly ValidationIssue[] },
): PlacedIssue[] {
  return result.ok ? placeIssues(draft, result.warnings, "warning") : placeIssues(draft, result.errors);
}

/** Only the errors: what stops a save or an export, and what marks a task on the canvas. */
export function errorsOnly(issues: readonly PlacedIssue[]): PlacedIssue[] {
  return issues.filter((issue) => issue.severity === "error");
}

/** The issues of one field: its exact path or anything inside it. */
export function issuesAt(issues: readonly PlacedIssue[], taskKey: string | undefined, field: string): PlacedIssue[] {
  return issues.filter(
    (issue) =>
      issue.taskKey === taskKey &&
      (issue.field === field || issue.field.startsWith(`${field}.`) || issue.field.startsWith(`${field}[`)),
  );
}

/** How many issues each task has. */
export function issueCountByTask(issues: readonly PlacedIssue[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const issue of issues) if (issue.taskKey !== undefined) counts.set(issue.taskKey, (counts.get(issue.taskKey) ?? 0) + 1);
  return counts;
}
