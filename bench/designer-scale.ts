// Designer at scale: opens a 500-task workflow in the designer and prints how long it takes to
// open, to auto-layout, and how smooth dragging a node is. Figures, not a test.
//
//   FLOWDECK_TOKEN=… FLOWDECK_EMAIL=… FLOWDECK_PASSWORD=… npx tsx bench/designer-scale.ts [baseUrl] [--runs=3] [--profile]
//
// Needs a running server (e.g. `PORT=3300 node scripts/start.mjs`). Each run uses a fresh browser
// context. A 6-task workflow is dragged the same way first: its per-move time is the floor that
// Playwright's input round trip costs on this machine, whatever the canvas does.
// --profile samples the page's CPU during layout and drag and prints the functions with the most
// self time (names are readable when the build has source maps: FLOWDECK_SOURCE_MAPS=1 next build).
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { chromium, type Browser, type CDPSession, type Page } from "@playwright/test";
import { machineInfo, markdownTable, round } from "./stats";
import { signIn } from "./auth";

const args = process.argv.slice(2);
const baseUrl = args.find((arg) => !arg.startsWith("--")) ?? "http://127.0.0.1:3000";
// A running server's credentials: FLOWDECK_TOKEN (designer or admin) for the API, and a user for the pages.
const apiHeaders = { "content-type": "application/json", authorization: `Bearer ${process.env.FLOWDECK_TOKEN ?? ""}` };
const user = { email: process.env.FLOWDECK_EMAIL ?? "", password: process.env.FLOWDECK_PASSWORD ?? "" };
const runs = Number(args.find((arg) => arg.startsWith("--runs="))?.slice("--runs=".length) ?? 3);
const profile = args.includes("--profile");
const LAYERS = 50;
const WIDTH = 10;
const DRAG_MOVES = 60;
const name = `bench-designer-${LAYERS * WIDTH}`;

//   t0_0 ─┬─ t1_0 ─┬─ …   50 layers of 10 tasks; each task depends on two of the layer before.
function definition() {
  const tasks = [];
  const layout: Record<string, { x: number; y: number }> = {};
  for (let layer = 0; layer < LAYERS; layer++) {
    for (let i = 0; i < WIDTH; i++) {
      const key = `t${layer}_${i}`;
      const dependsOn = layer === 0 ? undefined : [`t${layer - 1}_${i}`, `t${layer - 1}_${(i + 1) % WIDTH}`];
      tasks.push({ key, type: "transform", ...(dependsOn ? { dependsOn } : {}), params: { output: { layer, i } } });
      layout[key] = { x: layer * 320, y: i * 100 };
    }
  }
  return { name, description: "500 tasks for the designer benchmark", tasks, layout };
}

type DragFigures = { msPerMove: number; frames: number; meanGapMs: number; worstGapMs: number; busyMsPerMove: number };
type RunFigures = { openMs: number; layoutMs: number; layoutFrameGapMs: number; drag: DragFigures; dragFitAll: DragFigures };

// Page scripts are strings, not functions: tsx would wrap named inner functions in a helper the page lacks.
const START_FRAMES = `(() => {
  window.frames_ = [];
  window.stop_ = false;
  const tick = (t) => { window.frames_.push(t); if (!window.stop_) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;
const STOP_FRAMES = `(() => {
  window.stop_ = true;
  const f = window.frames_;
  const gaps = f.slice(1).map((t, i) => t - f[i]);
  return { count: f.length, worstGapMs: Math.max(0, ...gaps), meanGapMs: gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length) };
})()`;

/** The renderer main thread's busy time so far (Chromium's TaskDuration), in ms. */
async function busyMs(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send("Performance.getMetrics")) as { metrics: { name: string; value: number }[] };
  return (metrics.find((metric) => metric.name === "TaskDuration")?.value ?? 0) * 1000;
}

/**
 * Drags a card by DRAG_MOVES mouse moves and counts animation frames meanwhile; also how long the
 * page's main thread was busy per move (less noisy than wall time on a loaded machine).
 */
async function drag(page: Page, cdp: CDPSession): Promise<DragFigures> {
  // The first card wholly inside the canvas, away from the minimap and controls (bottom corners).
  const box = (await page.evaluate(`(() => {
    const pane = document.querySelector(".react-flow__pane").getBoundingClientRect();
    for (const node of document.querySelectorAll(".react-flow__node")) {
      const r = node.getBoundingClientRect();
      if (r.width > 0 && r.left >= pane.left && r.top >= pane.top && r.right <= pane.right - 220 && r.bottom <= pane.bottom - 180)
        return { x: r.left, y: r.top, width: r.width, height: r.height };
    }
    return null;
  })()`)) as { x: number; y: number; width: number; height: number } | null;
  if (!box) throw new Error("no card wholly inside the canvas");
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.evaluate(START_FRAMES);
  await cdp.send("Performance.enable");
  const busyBefore = await busyMs(cdp);
  const start = performance.now();
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let step = 1; step <= DRAG_MOVES; step++) await page.mouse.move(x + step * 4, y + step * 2);
  await page.mouse.up();
  const ms = performance.now() - start;
  const busy = (await busyMs(cdp)) - busyBefore;
  const frames = (await page.evaluate(STOP_FRAMES)) as { count: number; worstGapMs: number; meanGapMs: number };
  return { msPerMove: ms / DRAG_MOVES, frames: frames.count, meanGapMs: frames.meanGapMs, worstGapMs: frames.worstGapMs, busyMsPerMove: busy / DRAG_MOVES };
}

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; hitCount?: number };
type CpuProfile = { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] };

async function startProfile(cdp: CDPSession) {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
}

/** The functions with the most self time, mapped through source maps where the build has them. */
async function printProfile(cdp: CDPSession, label: string) {
  const { profile: cpu } = (await cdp.send("Profiler.stop")) as { profile: CpuProfile };
  const byNode = new Map(cpu.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  (cpu.samples ?? []).forEach((id, index) => selfMs.set(id, (selfMs.get(id) ?? 0) + (cpu.timeDeltas?.[index] ?? 0) / 1000));
  const mapped = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of selfMs) {
    const frame = byNode.get(id)!.callFrame;
    total += ms;
    const where = await originalPosition(frame.url, frame.lineNumber, frame.columnNumber);
    const key = `${frame.functionName || "(anonymous)"} ${where}`;
    mapped.set(key, (mapped.get(key) ?? 0) + ms);
  }
  console.log(`\nCPU profile, ${label}: ${total.toFixed(0)} ms sampled; top self time`);
  for (const [key, ms] of [...mapped].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${key}`);
}

type TraceMap = import("@jridgewell/trace-mapping").TraceMap;
const maps = new Map<string, Promise<TraceMap | null>>();
async function originalPosition(url: string, line: number, column: number): Promise<string> {
  if (!url.startsWith("http")) return url ? url : "(native)";
  if (!maps.has(url)) {
    maps.set(
      url,
      (async () => {
        const script = await fetch(url).then((r) => r.text()).catch(() => "");
        const mapName = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(script)?.[1];
        const response = mapName ? await fetch(new URL(mapName, url)).catch(() => null) : null;
        if (!response?.ok) return null;
        const { TraceMap } = await import("@jridgewell/trace-mapping");
        return new TraceMap(await response.text());
      })(),
    );
  }
  const map = await maps.get(url)!;
  const short = url.replace(/^.*\/_next\//, "");
  if (!map) return `${short}:${line + 1}:${column + 1}`;
  const { originalPositionFor } = await import("@jridgewell/trace-mapping");
  const position = originalPositionFor(map, { line: line + 1, column });
  return position.source ? `${position.source.replace(/^.*node_modules\//, "")}:${position.line}` : short;
}

async function run(browser: Browser, withProfile: boolean): Promise<RunFigures> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await signIn(page, baseUrl, user.email, user.password);
  const cdp = await context.newCDPSession(page);

  if (withProfile) {
    // Same origin first, so the profiler stays attached to the renderer that opens the designer.
    await page.goto(`${baseUrl}/api/health`);
    await startProfile(cdp);
  }
  let start = performance.now();
  await page.goto(`${baseUrl}/workflows/${name}/edit`);
  await page.locator(".react-flow__node").first().waitFor();
  await page.locator('[data-testid="validation-state"][data-state="valid"]').waitFor({ timeout: 60_000 });
  const openMs = performance.now() - start;
  if (withProfile) await printProfile(cdp, "open");

  if (withProfile) await startProfile(cdp);
  await page.evaluate(START_FRAMES);
  start = performance.now();
  await page.getByRole("button", { name: "Layout" }).click();
  await page.waitForFunction(() => !document.querySelector("button[title='Auto-layout (left to right)']")?.hasAttribute("disabled"), undefined, { polling: "raf" });
  const layoutMs = performance.now() - start;
  const layoutFrames = (await page.evaluate(STOP_FRAMES)) as { worstGapMs: number };
  if (withProfile) await printProfile(cdp, "auto-layout");
  await page.waitForTimeout(600); // the fit-view animation

  if (withProfile) await startProfile(cdp);
  const dragFigures = await drag(page, cdp);
  if (withProfile) await printProfile(cdp, `drag (${DRAG_MOVES} moves)`);

  // The same with the whole graph in view: every card and edge drawn, the worst case.
  await page.getByRole("button", { name: "Zoom to fit" }).click();
  await page.waitForTimeout(600);
  if (withProfile) await startProfile(cdp);
  const dragFitAll = await drag(page, cdp);
  if (withProfile) await printProfile(cdp, `drag zoomed to fit all (${DRAG_MOVES} moves)`);
  await context.close();
  return { openMs, layoutMs, layoutFrameGapMs: layoutFrames.worstGapMs, drag: dragFigures, dragFitAll };
}

async function floor(browser: Browser): Promise<DragFigures> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await signIn(page, baseUrl, user.email, user.password);
  await page.goto(`${baseUrl}/workflows/build-test-deploy/edit`);
  await page.locator(".react-flow__node").first().waitFor();
  await page.waitForTimeout(300);
  const figures = await drag(page, await context.newCDPSession(page));
  await context.close();
  return figures;
}

const executablePath = process.env.FLOWDECK_CHROMIUM ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const browser = await chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const saved = await fetch(`${baseUrl}/api/workflows`, { method: "POST", headers: apiHeaders, body: JSON.stringify(definition()) });
if (!saved.ok) throw new Error(`saving the benchmark workflow failed: ${saved.status} ${await saved.text()}`);

const machine = machineInfo();
const loadBefore = loadavg();
const small = await floor(browser);
const results: RunFigures[] = [];
for (let index = 0; index < runs; index++) results.push(await run(browser, profile && index === runs - 1));
const loadAfter = loadavg();
await browser.close();

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const gaps = (d: DragFigures) => `${round(d.meanGapMs)} / ${Math.round(d.worstGapMs)}`;
const perMove = (d: DragFigures) => `${round(d.msPerMove)} (${round(d.busyMsPerMove)})`;
const row = (label: string, r: RunFigures) => [
  label,
  Math.round(r.openMs),
  Math.round(r.layoutMs),
  Math.round(r.layoutFrameGapMs),
  perMove(r.drag),
  gaps(r.drag),
  perMove(r.dragFitAll),
  gaps(r.dragFitAll),
];
const medianRun: RunFigures = {
  openMs: median(results.map((r) => r.openMs)),
  layoutMs: median(results.map((r) => r.layoutMs)),
  layoutFrameGapMs: median(results.map((r) => r.layoutFrameGapMs)),
  drag: {
    msPerMove: median(results.map((r) => r.drag.msPerMove)),
    busyMsPerMove: median(results.map((r) => r.drag.busyMsPerMove)),
    frames: 0,
    meanGapMs: median(results.map((r) => r.drag.meanGapMs)),
    worstGapMs: median(results.map((r) => r.drag.worstGapMs)),
  },
  dragFitAll: {
    msPerMove: median(results.map((r) => r.dragFitAll.msPerMove)),
    busyMsPerMove: median(results.map((r) => r.dragFitAll.busyMsPerMove)),
    frames: 0,
    meanGapMs: median(results.map((r) => r.dragFitAll.meanGapMs)),
    worstGapMs: median(results.map((r) => r.dragFitAll.worstGapMs)),
  },
};
console.log(`\nDesigner with ${LAYERS * WIDTH} tasks and ${(LAYERS - 1) * WIDTH * 2} edges, ${baseUrl}, viewport 1440×900`);
console.log(
  `Machine: ${machine.cpuModel}, ${machine.nproc} cores, ${machine.memoryTotalMiB} MiB, ${machine.os}, Node ${machine.node}, Chromium ${browser.version()}; ` +
    `load average ${loadBefore.map((l) => l.toFixed(2)).join(" ")} before, ${loadAfter.map((l) => l.toFixed(2)).join(" ")} after\n`,
);
console.log(
  markdownTable(
    ["run", "open ms", "layout ms", "layout: worst frame gap ms", "drag ms/move (main thread busy)", "drag: mean / worst frame gap ms", "drag, all in view: ms/move (busy)", "all in view: mean / worst frame gap ms"],
    [
      ...results.map((r, index) => row(String(index + 1), r)),
      row("median", medianRun),
      ["6-task floor", "", "", "", perMove(small), gaps(small), "", ""],
    ],
  ),
);
console.log(
  "\nopen: navigation → first node drawn → validated. layout: click → positions applied. drag: " +
    `${DRAG_MOVES} mouse moves of one node at the view the layout leaves (the graph's start, readable), then with all ` +
    "500 cards in view (Zoom to fit). ms/move includes Playwright's input round trip (see the 6-task floor); " +
    "busy: the page's main thread per move (Chromium's TaskDuration); " +
    "a frame gap near 16.7 ms is 60 fps.",
);
