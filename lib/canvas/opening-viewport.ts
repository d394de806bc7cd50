import { TASK_NODE_HEIGHT, TASK_NODE_WIDTH } from "@/lib/canvas/definition-to-flow";

export type Viewport = { x: number; y: number; zoom: number };
export type Size = { width: number; height: number };

/**
 * Zoom below which a workflow does not open fitted to the canvas: its cards would be unreadable
 * (a 500-task graph fitted into a laptop's canvas is a strip of 15 px specks). Such a graph opens
 * at this zoom on its start instead (the first layers, the roots on the left); the minimap shows
 * the whole and "Zoom to fit" still fits everything. @default 0.6
 */
export const OPENING_MIN_ZOOM = 0.6;
/** @default 1 */
export const OPENING_MAX_ZOOM = 1;
/** Share of the canvas left free around a fitted graph. @default 0.15 */
export const OPENING_PADDING = 0.15;

/**
 * Where the canvas looks when a workflow opens (or after auto-layout, an import): the whole graph
 * fitted when it is readable that way, else its start at OPENING_MIN_ZOOM, vertically centred when
 * it is short enough, else from its top. Pure: positions are the cards' top-left corners.
 */
export function openingViewport(positions: readonly { x: number; y: number }[], canvas: Size): Viewport {
  if (positions.length === 0 || canvas.width <= 0 || canvas.height <= 0) return { x: 0, y: 0, zoom: 1 };
  const minX = Math.min(...positions.map((p) => p.x));
  const minY = Math.min(...positions.map((p) => p.y));
  const maxX = Math.max(...positions.map((p) => p.x)) + TASK_NODE_WIDTH;
  const maxY = Math.max(...positions.map((p) => p.y)) + TASK_NODE_HEIGHT;
  const width = maxX - minX;
  const height = maxY - minY;
  const fitZoom = Math.min((canvas.width * (1 - 2 * OPENING_PADDING)) / width, (canvas.height * (1 - 2 * OPENING_PADDING)) / height);
  if (fitZoom >= OPENING_MIN_ZOOM) {
    const zoom = Math.min(fitZoom, OPENING_MAX_ZOOM);
    return { x: canvas.width / 2 - (minX + width / 2) * zoom, y: canvas.height / 2 - (minY + height / 2) * zoom, zoom };
  }
  const zoom = OPENING_MIN_ZOOM;
  const margin = 48;
  const y = height * zoom <= canvas.height - 2 * margin ? canvas.height / 2 - (minY + height / 2) * zoom : margin - minY * zoom;
  const x = width * zoom <= canvas.width - 2 * margin ? canvas.width / 2 - (minX + width / 2) * zoom : margin - minX * zoom;
  return { x, y, zoom };
}
