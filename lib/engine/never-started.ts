/**
 * The tasks an execution never reached: top-level tasks of its definition without any attempt.
 * When an execution ends early (terminated by an operator or a terminate task, timed out), these
 * would otherwise show as PENDING forever — a state that promises they will still run. They end
 * CANCELLED instead, like the attempts that were live (decide's terminal sweep, and the runtime's
 * terminate in lib/runtime/writes/terminate.ts, both use this list). Pure.
 */
import type { WorkflowDefinition } from "@/lib/workflow/schema";

/** Keys of the definition's tasks that have no attempt, in definition order (each key once). */
export function neverStartedTasks(definition: Pick<WorkflowDefinition, "tasks">, startedTaskKeys: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const task of definition.tasks) {
    if (startedTaskKeys.has(task.key) || seen.has(task.key)) continue;
    seen.add(task.key);
    out.push(task.key);
  }
  return out;
}
