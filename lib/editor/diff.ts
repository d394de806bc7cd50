/**
 * A semantic diff between two versions of a workflow: which tasks were added, removed or changed
 * (and which fields), which dependencies changed, which workflow-level fields changed, and whether
 * the change is layout-only (nodes moved, nothing rewired or reconfigured). Pure.
 */
import type { WorkflowDefinition } from "@/lib/workflow";

export type FieldChange = { field: string; before: unknown; after: unknown };

export type TaskChange = {
  taskKey: string;
  /** Fields that differ, dependsOn excluded (it is reported as dependency changes). */
  fields: FieldChange[];
  dependenciesAdded: string[];
  dependenciesRemoved: string[];
};

export type WorkflowDiff = {
  added: string[];
  removed: string[];
  changed: TaskChange[];
  /** Workflow-level fields (description, input, output, timeoutMs, …) that differ; version and layout excluded. */
  workflowFields: FieldChange[];
  /** Tasks present in both whose position moved. */
  moved: string[];
  /** Nothing but positions changed. */
  layoutOnly: boolean;
  /** Nothing changed at all (positions included). */
  identical: boolean;
};

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stable((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

const same = (a: unknown, b: unknown) => stable(a) === stable(b);

/** Field-level differences of two objects, one level deep into `params`, `retry` and `timeouts`. */
function fieldChanges(before: Record<string, unknown>, after: Record<string, unknown>, skip: Set<string>, nest: Set<string>, prefix = ""): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => !skip.has(key));
  const changes: FieldChange[] = [];
  for (const key of keys) {
    const a = before[key];
    const b = after[key];
    if (same(a, b)) continue;
    const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
    if (nest.has(key) && isObject(a) && isObject(b)) {
      changes.push(...fieldChanges(a as Record<string, unknown>, b as Record<string, unknown>, new Set(), new Set(), `${prefix}${key}.`));
    } else {
      changes.push({ field: `${prefix}${key}`, before: a, after: b });
    }
  }
  return changes;
}

const TASK_SKIP = new Set(["key", "dependsOn"]);
const TASK_NEST = new Set(["params", "retry", "timeouts"]);
const WORKFLOW_SKIP = new Set(["tasks", "layout", "version"]);

export function diffDefinitions(before: WorkflowDefinition, after: WorkflowDefinition): WorkflowDiff {
  const beforeTasks = new Map(before.tasks.map((task) => [task.key, task]));
  const afterTasks = new Map(after.tasks.map((task) => [task.key, task]));
  const added = after.tasks.filter((task) => !beforeTasks.has(task.key)).map((task) => task.key);
  const removed = before.tasks.filter((task) => !afterTasks.has(task.key)).map((task) => task.key);
  const changed: TaskChange[] = [];
  const moved: string[] = [];
  for (const task of after.tasks) {
    const old = beforeTasks.get(task.key);
    if (!old) continue;
    const fields = fieldChanges(old as Record<string, unknown>, task as Record<string, unknown>, TASK_SKIP, TASK_NEST);
    const oldDeps = new Set(old.dependsOn ?? []);
    const newDeps = new Set(task.dependsOn ?? []);
    const dependenciesAdded = [...newDeps].filter((key) => !oldDeps.has(key));
    const dependenciesRemoved = [...oldDeps].filter((key) => !newDeps.has(key));
    if (fields.length > 0 || dependenciesAdded.length > 0 || dependenciesRemoved.length > 0) {
      changed.push({ taskKey: task.key, fields, dependenciesAdded, dependenciesRemoved });
    }
    if (!same(before.layout?.[task.key], after.layout?.[task.key])) moved.push(task.key);
  }
  const workflowFields = fieldChanges(before as Record<string, unknown>, after as Record<string, unknown>, WORKFLOW_SKIP, new Set());
  const semantic = added.length + removed.length + changed.length + workflowFields.length > 0;
  return {
    added,
    removed,
    changed,
    workflowFields,
    moved,
    layoutOnly: !semantic && moved.length > 0,
    identical: !semantic && moved.length === 0,
  };
}

/** One line per change, for the text view and for reviews: "+ task deploy", "~ test_1: params.url". */
export function describeDiff(diff: WorkflowDiff): string[] {
  if (diff.identical) return ["no changes"];
  if (diff.layoutOnly) return [`layout only: ${diff.moved.length} task${diff.moved.length === 1 ? "" : "s"} moved (${diff.moved.join(", ")})`];
  const lines: string[] = [];
  for (const field of diff.workflowFields) lines.push(`~ workflow ${field.field}`);
  for (const key of diff.added) lines.push(`+ task ${key}`);
  for (const key of diff.removed) lines.push(`- task ${key}`);
  for (const change of diff.changed) {
    const parts = [
      ...change.fields.map((field) => field.field),
      ...change.dependenciesAdded.map((key) => `+depends on ${key}`),
      ...change.dependenciesRemoved.map((key) => `-depends on ${key}`),
    ];
    lines.push(`~ task ${change.taskKey}: ${parts.join(", ")}`);
  }
  if (diff.moved.length > 0) lines.push(`layout: ${diff.moved.length} moved`);
  return lines;
}
