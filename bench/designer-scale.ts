// Designer at scale: opens a 500-task workflow in the designer and prints how long it takes to
// open, to auto-layout, and how smooth dragging a node is. Figures, not a test.
// Usage: npx tsx bench/designer-scale.ts [baseUrl]   (a running server, e.g. node scripts/start.mjs)
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

const baseUrl = process.argv[2] ?? "http://127.0.0.1:3000";
const LAYERS = 50;
const WIDTH = 10;
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

const executablePath = process.env.FLOWDECK_CHROMIUM ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const browser = await chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const saved = await page.request.post(`${baseUrl}/api/workflows`, { data: definition() });
if (!saved.ok()) throw new Error(`saving the benchmark workflow failed: ${saved.status()} ${await saved.text()}`);

let start = performance.now();
await page.goto(`${baseUrl}/workflows/${name}/edit`);
await page.locator(".react-flow__node").first().waitFor();
await page.locator('[data-testid="validation-state"][data-state="valid"]').waitFor({ timeout: 60_000 });
const openMs = performance.now() - start;

start = performance.now();
await page.getByRole("button", { name: "Layout" }).click();
await page.waitForFunction(() => !document.querySelector("button[title='Auto-layout (left to right)']")?.hasAttribute("disabled"));
await page.waitForTimeout(0);
const layoutMs = performance.now() - start;
await page.waitForTimeout(400);

// Drag a visible node for 60 mouse moves and count animation frames meanwhile.
const nodeBox = await page.locator(".react-flow__node").first().boundingBox();
if (!nodeBox) throw new Error("no node visible");
// A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
await page.evaluate(`(() => {
  window.frames_ = [];
  window.stop_ = false;
  const tick = (t) => { window.frames_.push(t); if (!window.stop_) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`);
start = performance.now();
await page.mouse.move(nodeBox.x + nodeBox.width / 2, nodeBox.y + nodeBox.height / 2);
await page.mouse.down();
for (let step = 1; step <= 60; step++) await page.mouse.move(nodeBox.x + nodeBox.width / 2 + step * 4, nodeBox.y + nodeBox.height / 2 + step * 2);
await page.mouse.up();
const dragMs = performance.now() - start;
const frames = (await page.evaluate(`(() => {
  window.stop_ = true;
  const f = window.frames_;
  const gaps = f.slice(1).map((t, i) => t - f[i]);
  return { count: f.length, worstGapMs: Math.max(...gaps), meanGapMs: gaps.reduce((a, b) => a + b, 0) / gaps.length };
})()`)) as { count: number; worstGapMs: number; meanGapMs: number };
console.log(`designer with ${LAYERS * WIDTH} tasks and ${(LAYERS - 1) * WIDTH * 2} edges`);
console.log(`  open (navigation → first node drawn → validated): ${openMs.toFixed(0)} ms`);
console.log(`  auto-layout (click → positions applied):         ${layoutMs.toFixed(0)} ms`);
console.log(`  drag: 60 moves in ${dragMs.toFixed(0)} ms (${(dragMs / 60).toFixed(1)} ms per move); frames ${frames.count}, mean gap ${frames.meanGapMs.toFixed(1)} ms, worst gap ${frames.worstGapMs.toFixed(0)} ms`);
await browser.close();
