import type { TaskType, WorkflowDefinition } from "@/lib/workflow";
import { summarizeTask } from "@/lib/workflow";
import { switchBranches, type BranchId } from "@/lib/workflow/switch-branches";

/**
 * The pure mapping from a definition to the graph the canvas draws: one node per task, one edge
 * per dependency, switch edges labelled with their branch and leaving from that branch's handle
 * (a switch card has one source handle per case and one for the default). No React here, so the mapping is
 * unit-tested and shared by the read-only preview, the designer and the monitor.
 */
export type TaskNodeData = {
  taskKey: string;
  /** The task's display name, or its key when it has none. */
  label: string;
  taskType: TaskType;
  summary: string;
  /** A switch's branches, each drawn as a source handle (id = branch id): its cases, then the default. */
  branches?: { id: BranchId; name: string }[];
  /** The task's status in the designer's last test run (Test panel), when one is shown. */
  testStatus?: string;
};

export type FlowNode = { id: string; type: "task"; position: { x: number; y: number }; data: TaskNodeData };
/** `sourceHandle`: the switch branch (handle id) an edge out of a switch leaves from. */
export type FlowEdge = { id: string; source: string; target: string; label?: string; sourceHandle?: BranchId };

/** The size every task card is laid out with (the card's CSS uses the same numbers). */
export const TASK_NODE_WIDTH = 240;
export const TASK_NODE_HEIGHT = 64;

export function edgeId(source: string, target: string): string {
  return `${source}->${target}`;
}

/** Per target of a switch: the branches listing it (the first one is where its edge leaves from). */
function branchesByTarget(params: unknown): Map<string, { id: BranchId; name: string }[]> {
  const byTarget = new Map<string, { id: BranchId; name: string }[]>();
  for (const branch of switchBranches(params)) {
    for (const target of new Set(branch.targets)) byTarget.set(target, [...(byTarget.get(target) ?? []), { id: branch.id, name: branch.name }]);
  }
  return byTarget;
}

export function definitionToFlow(definition: WorkflowDefinition): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const tasksByKey = new Map(definition.tasks.map((task) => [task.key, task]));
  const nodes: FlowNode[] = definition.tasks.map((task) => ({
    id: task.key,
    type: "task",
    position: definition.layout?.[task.key] ?? { x: 0, y: 0 },
    data: {
      taskKey: task.key,
      label: task.name ?? task.key,
      taskType: task.type,
      summary: summarizeTask(task),
      ...(task.type === "switch" ? { branches: switchBranches(task.params).map(({ id, name }) => ({ id, name })) } : {}),
    },
  }));
  const switchTargets = new Map(definition.tasks.filter((task) => task.type === "switch").map((task) => [task.key, branchesByTarget(task.params)]));
  const edges: FlowEdge[] = [];
  for (const task of definition.tasks) {
    for (const source of task.dependsOn ?? []) {
      if (!tasksByKey.has(source)) continue;
      const branches = switchTargets.get(source)?.get(task.key);
      const edge: FlowEdge = { id: edgeId(source, task.key), source, target: task.key };
      if (branches) Object.assign(edge, { label: branches.map((b) => b.name).join(", "), sourceHandle: branches[0]!.id });
      // A dependent of a switch in none of its branches (a validation error) leaves from the default.
      else if (switchTargets.has(source)) edge.sourceHandle = "default";
      edges.push(edge);
    }
  }
  return { nodes, edges };
}
