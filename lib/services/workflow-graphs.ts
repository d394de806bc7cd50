import { autoLayout } from "@/lib/canvas/auto-layout";
import { definitionToFlow, type FlowEdge, type FlowNode } from "@/lib/canvas/definition-to-flow";
import type { WorkflowDefinition } from "@/lib/workflow";

export type LaidOutGraph = { nodes: FlowNode[]; edges: FlowEdge[] };

/** A definition as a graph, auto-laid out left to right (ignores the stored layout on purpose). */
export async function laidOutGraph(definition: WorkflowDefinition): Promise<LaidOutGraph> {
  const { nodes, edges } = definitionToFlow(definition);
  return { nodes: await autoLayout(nodes, edges), edges };
}

/**
 * The definition with a position for every task: one stored without a layout (saved through the
 * API, or imported) would open in the designer with all its cards on one spot. Missing positions
 * come from the auto-layout; a definition whose tasks all have one is returned as it is.
 */
export async function withCompleteLayout(definition: WorkflowDefinition): Promise<WorkflowDefinition> {
  const layout = definition.layout ?? {};
  if (definition.tasks.every((task) => layout[task.key])) return definition;
  const { nodes, edges } = definitionToFlow(definition);
  const laid = await autoLayout(nodes, edges);
  const filled = { ...layout };
  for (const node of laid) filled[node.id] ??= { x: Math.round(node.position.x), y: Math.round(node.position.y) };
  return { ...definition, layout: filled };
}
