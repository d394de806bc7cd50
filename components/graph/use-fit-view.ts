"use client";

import { useCallback, useState, type RefObject } from "react";
import { useReactFlow } from "@xyflow/react";
import { FOCUS_ZOOM, coveredInsets, fitViewport, focusViewport, type FitOptions, type Insets, type Point } from "@/lib/canvas/fit-view";

/** Marks a panel laid over a graph canvas: fits leave the side it covers free (lib/canvas/fit-view.ts coveredInsets). */
export const CANVAS_COVER_ATTRIBUTE = "data-canvas-cover";

/** A canvas whose opening fit has not run yet: laid out (so it can be measured) but not shown. */
export const VIEW_UNPLACED = "invisible";

function measure(container: HTMLElement): { size: { width: number; height: number }; insets: Insets } {
  const rect = container.getBoundingClientRect();
  const covers = Array.from(document.querySelectorAll(`[${CANVAS_COVER_ATTRIBUTE}]`), (element) => element.getBoundingClientRect());
  return { size: { width: rect.width, height: rect.height }, insets: coveredInsets(rect, covers) };
}

/**
 * The view of a graph canvas inside `container`, from the pure computations in lib/canvas/fit-view.ts:
 * `fit` shows the whole graph when it is readable so, else its start (the opening view, "Zoom to
 * fit", after a layout); `focus` centres one card. Both leave the sides covered by panels free.
 * Positions default to the nodes React Flow holds. `placed` turns true with the first fit: until
 * then the canvas shows React Flow's default viewport, which the opening fit replaces a few frames
 * later, so a graph hides its canvas until `placed` (no jump on opening, and no click that lands where
 * a card was a frame earlier; see VIEW_UNPLACED).
 */
export function useFitView(container: RefObject<HTMLElement | null>, options: Omit<FitOptions, "insets"> = {}) {
  const flow = useReactFlow();
  const [placed, setPlaced] = useState(false);
  const { minZoom, maxZoom, padding } = options;
  const fit = useCallback(
    (fitOptions: { duration?: number; positions?: readonly Point[] } = {}) => {
      if (!container.current) return;
      const { size, insets } = measure(container.current);
      const positions = fitOptions.positions ?? flow.getNodes().map((node) => node.position);
      void flow.setViewport(fitViewport(positions, size, { insets, minZoom, maxZoom, padding }), fitOptions.duration ? { duration: fitOptions.duration } : undefined);
      setPlaced(true);
    },
    [container, flow, minZoom, maxZoom, padding],
  );
  const focus = useCallback(
    (position: Point, duration = 250) => {
      if (!container.current) return;
      const { size, insets } = measure(container.current);
      void flow.setViewport(focusViewport(position, size, Math.max(flow.getZoom(), FOCUS_ZOOM), insets), { duration });
    },
    [container, flow],
  );
  return { fit, focus, placed };
}
