import type { ElkNode } from "elkjs/lib/elk-api";
import { TASK_NODE_HEIGHT, TASK_NODE_WIDTH } from "@/lib/canvas/definition-to-flow";

// The ELK graph and options of auto-layout, without ELK itself: the browser imports this and
// leaves ELK to the layout worker.

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

/** Graphs with more tasks than this get the faster options. @default 100 */
export const LARGE_GRAPH_TASKS = 100;

/**
 * Big graphs: one crossing-minimization pass instead of seven (ELK's default thoroughness) and
 * network-simplex node placement. Measured on a 500-task, 980-edge graph in Node: 1.3–2.6 s → 0.6 s,
 * and 840 px tall instead of Brandes–Köpf's 4300 px for the same ten rows.
 */
const LARGE_GRAPH_OPTIONS: Record<string, string> = {
  ...LAYOUT_OPTIONS,
  "elk.layered.thoroughness": "1",
  "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX",
};

export type LayoutGraph = { nodes: { id: string }[]; edges: { id: string; source: string; target: string }[] };
export type Positions = Record<string, { x: number; y: number }>;

/** The ELK input for a graph of task cards. */
export function elkGraph({ nodes, edges }: LayoutGraph): ElkNode {
  return {
    id: "root",
    layoutOptions: nodes.length > LARGE_GRAPH_TASKS ? LARGE_GRAPH_OPTIONS : LAYOUT_OPTIONS,
    children: nodes.map((node) => ({ id: node.id, width: TASK_NODE_WIDTH, height: TASK_NODE_HEIGHT })),
    edges: edges.map((edge) => ({ id: edge.id, sources: [edge.source], targets: [edge.target] })),
  };
}

export function positionsOf(result: ElkNode): Positions {
  return Object.fromEntries((result.children ?? []).map((child) => [child.id, { x: child.x ?? 0, y: child.y ?? 0 }]));
}

