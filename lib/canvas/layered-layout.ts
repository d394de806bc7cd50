import { TASK_NODE_HEIGHT, TASK_NODE_WIDTH } from "@/lib/canvas/definition-to-flow";
import type { LayoutGraph, Positions } from "@/lib/canvas/layout-options";

/** Horizontal gap between layers, as in ELK's options. @default 72 */
export const LAYER_GAP = 72;
/** Vertical gap between cards of a layer, as in ELK's options. @default 28 */
export const ROW_GAP = 28;
/** Barycenter passes (down and up count one each). @default 8 */
const SWEEPS = 8;

/**
 * A fast layered layout, left to right, for big graphs: ELK's layered algorithm takes about a
 * second on 500 tasks (more while its code is cold), this takes milliseconds. The classic steps,
 * simplified: layers by longest path (a task without dependencies sits just before its first
 * dependent), order within a layer by barycenter sweeps starting from the definition's task order,
 * cards of a layer stacked and centred. Edges that would close a cycle are ignored (a valid
 * workflow has none). Pure: the same graph always gets the same positions.
 */
export function layeredLayout({ nodes, edges }: LayoutGraph): Positions {
  const ids = nodes.map((node) => node.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const preds: number[][] = ids.map(() => []);
  const succs: number[][] = ids.map(() => []);
  for (const edge of edges) {
    const from = index.get(edge.source);
    const to = index.get(edge.target);
    if (from === undefined || to === undefined || from === to) continue;
    succs[from]!.push(to);
    preds[to]!.push(from);
  }

  // Topological order (Kahn, ties in task order); nodes left over sit on cycles: their
  // incoming edges from unplaced nodes are dropped.
  const order = topologicalOrder(ids.length, preds, succs);
  const placed = new Set<number>();
  const layer = new Array<number>(ids.length).fill(0);
  for (const v of order) {
    for (const p of preds[v]!) if (placed.has(p)) layer[v] = Math.max(layer[v]!, layer[p]! + 1);
    placed.add(v);
  }
  const forward = (from: number, to: number) => layer[to]! > layer[from]!;
  // Tasks without dependencies move right, next to their first dependent.
  for (const v of [...order].reverse()) {
    if (preds[v]!.length > 0) continue;
    const next = succs[v]!.filter((s) => forward(v, s)).map((s) => layer[s]!);
    if (next.length > 0) layer[v] = Math.min(...next) - 1;
  }

  const layerCount = Math.max(0, ...layer) + 1;
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  for (let v = 0; v < ids.length; v++) layers[layer[v]!]!.push(v);

  // Position of each node in its layer, centred so that layers of different sizes compare.
  const slot = new Array<number>(ids.length).fill(0);
  const place = (members: number[]) => members.forEach((v, i) => (slot[v] = i - (members.length - 1) / 2));
  layers.forEach(place);
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const down = sweep % 2 === 0;
    const sequence = down ? layers.slice(1) : layers.slice(0, -1).reverse();
    for (const members of sequence) {
      const barycenter = new Map<number, number>();
      for (const v of members) {
        const neighbours = (down ? preds[v]! : succs[v]!).filter((n) => (down ? forward(n, v) : forward(v, n)));
        if (neighbours.length > 0) barycenter.set(v, neighbours.reduce((sum, n) => sum + slot[n]!, 0) / neighbours.length);
      }
      // Nodes without neighbours on that side keep their place; the others sort by barycenter.
      const movable = members.filter((v) => barycenter.has(v)).sort((a, b) => barycenter.get(a)! - barycenter.get(b)! || slot[a]! - slot[b]!);
      let next = 0;
      const sorted = members.map((v) => (barycenter.has(v) ? movable[next++]! : v));
      members.splice(0, members.length, ...sorted);
      place(members);
    }
  }

  const positions: Positions = {};
  for (let l = 0; l < layerCount; l++) {
    for (const v of layers[l]!) {
      positions[ids[v]!] = { x: l * (TASK_NODE_WIDTH + LAYER_GAP), y: Math.round(slot[v]! * (TASK_NODE_HEIGHT + ROW_GAP)) };
    }
  }
  // Top-left at (0, 0), like ELK's result.
  const top = Math.min(0, ...Object.values(positions).map((p) => p.y));
  for (const p of Object.values(positions)) p.y -= top;
  return positions;
}

function topologicalOrder(count: number, preds: number[][], succs: number[][]): number[] {
  const remaining = preds.map((list) => list.length);
  const order: number[] = [];
  const done = new Array<boolean>(count).fill(false);
  let ready = Array.from({ length: count }, (_, v) => v).filter((v) => remaining[v] === 0);
  while (order.length < count) {
    if (ready.length === 0) {
      // A cycle: take the first unplaced node in task order and go on.
      ready = [done.findIndex((isDone) => !isDone)];
    }
    const next: number[] = [];
    for (const v of ready) {
      if (done[v]) continue;
      done[v] = true;
      order.push(v);
      for (const s of succs[v]!) if (--remaining[s]! === 0 && !done[s]) next.push(s);
    }
    ready = next.sort((a, b) => a - b);
  }
  return order;
}
