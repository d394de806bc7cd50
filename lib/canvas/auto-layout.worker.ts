// The designer's auto-layout off the main thread: ELK on a 500-task graph takes about a second,
// which would otherwise freeze the canvas. Messages: { requestId, graph } in, { requestId, positions }
// or { requestId, error } out.
import { layoutPositions, type LayoutGraph } from "@/lib/canvas/auto-layout";

type Request = { requestId: number; graph: LayoutGraph };

// elkjs, when loaded in a worker, installs its own message handler; this one replaces it.
self.onmessage = async (event: MessageEvent<Request>) => {
  const { requestId, graph } = event.data;
  try {
    self.postMessage({ requestId, positions: await layoutPositions(graph) });
  } catch (error) {
    self.postMessage({ requestId, error: error instanceof Error ? error.message : String(error) });
  }
};
