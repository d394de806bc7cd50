// Live view latency: how long after the engine records a task's status change does the browser
// show it? Runs the production server (fresh SQLite database), opens an execution's page in
// Chromium, records (with a MutationObserver) when each node's status attribute changes, and
// compares with the server's event times (same machine, same clock).
//
//   npm run bench:monitor            (or: npx tsx bench/monitor-latency.ts [--tasks=40] [--step-ms=250])
import { cpus, totalmem } from "node:os";
import { benchHeaders } from "./auth";
import { signedInBrowser, startBenchServer } from "./server";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const TASKS = arg("tasks", 40);
const STEP_MS = arg("step-ms", 250);
const { base, stop } = await startBenchServer(3190, "monitor");
// A chain of waits: one status change every STEP_MS, spread over time like a real execution.
const tasks = Array.from({ length: TASKS }, (_, i) => ({
  key: `step_${i}`,
  type: "wait",
  params: { durationMs: STEP_MS },
  ...(i > 0 ? { dependsOn: [`step_${i - 1}`] } : {}),
}));
const saved = await fetch(`${base}/api/workflows`, { method: "POST", headers: benchHeaders, body: JSON.stringify({ name: "bench-live", tasks }) });
if (!saved.ok) throw new Error(`saving failed: ${await saved.text()}`);

const { browser, page } = await signedInBrowser(base);

// Start the execution and open its page at once; the observer records every status change after.
const started = await (await fetch(`${base}/api/executions`, { method: "POST", headers: benchHeaders, body: JSON.stringify({ workflow: "bench-live" }) })).json();
await page.goto(`${base}/executions/${started.id}`);
// A string, not a function: tsx would inject its helpers into a serialized function.
await page.evaluate(`(() => {
  const seen = [];
  window.__seen = seen;
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.type !== "attributes") continue;
      const element = mutation.target;
      const key = element.closest(".react-flow__node")?.getAttribute("data-id");
      const status = element.getAttribute("data-status");
      if (key && status) seen.push({ key, status, at: performance.timeOrigin + performance.now() });
    }
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-status"] });
})()`);
// Wait for the end.
for (let i = 0; i < 600; i++) {
  const execution = await (await fetch(`${base}/api/executions/${started.id}`, { headers: benchHeaders })).json();
  if (execution.status === "COMPLETED") break;
  await new Promise((r) => setTimeout(r, 200));
}
await page.waitForTimeout(1000);
const seen = ((await page.evaluate("window.__seen")) ?? []) as { key: string; status: string; at: number }[];
const { events } = await (await fetch(`${base}/api/executions/${started.id}/events`, { headers: benchHeaders })).json();
const statusOfEvent: Record<string, string> = { TASK_STARTED: "WAITING", TASK_WAITING: "WAITING", TASK_COMPLETED: "COMPLETED" };
const latencies: number[] = [];
for (const event of events as { type: string; taskKey: string | null; createdAt: string }[]) {
  const status = statusOfEvent[event.type];
  if (!status || !event.taskKey) continue;
  const observed = seen.find((s) => s.key === event.taskKey && s.status === status);
  if (observed) latencies.push(observed.at - Date.parse(event.createdAt));
}
// Keep one measurement per (task, status): the first event that produced the status.
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
await browser.close();

console.log(`\nLive view latency — ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; command: npx tsx bench/monitor-latency.ts --tasks=${TASKS} --step-ms=${STEP_MS}\n`);
console.log("| status changes observed | p50 ms | p95 ms | max ms | target p50 |");
console.log("|---|---|---|---|---|");
console.log(`| ${latencies.length} | ${pct(50).toFixed(0)} | ${pct(95).toFixed(0)} | ${pct(100).toFixed(0)} | ≤ 500 |`);
stop();
process.exit(0);
