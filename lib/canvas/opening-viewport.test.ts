import { describe, expect, it } from "vitest";
import { OPENING_MIN_ZOOM, openingViewport } from "@/lib/canvas/opening-viewport";
import { TASK_NODE_HEIGHT, TASK_NODE_WIDTH } from "@/lib/canvas/definition-to-flow";

const canvas = { width: 1000, height: 800 };

describe("openingViewport", () => {
  it("fits a small graph, centred, at most at zoom 1", () => {
    //   a ─ b
    const view = openingViewport([{ x: 0, y: 0 }, { x: 320, y: 0 }], canvas);
    expect(view.zoom).toBe(1);
    // The graph's centre lands on the canvas centre.
    expect(view.x + ((320 + TASK_NODE_WIDTH) / 2) * view.zoom).toBeCloseTo(500);
    expect(view.y + (TASK_NODE_HEIGHT / 2) * view.zoom).toBeCloseTo(400);
  });

  it("zooms out to fit a medium graph while its cards stay readable", () => {
    const positions = Array.from({ length: 5 }, (_, layer) => ({ x: layer * 320, y: 0 }));
    const view = openingViewport(positions, canvas);
    expect(view.zoom).toBeGreaterThanOrEqual(OPENING_MIN_ZOOM);
    expect(view.zoom).toBeLessThan(1);
    // Every card is inside the canvas.
    for (const p of positions) {
      expect(view.x + p.x * view.zoom).toBeGreaterThanOrEqual(0);
      expect(view.x + (p.x + TASK_NODE_WIDTH) * view.zoom).toBeLessThanOrEqual(canvas.width);
    }
  });

  it("opens a graph too big to fit readably on its start: the leftmost layer at the left edge, rows centred", () => {
    // 50 layers of 10 rows.
    const positions = Array.from({ length: 500 }, (_, index) => ({ x: Math.floor(index / 10) * 320, y: (index % 10) * 92 }));
    const view = openingViewport(positions, canvas);
    expect(view.zoom).toBe(OPENING_MIN_ZOOM);
    expect(view.x).toBe(48);
    const height = 9 * 92 + TASK_NODE_HEIGHT;
    expect(view.y + (height / 2) * view.zoom).toBeCloseTo(400);
  });

  it("starts a graph both too wide and too tall from its top-left corner", () => {
    const positions = Array.from({ length: 400 }, (_, index) => ({ x: 100 + Math.floor(index / 20) * 320, y: 50 + (index % 20) * 92 }));
    const view = openingViewport(positions, canvas);
    expect(view).toEqual({ x: 48 - 100 * OPENING_MIN_ZOOM, y: 48 - 50 * OPENING_MIN_ZOOM, zoom: OPENING_MIN_ZOOM });
  });

  it("leaves the view alone for an empty graph", () => {
    expect(openingViewport([], canvas)).toEqual({ x: 0, y: 0, zoom: 1 });
  });
});
