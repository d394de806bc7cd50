import { autoLayout } from "@/lib/canvas/auto-layout";
import { definitionToFlow, type FlowEdge, type FlowNode } from "@/lib/canvas/definition-to-flow";
import type { WorkflowDefinition } from "@/lib/workflow";

export type LaidOutGraph = { nodes: FlowNode[]; edges: FlowEdge[] };

/** A definition as a graph, auto-laid out left to right (ignores the stored layout on purpose). */
export async function laidOutGraph(definition: WorkflowDefinition): Promise<LaidOutGraph> {
  const { nodes, edges } = definitionToFlow(definition);
  return { nodes: await autoLayout(nodes, edges), edges };
}
