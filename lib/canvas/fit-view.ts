import { TASK_NODE_HEIGHT, TASK_NODE_WIDTH } from "@/lib/canvas/definition-to-flow";

// Where a graph canvas looks: the opening view, "Zoom to fit", after a layout or an import, and a
// jump to one task. One pure home for the designer, the monitor and the workflow page's graph
// (components/graph/use-fit-view.ts measures the canvas and calls these).

export type Viewport = { x: number; y: number; zoom: number };
export type Size = { width: number; height: number };
export type Rect = { x: number; y: number; width: number; height: number };
/** Pixels of the canvas hidden under panels, per side. */
export type Insets = { top: number; right: number; bottom: number; left: number };
export type Point = { x: number; y: number };

/**
 * The lowest zoom a fit goes to: below it cards are unreadable (a 281-task graph fitted into a
 * laptop's canvas is a strip of specks, a 7-card chain at 0.3× is unreadable). A graph that does
 * not fit at this zoom opens on its start instead; the minimap and panning reach the rest. It is
 * above the zoom where cards turn into plain blocks (task-node.tsx DETAIL_MIN_ZOOM). @default 0.5
 */
export const FIT_MIN_ZOOM = 0.5;
/** A fit never enlarges cards past their size. @default 1 */
export const FIT_MAX_ZOOM = 1;
/** Share of the visible area left free on each side of a fitted graph. @default 0.08 */
export const FIT_PADDING = 0.08;
/** Pixels between the visible area's edge and a graph opened on its start. @default 48 */
export const START_MARGIN = 48;
/** The zoom a jump to one task goes to at least (the problems list, the node search). @default 0.9 */
export const FOCUS_ZOOM = 0.9;
/**
 * A panel covers a side of the canvas when it overlaps it over at least this share of that side
 * (the palette, the inspector); smaller ones in a corner (minimap, zoom buttons) are left to
 * FIT_PADDING. @default 0.5
 */
export const SIDE_COVER_SHARE = 0.5;

export const NO_INSETS: Insets = { top: 0, right: 0, bottom: 0, left: 0 };

export type FitOptions = { insets?: Insets; minZoom?: number; maxZoom?: number; padding?: number };

/** The box around cards whose top-left corners are `positions`; null for none. */
export function graphBounds(positions: readonly Point[]): Rect | null {
  if (positions.length === 0) return null;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of positions) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  return { x: minX, y: minY, width: maxX - minX + TASK_NODE_WIDTH, height: maxY - minY + TASK_NODE_HEIGHT };
}

/**
 * How far panels laid over the canvas reach into it from each side. `canvas` and `covers` are
 * screen rectangles; a cover counts for the side it touches when it spans most of that side.
 */
export function coveredInsets(canvas: Rect, covers: readonly Rect[]): Insets {
  const insets = { ...NO_INSETS };
  for (const cover of covers) {
    const left = Math.max(canvas.x, cover.x);
    const right = Math.min(canvas.x + canvas.width, cover.x + cover.width);
    const top = Math.max(canvas.y, cover.y);
    const bottom = Math.min(canvas.y + canvas.height, cover.y + cover.height);
    if (right <= left || bottom <= top) continue;
    const tall = (bottom - top) / canvas.height >= SIDE_COVER_SHARE;
    const wide = (right - left) / canvas.width >= SIDE_COVER_SHARE;
    if (tall && left <= canvas.x) insets.left = Math.max(insets.left, right - canvas.x);
    else if (tall && right >= canvas.x + canvas.width) insets.right = Math.max(insets.right, canvas.x + canvas.width - left);
    else if (wide && top <= canvas.y) insets.top = Math.max(insets.top, bottom - canvas.y);
    else if (wide && bottom >= canvas.y + canvas.height) insets.bottom = Math.max(insets.bottom, canvas.y + canvas.height - top);
  }
  return insets;
}

/** The part of a canvas of `size` that panels leave visible, in the canvas's own pixels. */
export function visibleArea(size: Size, insets: Insets = NO_INSETS): Rect {
  const width = size.width - insets.left - insets.right;
  const height = size.height - insets.top - insets.bottom;
  // Panels wider than the canvas: use the whole canvas rather than nothing.
  if (width < TASK_NODE_WIDTH * FIT_MIN_ZOOM || height < TASK_NODE_HEIGHT * FIT_MIN_ZOOM) return { x: 0, y: 0, width: size.width, height: size.height };
  return { x: insets.left, y: insets.top, width, height };
}

/**
 * The view of a whole graph: fitted and centred in the visible area when that keeps the zoom at
 * least `minZoom` (at most `maxZoom`); else at `minZoom` on the graph's start: its first layer
 * (the leftmost cards: graphs are laid out left to right) at the left edge, vertically centred on
 * that layer, so cards are drawn rather than the empty middle of a wide fan-out.
 */
export function fitViewport(positions: readonly Point[], canvas: Size, options: FitOptions = {}): Viewport {
  const bounds = graphBounds(positions);
  if (!bounds || canvas.width <= 0 || canvas.height <= 0) return { x: 0, y: 0, zoom: 1 };
  const { minZoom = FIT_MIN_ZOOM, maxZoom = FIT_MAX_ZOOM, padding = FIT_PADDING } = options;
  const area = visibleArea(canvas, options.insets);
  const fitZoom = Math.min((area.width * (1 - 2 * padding)) / bounds.width, (area.height * (1 - 2 * padding)) / bounds.height);
  const centre = (offset: number, span: number, start: number, length: number, zoom: number) => offset + span / 2 - (start + length / 2) * zoom;
  if (fitZoom >= minZoom) {
    const zoom = Math.min(fitZoom, maxZoom);
    return { x: centre(area.x, area.width, bounds.x, bounds.width, zoom), y: centre(area.y, area.height, bounds.y, bounds.height, zoom), zoom };
  }
  const zoom = minZoom;
  const x = bounds.width * zoom <= area.width - 2 * START_MARGIN ? centre(area.x, area.width, bounds.x, bounds.width, zoom) : area.x + START_MARGIN - bounds.x * zoom;
  if (bounds.height * zoom <= area.height - 2 * START_MARGIN) return { x, y: centre(area.y, area.height, bounds.y, bounds.height, zoom), zoom };
  // Too tall as well: centre the first layer, without leaving empty canvas above or below the graph.
  const first = graphBounds(positions.filter((p) => p.x < bounds.x + TASK_NODE_WIDTH / 2))!;
  const y = first.height * zoom <= area.height - 2 * START_MARGIN ? centre(area.y, area.height, first.y, first.height, zoom) : area.y + START_MARGIN - first.y * zoom;
  const highest = area.y + START_MARGIN - bounds.y * zoom;
  const lowest = area.y + area.height - START_MARGIN - (bounds.y + bounds.height) * zoom;
  return { x, y: Math.min(highest, Math.max(lowest, y)), zoom };
}

/** The view centred (in the visible area) on the card at `position`, at `zoom`. */
export function focusViewport(position: Point, canvas: Size, zoom: number, insets: Insets = NO_INSETS): Viewport {
  const area = visibleArea(canvas, insets);
  return {
    x: area.x + area.width / 2 - (position.x + TASK_NODE_WIDTH / 2) * zoom,
    y: area.y + area.height / 2 - (position.y + TASK_NODE_HEIGHT / 2) * zoom,
    zoom,
  };
}

/** Where the top-left of a group of cards of `size` goes to sit centred at `point` (flow coordinates). */
export function centredAt(point: Point, size: Size): Point {
  return { x: point.x - size.width / 2, y: point.y - size.height / 2 };
}

/**
 * Where pasted cards go (flow coordinates; `positions` are the copied cards' top-left corners,
 * `view` the visible part of the canvas): `offset` from the originals when that is wholly in view
 * (a copy beside its source), else centred on the pointer when it is over the canvas, else on the
 * view's centre; never off-screen.
 */
export function pastePlacement(positions: readonly Point[], view: Rect, pointer: Point | null, offset: Point): { offset: Point } | { at: Point } {
  const bounds = graphBounds(positions.length > 0 ? positions : [{ x: 0, y: 0 }])!;
  const moved = { ...bounds, x: bounds.x + offset.x, y: bounds.y + offset.y };
  const within = (inner: Rect) => inner.x >= view.x && inner.y >= view.y && inner.x + inner.width <= view.x + view.width && inner.y + inner.height <= view.y + view.height;
  if (within(moved)) return { offset };
  const inView = pointer && pointer.x >= view.x && pointer.y >= view.y && pointer.x <= view.x + view.width && pointer.y <= view.y + view.height;
  const target = inView ? pointer : { x: view.x + view.width / 2, y: view.y + view.height / 2 };
  const at = centredAt(target, bounds);
  // Keep the top-left corner in view even when the group is bigger than the view.
  return { at: { x: Math.round(Math.max(view.x, Math.min(at.x, view.x + view.width - Math.min(bounds.width, view.width)))), y: Math.round(Math.max(view.y, Math.min(at.y, view.y + view.height - Math.min(bounds.height, view.height)))) } };
}
