/**
 * The checks of a definition's `triggers` that the schema cannot make (validate.ts pass 2, on a
 * loose reading so they work where the schema found problems): keys unique, input templates that
 * parse and read no `$tasks` (nothing has run when a trigger fires), and a workflow trigger on its
 * own workflow (the shortest cycle; cycles through other workflows need the stored ones, see
 * lib/services/trigger-cycles.ts).
 */
import { inspectTemplate } from "./expressions";
import { joinPath, type ValidationIssue } from "./paths";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function checkTriggers(definition: Record<string, unknown>): ValidationIssue[] {
  if (!Array.isArray(definition.triggers)) return [];
  const issues: ValidationIssue[] = [];
  const seen = new Map<string, string>();
  definition.triggers.forEach((trigger: unknown, index) => {
    if (!isRecord(trigger)) return;
    const path = joinPath("triggers", index);
    if (typeof trigger.key === "string") {
      const first = seen.get(trigger.key);
      if (first) {
        issues.push({ path: joinPath(path, "key"), code: "duplicate_trigger_key", message: `duplicate trigger key "${trigger.key}" (also used by ${first})` });
      } else {
        seen.set(trigger.key, path);
      }
    }
    if ("input" in trigger) {
      const inspected = inspectTemplate(trigger.input, joinPath(path, "input"));
      issues.push(...inspected.issues);
      for (const found of inspected.references) {
        for (const reference of found.keys) {
          issues.push({
            path: found.path,
            code: "trigger_task_reference",
            message: `$tasks.${reference} cannot be read in a trigger's input: no task has run when it fires (use $trigger)`,
          });
        }
      }
    }
    if (trigger.type === "workflow" && typeof trigger.workflow === "string" && trigger.workflow === definition.name) {
      issues.push({
        path: joinPath(path, "workflow"),
        code: "trigger_cycle",
        message: `trigger "${String(trigger.key)}" starts this workflow when this workflow ends: a cycle (every execution would start another)`,
      });
    }
  });
  return issues;
}
