"use client";

// Types only: ELK (1.6 MB) loads in the worker, or on demand where there are no workers.
import { LARGE_GRAPH_TASKS, type LayoutGraph, type Positions } from "@/lib/canvas/layout-options";

/**
 * Auto-layout for the browser: the same ELK layout as lib/canvas/auto-layout.ts, in a Web Worker
 * (started on first use and kept), so a big graph's layout does not freeze the page. Falls back to
 * the main thread where there are no workers. The last result is kept by graph shape (tasks, their
 * order, edges), so a layout prepared while the page was idle is there at once when asked for.
 */
let worker: Worker | null | undefined;
let nextRequestId = 1;
const pending = new Map<number, { resolve: (positions: Positions) => void; reject: (error: Error) => void }>();

function layoutWorker(): Worker | null {
  if (worker !== undefined) return worker;
  if (typeof Worker === "undefined") return (worker = null);
  try {
    worker = new Worker(new URL("./auto-layout.worker.ts", import.meta.url), { type: "module" });
  } catch {
    return (worker = null);
  }
  worker.onmessage = (event: MessageEvent<{ requestId: number; positions?: Positions; error?: string }>) => {
    const request = pending.get(event.data.requestId);
    pending.delete(event.data.requestId);
    if (event.data.positions) request?.resolve(event.data.positions);
    else request?.reject(new Error(event.data.error ?? "layout failed"));
  };
  worker.onerror = () => {
    for (const request of pending.values()) request.reject(new Error("the layout worker failed"));
    pending.clear();
    worker?.terminate();
    worker = null;
  };
  return worker;
}

/** Identifies a graph's shape: what the layout depends on (not the current positions). */
function shapeKey(graph: LayoutGraph): string {
  return JSON.stringify([graph.nodes.map((node) => node.id), graph.edges.map((edge) => [edge.source, edge.target])]);
}

let last: { key: string; positions: Promise<Positions> } | null = null;

export function layoutPositionsOffMainThread(graph: LayoutGraph): Promise<Positions> {
  if (graph.nodes.length === 0) return Promise.resolve({});
  const key = shapeKey(graph);
  if (last?.key === key) return last.positions;
  const positions = compute(graph);
  last = { key, positions };
  positions.catch(() => {
    if (last?.key === key) last = null;
  });
  return positions;
}

async function compute(graph: LayoutGraph): Promise<Positions> {
  const target = layoutWorker();
  if (!target) return (await import("@/lib/canvas/auto-layout")).layoutPositions(graph);
  const requestId = nextRequestId++;
  const graphOnly: LayoutGraph = {
    nodes: graph.nodes.map((node) => ({ id: node.id })),
    edges: graph.edges.map((edge) => ({ id: edge.id, source: edge.source, target: edge.target })),
  };
  return new Promise<Positions>((resolve, reject) => {
    pending.set(requestId, { resolve, reject });
    target.postMessage({ requestId, graph: graphOnly });
  });
}

/**
 * Gets auto-layout ready while the page is idle: starts the worker and, for a big graph, lays it
 * out (about a second, most of it ELK's code warming up), so that pressing Layout applies the
 * result at once. A small graph only warms the worker up.
 */
export function prepareAutoLayout(graph: LayoutGraph): void {
  if (!layoutWorker()) return;
  if (graph.nodes.length > LARGE_GRAPH_TASKS) {
    layoutPositionsOffMainThread(graph).catch(() => undefined);
    return;
  }
  const chain = Array.from({ length: 12 }, (_, index) => ({ id: `n${index}` }));
  compute({ nodes: chain, edges: chain.slice(1).map((node, index) => ({ id: `e${index}`, source: `n${index}`, target: node.id })) }).catch(() => undefined);
}
