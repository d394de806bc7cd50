import type { TaskDefinition, TaskType, WorkflowDefinition } from "@/lib/workflow";
import { summarizeTask } from "@/lib/workflow";

/**
 * The pure mapping from a definition to the graph the canvas draws: one node per task, one edge
 * per dependency, switch edges labelled with their branch. No React here, so the mapping is
 * unit-tested and shared by the read-only preview, the designer and the monitor.
 */
export type TaskNodeData = {
  taskKey: string;
  /** The task's display name, or its key when it has none. */
  label: string;
  taskType: TaskType;
  summary: string;
};

export type FlowNode = { id: string; type: "task"; position: { x: number; y: number }; data: TaskNodeData };
export type FlowEdge = { id: string; source: string; target: string; label?: string };

/** The size every task card is laid out with (the card's CSS uses the same numbers). */
export const TASK_NODE_WIDTH = 240;
export const TASK_NODE_HEIGHT = 64;

export function edgeId(source: string, target: string): string {
  return `${source}->${target}`;
}

function switchBranchLabels(task: TaskDefinition): Map<string, string> {
  const labels = new Map<string, string>();
  if (task.type !== "switch") return labels;
  for (const branch of task.params.cases) for (const target of branch.next) labels.set(target, branch.name);
  for (const target of task.params.default ?? []) labels.set(target, "default");
  return labels;
}

export function definitionToFlow(definition: WorkflowDefinition): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const tasksByKey = new Map(definition.tasks.map((task) => [task.key, task]));
  const nodes: FlowNode[] = definition.tasks.map((task) => ({
    id: task.key,
    type: "task",
    position: definition.layout?.[task.key] ?? { x: 0, y: 0 },
    data: { taskKey: task.key, label: task.name ?? task.key, taskType: task.type, summary: summarizeTask(task) },
  }));
  const edges: FlowEdge[] = [];
  for (const task of definition.tasks) {
    for (const source of task.dependsOn ?? []) {
      const upstream = tasksByKey.get(source);
      if (!upstream) continue;
      const label = switchBranchLabels(upstream).get(task.key);
      edges.push({ id: edgeId(source, task.key), source, target: task.key, ...(label ? { label } : {}) });
    }
  }
  return { nodes, edges };
}
