import ELK from "elkjs/lib/elk.bundled.js";
import { TASK_NODE_HEIGHT, TASK_NODE_WIDTH, type FlowEdge, type FlowNode } from "@/lib/canvas/definition-to-flow";

/**
 * The one auto-layout module: ELK's layered algorithm, left to right, the layout people know from
 * CI pipelines. Pure apart from ELK itself (which runs synchronously in-process, no worker).
 */
const elk = new ELK();

const LAYOUT_OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.layered.spacing.nodeNodeBetweenLayers": "72",
  "elk.spacing.nodeNode": "28",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.layered.crossingMinimization.strategy": "LAYER_SWEEP",
  "elk.edgeRouting": "SPLINES",
  // Keep the definition's task order among siblings (test_1 above test_2 …) where it costs no crossing.
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
};

export async function autoLayout<N extends FlowNode>(nodes: N[], edges: FlowEdge[]): Promise<N[]> {
  if (nodes.length === 0) return nodes;
  const result = await elk.layout({
    id: "root",
    layoutOptions: LAYOUT_OPTIONS,
    children: nodes.map((node) => ({ id: node.id, width: TASK_NODE_WIDTH, height: TASK_NODE_HEIGHT })),
    edges: edges.map((edge) => ({ id: edge.id, sources: [edge.source], targets: [edge.target] })),
  });
  const positions = new Map((result.children ?? []).map((child) => [child.id, { x: child.x ?? 0, y: child.y ?? 0 }]));
  return nodes.map((node) => ({ ...node, position: positions.get(node.id) ?? node.position }));
}
