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

/**
 * Graphs with more tasks than this are laid out by layeredLayout (lib/canvas/layered-layout.ts),
 * in milliseconds, instead of ELK: ELK took 1.3–2.6 s on a 500-task graph here (more in a browser
 * while its code is cold), and its fastest options still about 0.4 s warm. @default 100
 */
export const LARGE_GRAPH_TASKS = 100;

export type LayoutGraph = { nodes: { id: string }[]; edges: { id: string; source: string; target: string }[] };
export type Positions = Record<string, { x: number; y: number }>;

/** The ELK input for a graph of task cards. */
export function elkGraph({ nodes, edges }: LayoutGraph): ElkNode {
  return {
    id: "root",
    layoutOptions: LAYOUT_OPTIONS,
    children: nodes.map((node) => ({ id: node.id, width: TASK_NODE_WIDTH, height: TASK_NODE_HEIGHT })),
    edges: edges.map((edge) => ({ id: edge.id, sources: [edge.source], targets: [edge.target] })),
  };
}

export function positionsOf(result: ElkNode): Positions {
  return Object.fromEntries((result.children ?? []).map((child) => [child.id, { x: child.x ?? 0, y: child.y ?? 0 }]));
}

