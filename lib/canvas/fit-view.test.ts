import { describe, expect, it } from "vitest";
import { FIT_MIN_ZOOM, START_MARGIN, coveredInsets, fitViewport, focusViewport, graphBounds, pastePlacement } from "@/lib/canvas/fit-view";
import { TASK_NODE_HEIGHT, TASK_NODE_WIDTH } from "@/lib/canvas/definition-to-flow";

const canvas = { width: 1000, height: 800 };
/** Where a card at flow `p` is drawn on the canvas under `view`. */
const screen = (view: { x: number; y: number; zoom: number }, p: { x: number; y: number }) => ({
  left: view.x + p.x * view.zoom,
  top: view.y + p.y * view.zoom,
  right: view.x + (p.x + TASK_NODE_WIDTH) * view.zoom,
  bottom: view.y + (p.y + TASK_NODE_HEIGHT) * view.zoom,
});

/** Layers of 1, 9, 27, 81 and 162 cards and a join, laid out left to right and centred vertically. */
function layered(): { x: number; y: number }[] {
  const sizes = [1, 9, 27, 81, 162, 1];
  const tallest = 162 * 92;
  return sizes.flatMap((size, layer) => Array.from({ length: size }, (_, row) => ({ x: layer * 312, y: (tallest - size * 92) / 2 + row * 92 })));
}

describe("fitViewport", () => {
  it("fits a small graph, centred, at most at zoom 1", () => {
    const view = fitViewport([{ x: 0, y: 0 }, { x: 320, y: 0 }], canvas);
    expect(view.zoom).toBe(1);
    expect(view.x + ((320 + TASK_NODE_WIDTH) / 2) * view.zoom).toBeCloseTo(500);
    expect(view.y + (TASK_NODE_HEIGHT / 2) * view.zoom).toBeCloseTo(400);
  });

  it("zooms out to fit a medium graph with every card inside the canvas", () => {
    const positions = Array.from({ length: 4 }, (_, layer) => ({ x: layer * 312, y: 0 }));
    const view = fitViewport(positions, canvas);
    expect(view.zoom).toBeGreaterThanOrEqual(FIT_MIN_ZOOM);
    expect(view.zoom).toBeLessThan(1);
    for (const p of positions) {
      const box = screen(view, p);
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(canvas.width);
    }
  });

  it("leaves the sides covered by panels free: the graph is centred in what they leave visible", () => {
    const positions = [{ x: 0, y: 0 }, { x: 312, y: 0 }];
    const insets = { top: 0, right: 352, bottom: 0, left: 0 };
    const view = fitViewport(positions, canvas, { insets });
    for (const p of positions) expect(screen(view, p).right).toBeLessThanOrEqual(canvas.width - insets.right);
    expect(view.x + ((312 + TASK_NODE_WIDTH) / 2) * view.zoom).toBeCloseTo((canvas.width - insets.right) / 2);
  });

  it("opens a wide chain (7 cards, 2,100 px) at the minimum zoom on its first card, not at 0.3×", () => {
    const positions = Array.from({ length: 7 }, (_, layer) => ({ x: layer * 312, y: 0 }));
    const view = fitViewport(positions, { width: 850, height: 800 });
    expect(view.zoom).toBe(FIT_MIN_ZOOM);
    expect(screen(view, positions[0]!).left).toBe(START_MARGIN);
    expect(view.y + (TASK_NODE_HEIGHT / 2) * view.zoom).toBeCloseTo(400);
  });

  it("opens a 281-task layered graph on its first layer: the root card is drawn in view, at the minimum zoom", () => {
    const positions = layered();
    const view = fitViewport(positions, canvas);
    expect(view.zoom).toBe(FIT_MIN_ZOOM);
    const root = screen(view, positions[0]!);
    // 1,800 px wide: at 0.5× it fits across, centred; only its height does not fit.
    expect(root.left).toBeGreaterThanOrEqual(START_MARGIN - 1);
    expect((root.top + root.bottom) / 2).toBeCloseTo(canvas.height / 2);
    // Cards of every layer but the join are in view around the root.
    const inView = positions.filter((p) => {
      const box = screen(view, p);
      return box.left >= 0 && box.right <= canvas.width && box.top >= 0 && box.bottom <= canvas.height;
    });
    expect(inView.length).toBeGreaterThan(20);
  });

  it("does not leave empty canvas above a tall graph whose first layer is its top", () => {
    const positions = Array.from({ length: 400 }, (_, index) => ({ x: 100 + Math.floor(index / 20) * 320, y: 50 + (index % 20) * 92 }));
    const view = fitViewport(positions, canvas);
    expect(view).toEqual({ x: START_MARGIN - 100 * FIT_MIN_ZOOM, y: START_MARGIN - 50 * FIT_MIN_ZOOM, zoom: FIT_MIN_ZOOM });
  });

  it("takes another minimum zoom (a thumbnail fits everything)", () => {
    const view = fitViewport(layered(), canvas, { minZoom: 0.01 });
    expect(view.zoom).toBeLessThan(0.1);
    for (const p of layered()) expect(screen(view, p).bottom).toBeLessThanOrEqual(canvas.height);
  });

  it("leaves the view alone for an empty graph", () => {
    expect(fitViewport([], canvas)).toEqual({ x: 0, y: 0, zoom: 1 });
  });
});

describe("coveredInsets", () => {
  const area = { x: 240, y: 50, width: 1000, height: 800 };
  it("counts a panel over a side, and not one in a corner or outside the canvas", () => {
    const inspector = { x: 890, y: 50, width: 352, height: 800 };
    const minimap = { x: 1020, y: 680, width: 200, height: 150 };
    const palette = { x: 0, y: 50, width: 240, height: 800 };
    expect(coveredInsets(area, [inspector, minimap, palette])).toEqual({ top: 0, right: 350, bottom: 0, left: 0 });
    expect(coveredInsets(area, [{ x: 200, y: 50, width: 300, height: 800 }])).toEqual({ top: 0, right: 0, bottom: 0, left: 260 });
    expect(coveredInsets(area, [{ x: 240, y: 650, width: 1000, height: 300 }])).toEqual({ top: 0, right: 0, bottom: 200, left: 0 });
  });
});

describe("focusViewport", () => {
  it("centres a card in the visible area", () => {
    const view = focusViewport({ x: 1000, y: 500 }, canvas, 0.9, { top: 0, right: 200, bottom: 0, left: 0 });
    const box = screen(view, { x: 1000, y: 500 });
    expect((box.left + box.right) / 2).toBeCloseTo(400);
    expect((box.top + box.bottom) / 2).toBeCloseTo(400);
  });
});

describe("pastePlacement", () => {
  const view = { x: 0, y: 0, width: 1000, height: 800 };
  const offset = { x: 40, y: 40 };
  it("pastes beside the originals when that is in view", () => {
    expect(pastePlacement([{ x: 100, y: 100 }], view, { x: 900, y: 700 }, offset)).toEqual({ offset });
  });
  it("pastes at the pointer, else at the view's centre, when the originals are out of view", () => {
    const far = [{ x: 5000, y: 100 }, { x: 5312, y: 100 }];
    const width = 312 + TASK_NODE_WIDTH;
    expect(pastePlacement(far, view, { x: 500, y: 300 }, offset)).toEqual({ at: { x: 500 - width / 2, y: 300 - TASK_NODE_HEIGHT / 2 } });
    expect(pastePlacement(far, view, null, offset)).toEqual({ at: { x: 500 - width / 2, y: 400 - TASK_NODE_HEIGHT / 2 } });
    // A pointer outside the view does not count.
    expect(pastePlacement(far, view, { x: 3000, y: 300 }, offset)).toEqual({ at: { x: 500 - width / 2, y: 400 - TASK_NODE_HEIGHT / 2 } });
  });
  it("keeps the pasted group's corner in view near an edge", () => {
    const placed = pastePlacement([{ x: -4000, y: 0 }], view, { x: 10, y: 790 }, offset);
    expect(placed).toEqual({ at: { x: 0, y: 800 - TASK_NODE_HEIGHT } });
  });
});

describe("graphBounds", () => {
  it("spans the cards' corners plus a card", () => {
    expect(graphBounds([{ x: -10, y: 5 }, { x: 90, y: 20 }])).toEqual({ x: -10, y: 5, width: 100 + TASK_NODE_WIDTH, height: 15 + TASK_NODE_HEIGHT });
    expect(graphBounds([])).toBeNull();
  });
});
