"use client";

// Types and the small layout only: ELK (1.6 MB) loads in the worker, or on demand where there are no workers.
import { layeredLayout } from "@/lib/canvas/layered-layout";
import { LARGE_GRAPH_TASKS, type LayoutGraph, type Positions } from "@/lib/canvas/layout-options";

/**
 * Auto-layout for the browser, the same as lib/canvas/auto-layout.ts: a big graph gets the fast
 * layered layout in this thread (milliseconds); ELK runs in a Web Worker (started on first use
 * and kept) so that its code loading and warming up never freeze the page. Falls back to the main
 * thread where there are no workers.
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

export async function layoutPositionsInBrowser(graph: LayoutGraph): Promise<Positions> {
  if (graph.nodes.length === 0) return {};
  if (graph.nodes.length > LARGE_GRAPH_TASKS) return layeredLayout(graph);
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

/** Starts the worker and lets it lay out a small graph, so the first Layout does not wait for ELK to load and warm up. */
export function warmUpAutoLayout(): void {
  if (!layoutWorker()) return;
  const chain = Array.from({ length: 12 }, (_, index) => ({ id: `n${index}` }));
  const edges = chain.slice(1).map((node, index) => ({ id: `e${index}`, source: `n${index}`, target: node.id }));
  layoutPositionsInBrowser({ nodes: chain, edges }).catch(() => undefined);
}
