"use client";

import { useCallback, useEffect, useState, type RefObject } from "react";
import { useReactFlow } from "@xyflow/react";
import { openingViewport } from "@/lib/canvas/opening-viewport";
import type { DraftDefinition } from "@/lib/editor/document";

/**
 * The opening view (see openingViewport): fitted when readable, else the graph's start. Shown when
 * the canvas is ready and again on `requestFit` (after an import or an auto-layout).
 */
export function useOpeningView(canvasRef: RefObject<HTMLDivElement | null>, latestDraft: RefObject<DraftDefinition>) {
  const flow = useReactFlow();
  // Fit the view after the nodes it should fit have reached React Flow's store: effects run
  // children first, so React Flow has taken the new nodes when this one runs.
  const [fitRequest, setFitRequest] = useState(0);
  const showOpeningView = useCallback(
    (duration?: number) => {
      const bounds = canvasRef.current?.getBoundingClientRect();
      if (!bounds) return;
      const layout = latestDraft.current.layout ?? {};
      const positions = latestDraft.current.tasks.flatMap((task) => (layout[task.key] ? [layout[task.key]!] : []));
      void flow.setViewport(openingViewport(positions, bounds), duration ? { duration } : undefined);
    },
    [canvasRef, flow, latestDraft],
  );
  useEffect(() => {
    if (fitRequest > 0) showOpeningView(200);
  }, [fitRequest, showOpeningView]);
  const onCanvasInit = useCallback(() => showOpeningView(), [showOpeningView]);
  const requestFit = useCallback(() => setFitRequest((n) => n + 1), []);
  return { onCanvasInit, requestFit };
}
