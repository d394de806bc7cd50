/**
 * The graph of a diff: the newer version's tasks plus the removed ones, each marked added, removed
 * or changed, and the removed dependencies kept as dashed edges, so one picture shows both sides.
 */
import { definitionToFlow, type FlowEdge, type FlowNode } from "@/lib/canvas/definition-to-flow";
import type { WorkflowDefinition } from "@/lib/workflow";
import type { WorkflowDiff } from "@/lib/editor/diff";

export type DiffMark = "added" | "removed" | "changed";
export type DiffFlowNode = FlowNode & { data: FlowNode["data"] & { diff?: DiffMark } };
export type DiffFlowEdge = FlowEdge & { className?: string; animated?: boolean };

export function diffGraph(before: WorkflowDefinition, after: WorkflowDefinition, diff: WorkflowDiff): { nodes: DiffFlowNode[]; edges: DiffFlowEdge[] } {
  const removed = new Set(diff.removed);
  const union: WorkflowDefinition = {
    ...after,
    tasks: [...after.tasks, ...before.tasks.filter((task) => removed.has(task.key))],
  };
  const { nodes, edges } = definitionToFlow(union);
  const changed = new Set(diff.changed.map((change) => change.taskKey));
  const added = new Set(diff.added);
  const marked: DiffFlowNode[] = nodes.map((node) => {
    const mark: DiffMark | undefined = added.has(node.id) ? "added" : removed.has(node.id) ? "removed" : changed.has(node.id) ? "changed" : undefined;
    return mark ? { ...node, data: { ...node.data, diff: mark } } : node;
  });
  const afterEdges = new Set(definitionToFlow(after).edges.map((edge) => edge.id));
  const beforeEdges = definitionToFlow(before).edges;
  const beforeIds = new Set(beforeEdges.map((edge) => edge.id));
  const all: DiffFlowEdge[] = edges.map((edge) => {
    if (!afterEdges.has(edge.id)) return { ...edge, className: "diff-removed" };
    if (!beforeIds.has(edge.id)) return { ...edge, className: "diff-added" };
    return edge;
  });
  for (const edge of beforeEdges) {
    if (!all.some((e) => e.id === edge.id)) all.push({ ...edge, className: "diff-removed" });
  }
  return { nodes: marked, edges: all };
}
