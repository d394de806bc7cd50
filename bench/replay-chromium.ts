// Replay scrubbing in real Chromium (issue 15, point 2: "60 fps while scrubbing"). Runs the
// production server (fresh SQLite database), runs a map of ITEMS transform items (about 3.3 events
// per item: 3,000 items give ~10,000 events), opens the execution's page, drags the replay slider
// across its whole width with the mouse, and records every animation frame in the page meanwhile.
// Reports frames per second during the drag, the longest frame and how many frames were over
// 16.7 ms / 33 ms.
//
//   npx tsx bench/replay-chromium.ts [--items=3000] [--moves=120]
import { benchHeaders } from "./auth";
import { signedInBrowser, startBenchServer } from "./server";
import { percentile, round } from "./stats";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const ITEMS = arg("items", 3000);
const MOVES = arg("moves", 120);
const { base } = await startBenchServer(3191, "replay");
const definition = {
  name: "bench-replay",
  tasks: [
    { key: "prepare", type: "transform", params: { output: { list: `{% [1..${ITEMS}] %}` } } },
    { key: "items", type: "map", dependsOn: ["prepare"], params: { items: "{% $tasks.prepare.output.list %}", concurrency: 32, task: { type: "transform", params: { output: { value: "{% $item * 2 %}" } } } } },
    { key: "report", type: "transform", dependsOn: ["items"], params: { output: { done: true } } },
  ],
};
const saved = await fetch(`${base}/api/workflows`, { method: "POST", headers: benchHeaders, body: JSON.stringify(definition) });
if (!saved.ok) throw new Error(`saving failed: ${await saved.text()}`);
const runStart = Date.now();
const started = await (await fetch(`${base}/api/executions`, { method: "POST", headers: benchHeaders, body: JSON.stringify({ workflow: "bench-replay", waitSeconds: 300 }) })).json();
if (started.status !== "COMPLETED") throw new Error(`the execution ended ${started.status}`);
const runMs = Date.now() - runStart;

const { browser, page } = await signedInBrowser(base);
const openStart = Date.now();
await page.goto(`${base}/executions/${started.id}`);
const bar = page.getByTestId("replay-bar");
await bar.waitFor();
await page.waitForFunction(() => Number(document.querySelector('[data-testid="replay-bar"]')?.getAttribute("data-count") ?? 0) > 0, undefined, { timeout: 60_000 });
const loadedMs = Date.now() - openStart;
const events = Number(await bar.getAttribute("data-count"));

// Every animation frame while the mouse drags the slider (a string: tsx would inject helpers into a function).
await page.evaluate(`(() => {
  window.__frames = [];
  const loop = (t) => { window.__frames.push(t); window.__raf = requestAnimationFrame(loop); };
  window.__raf = requestAnimationFrame(loop);
})()`);
const box = (await page.getByRole("slider", { name: "Replay position" }).boundingBox())!;
const y = box.y + box.height / 2;
await page.mouse.move(box.x + box.width - 1, y);
await page.mouse.down();
const dragStart = Date.now();
for (let i = 1; i <= MOVES; i++) {
  await page.mouse.move(box.x + box.width - 1 - ((box.width - 2) * i) / MOVES, y);
  // One move per frame, as a hand does.
  await page.evaluate("new Promise((resolve) => requestAnimationFrame(() => resolve(null)))");
}
await page.mouse.up();
const dragMs = Date.now() - dragStart;
const frames = (await page.evaluate("(() => { cancelAnimationFrame(window.__raf); return window.__frames; })()")) as number[];
const finalCount = Number(await bar.getAttribute("data-count"));
await browser.close();

const gaps = frames.slice(1).map((t, i) => t - frames[i]!);
const span = frames[frames.length - 1]! - frames[0]!;
console.log(`${events} events (${ITEMS} map items; the run took ${round(runMs / 1000)} s); page open → history loaded ${loadedMs} ms`);
console.log(`drag: ${MOVES} mouse moves over ${dragMs} ms, slider ended at ${finalCount}`);
console.log(
  `frames: ${gaps.length} in ${round(span)} ms = ${round((gaps.length * 1000) / span)} fps; frame p50 ${round(percentile(gaps, 50))} ms, p95 ${round(percentile(gaps, 95))} ms, max ${round(Math.max(...gaps))} ms; over 16.7 ms: ${gaps.filter((g) => g > 16.7 + 1).length}, over 33 ms: ${gaps.filter((g) => g > 33.4).length}`,
);
process.exit(0);
