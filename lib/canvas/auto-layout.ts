import ELK from "elkjs/lib/elk.bundled.js";
import type { FlowEdge, FlowNode } from "@/lib/canvas/definition-to-flow";
import { layeredLayout } from "@/lib/canvas/layered-layout";
import { elkGraph, LARGE_GRAPH_TASKS, positionsOf, type LayoutGraph, type Positions } from "@/lib/canvas/layout-options";

export { LARGE_GRAPH_TASKS, type LayoutGraph, type Positions } from "@/lib/canvas/layout-options";

/**
 * The one auto-layout module: ELK's layered algorithm, left to right, the layout people know from
 * CI pipelines; above LARGE_GRAPH_TASKS tasks a simpler layered layout of our own that takes
 * milliseconds. Pure apart from ELK itself, which runs in-process here (server pages, tests); the
 * designer runs ELK in a Web Worker (auto-layout.worker.ts) so the page stays responsive.
 */
const elk = new ELK();

/** Positions for every node of the graph, computed in this thread. */
export async function layoutPositions(graph: LayoutGraph): Promise<Positions> {
  if (graph.nodes.length === 0) return {};
  if (graph.nodes.length > LARGE_GRAPH_TASKS) return layeredLayout(graph);
  return positionsOf(await elk.layout(elkGraph(graph)));
}

export async function autoLayout<N extends FlowNode>(nodes: N[], edges: FlowEdge[]): Promise<N[]> {
  if (nodes.length === 0) return nodes;
  const positions = await layoutPositions({ nodes, edges });
  return nodes.map((node) => ({ ...node, position: positions[node.id] ?? node.position }));
}
