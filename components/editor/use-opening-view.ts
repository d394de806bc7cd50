"use client";

import { useCallback, useEffect, useState, type RefObject } from "react";
import type { DraftDefinition } from "@/lib/editor/document";
import { useFitView } from "@/components/graph/use-fit-view";

/** The positions of the placed tasks of the latest draft (read when the fit runs, not when it is made). */
function placedPositions(latestDraft: RefObject<DraftDefinition>) {
  const layout = latestDraft.current.layout ?? {};
  return latestDraft.current.tasks.flatMap((task) => (layout[task.key] ? [layout[task.key]!] : []));
}

/**
 * The designer's view of the whole graph (components/graph/use-fit-view.ts, lib/canvas/fit-view.ts):
 * fitted when readable, else the graph's start, leaving the sides under panels free. Shown when the
 * canvas is ready, on "Zoom to fit" (`fitNow`), and again on `requestFit` (after an import or a layout).
 */
export function useOpeningView(canvasRef: RefObject<HTMLDivElement | null>, latestDraft: RefObject<DraftDefinition>) {
  const { fit, focus, placed } = useFitView(canvasRef);
  // Fit the view after the nodes it should fit have reached React Flow's store: effects run
  // children first, so React Flow has taken the new nodes when this one runs.
  const [fitRequest, setFitRequest] = useState(0);
  const showWholeGraph = useCallback(
    (duration?: number) => {
      fit({ duration, positions: placedPositions(latestDraft) });
    },
    [fit, latestDraft],
  );
  useEffect(() => {
    if (fitRequest > 0) showWholeGraph(200);
  }, [fitRequest, showWholeGraph]);
  const onCanvasInit = useCallback(() => showWholeGraph(), [showWholeGraph]);
  const requestFit = useCallback(() => setFitRequest((n) => n + 1), []);
  const fitNow = useCallback(() => showWholeGraph(200), [showWholeGraph]);
  return { onCanvasInit, requestFit, fitNow, focus, placed };
}
