import type { TaskDefinition, WorkflowDefinition } from "@/lib/workflow/schema";

/** What kind of attempt a row is: its task type, and for worker attempts the taskType workers poll. */
export type RunKind = { taskType: string; workerTaskType: string | null };

const tasksByDefinition = new WeakMap<WorkflowDefinition, Map<string, TaskDefinition>>();

export function taskOf(definition: WorkflowDefinition, taskKey: string): TaskDefinition {
  let byKey = tasksByDefinition.get(definition);
  if (!byKey) {
    byKey = new Map(definition.tasks.map((task) => [task.key, task]));
    tasksByDefinition.set(definition, byKey);
  }
  const task = byKey.get(taskKey);
  if (!task) throw new Error(`workflow ${definition.name} has no task '${taskKey}'`);
  return task;
}

/** A task's own attempts run as its type; a map item runs as the map's item task (or a child workflow). */
export function runKindOf(definition: WorkflowDefinition, taskKey: string, mapIndex: number): RunKind {
  const task = taskOf(definition, taskKey);
  if (mapIndex === -1) {
    return { taskType: task.type, workerTaskType: task.type === "worker" ? task.params.taskType : null };
  }
  if (task.type !== "map") throw new Error(`task '${taskKey}' is not a map but has item ${mapIndex}`);
  const item = task.params.task;
  if (!item) return { taskType: "subworkflow", workerTaskType: null };
  return { taskType: item.type, workerTaskType: item.type === "worker" ? (item.params as { taskType: string }).taskType : null };
}
