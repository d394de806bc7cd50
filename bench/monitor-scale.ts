// The live monitor at scale (issue 15 pt 3): executions the other tools give up on, opened in
// Chromium on the production server (fresh SQLite database), while about 200 tasks a second change.
//   - map: a map of 10,000 items (each a wait), 100 at a time;
//   - fanout: 2,000 parallel waits (staggered to end ~200 a second) followed by a join;
//   - subscribers: 100 live streams (GET /api/executions/{id}/live, as 100 browsers' EventSources)
//     on one execution of 400 parallel waits: server CPU per event and delivery latency.
// For each shape: time to first paint of the graph (navigation start → the graph shown, placed),
// and update latency (the engine's event time → the browser showing it: a card's status, or the
// map card's "N completed" count), p50/p95, over a window of the run.
//
//   npm run bench:monitor          (runs bench/monitor-latency.ts, then this)
//   npx tsx bench/monitor-scale.ts [--window-s=12]
import { cpus, loadavg, totalmem } from "node:os";
import type { Page } from "@playwright/test";
import { benchHeaders } from "./auth";
import { signedInBrowser, startBenchServer } from "./server";
import { cpuTimeMs, markdownTable, percentile, RssSampler, withDescendants } from "./stats";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const WINDOW_MS = arg("window-s", 12) * 1000;
const { base, stop, pid } = await startBenchServer(3191, "monitor-scale");
const serverCpuMs = () => withDescendants([pid]).reduce((sum, p) => sum + cpuTimeMs(p), 0);
const rss = new RssSampler(() => [pid]).start();

type Event = { id: string; type: string; taskKey: string | null; mapIndex: number | null; createdAt: string };

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${base}${path}`, { ...init, headers: benchHeaders });
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
const save = (definition: object) => api("/api/workflows", { method: "POST", body: JSON.stringify(definition) });
const start = async (workflow: string) => (await api<{ id: string }>("/api/executions", { method: "POST", body: JSON.stringify({ workflow }) })).id;
async function eventsOf(id: string): Promise<Event[]> {
  const all: Event[] = [];
  for (;;) {
    const { events } = await api<{ events: Event[] }>(`/api/executions/${id}/events${all.length ? `?after=${all[all.length - 1]!.id}` : ""}`);
    all.push(...events);
    if (events.length < 1000) return all;
  }
}
const terminate = (id: string) => api(`/api/executions/${id}/terminate`, { method: "POST", body: JSON.stringify({ reason: "bench over" }) }).catch(() => undefined);

/** Opens the execution's page; resolves with the ms from navigation start to the graph shown (placed, its first card visible). */
async function open(page: Page, id: string, firstCard: string): Promise<number> {
  const before = Date.now();
  await page.goto(`${base}/executions/${id}`, { waitUntil: "commit" });
  await page.locator(`.react-flow__node[data-id="${firstCard}"]`).waitFor({ state: "visible", timeout: 60_000 });
  return Date.now() - before;
}

/** Records, in the page, every card's status change and the map card's completed count, with times. */
const OBSERVER = `(() => {
  const seen = [];
  window.__seen = seen;
  const record = () => {
    const at = performance.timeOrigin + performance.now();
    for (const card of document.querySelectorAll(".react-flow__node")) {
      const key = card.getAttribute("data-id");
      const status = card.querySelector("[data-status]")?.getAttribute("data-status");
      const completed = /(\\d+) completed/.exec(card.textContent || "");
      const mark = status + ":" + (completed ? completed[1] : "");
      if (card.__mark !== mark) { card.__mark = mark; seen.push({ key, status, completed: completed ? Number(completed[1]) : null, at }); }
    }
  };
  new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["data-status"] });
  record();
})()`;
type Seen = { key: string; status: string; completed: number | null; at: number };

function latencyStats(latencies: number[]) {
  return { n: latencies.length, p50: Math.round(percentile(latencies, 50)), p95: Math.round(percentile(latencies, 95)) };
}

const { browser, page } = await signedInBrowser(base);
const rows: (string | number)[][] = [];

// ---- map of 10,000 items -------------------------------------------------------------------
await save({ name: "bench-map-10k", tasks: [{ key: "items", type: "map", params: { items: "{% [1..10000] %}", concurrency: 100, task: { type: "wait", params: { durationMs: 500 } } } }] });
{
  const id = await start("bench-map-10k");
  await new Promise((r) => setTimeout(r, 2000)); // the map is under way when the page opens
  const paintMs = await open(page, id, "items");
  await page.evaluate(OBSERVER);
  await page.waitForTimeout(WINDOW_MS);
  const seen = (await page.evaluate("window.__seen")) as Seen[];
  await terminate(id);
  // The i-th item completion (in event order) is shown when the card's count first reaches i.
  const completions = (await eventsOf(id)).filter((e) => e.type === "TASK_COMPLETED" && e.taskKey === "items" && (e.mapIndex ?? -1) >= 0);
  const counts = seen.filter((s) => s.key === "items" && s.completed !== null);
  const windowStart = counts[0]?.at ?? Infinity;
  const latencies: number[] = [];
  let at = 0;
  completions.forEach((event, i) => {
    const time = Date.parse(event.createdAt);
    if (time < windowStart) return; // completed before the observer ran
    while (at < counts.length && counts[at]!.completed! < i + 1) at++;
    if (at < counts.length) latencies.push(counts[at]!.at - time);
  });
  const perSecond = completions.filter((e) => Date.parse(e.createdAt) >= windowStart).length / (WINDOW_MS / 1000);
  const s = latencyStats(latencies);
  rows.push(["map, 10,000 items (100 at a time)", paintMs, `${Math.round(perSecond * 3)} (${Math.round(perSecond)} items/s)`, s.n, s.p50, s.p95]);
}

// ---- fan-out of 2,000 followed by a join ---------------------------------------------------
// 1,998 + start + join: the 2,000 tasks a definition may hold (FLOWDECK_MAX_TASKS).
const FAN = 1998;
await save({
  name: "bench-fanout-2k",
  tasks: [
    { key: "start", type: "transform", params: { output: 1 } },
    ...Array.from({ length: FAN }, (_, i) => ({ key: `t${i}`, type: "wait", dependsOn: ["start"], params: { durationMs: 4000 + i * 5 } })),
    { key: "join", type: "transform", dependsOn: Array.from({ length: FAN }, (_, i) => `t${i}`), params: { output: 1 } },
  ],
});
{
  const id = await start("bench-fanout-2k");
  const paintMs = await open(page, id, "start");
  await page.evaluate(OBSERVER);
  await page.waitForTimeout(WINDOW_MS);
  const seen = (await page.evaluate("window.__seen")) as Seen[];
  await terminate(id);
  const observerStart = seen[0]?.at ?? Infinity;
  const shown = new Map(seen.filter((s) => s.status === "COMPLETED").map((s) => [s.key, s.at]));
  const completions = (await eventsOf(id)).filter((e) => e.type === "TASK_COMPLETED" && e.taskKey?.startsWith("t") && Date.parse(e.createdAt) >= observerStart);
  const latencies = completions.flatMap((e) => (shown.has(e.taskKey!) ? [shown.get(e.taskKey!)! - Date.parse(e.createdAt)] : []));
  const s = latencyStats(latencies);
  rows.push([`fan-out of ${FAN.toLocaleString("en")} + join`, paintMs, `${Math.round(completions.length / (WINDOW_MS / 1000))} completions/s`, s.n, s.p50, s.p95]);
}
await browser.close();

// ---- 100 subscribers of one execution ------------------------------------------------------
const SUBSCRIBERS = 100;
const WIDE = 400;
await save({
  name: "bench-subscribers",
  tasks: Array.from({ length: WIDE }, (_, i) => ({ key: `w${i}`, type: "wait", params: { durationMs: 1000 + i * 10 } })),
});
{
  const id = await start("bench-subscribers");
  const received: { lastEventId: string; at: number }[] = [];
  const controller = new AbortController();
  const readers = Array.from({ length: SUBSCRIBERS }, async () => {
    const response = await fetch(`${base}/api/executions/${id}/live`, { headers: { ...benchHeaders, accept: "text/event-stream" }, signal: controller.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const message = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (message.startsWith("event: end")) return;
        if (message.startsWith("id: ")) received.push({ lastEventId: message.slice(4, message.indexOf("\n")), at: Date.now() });
      }
    }
  });
  const cpuBefore = serverCpuMs();
  const streamsDone = Promise.all(readers);
  await Promise.race([streamsDone, new Promise((r) => setTimeout(r, 60_000))]);
  const cpuMs = serverCpuMs() - cpuBefore;
  controller.abort();
  const events = await eventsOf(id);
  const timeOf = new Map(events.map((e) => [e.id, Date.parse(e.createdAt)]));
  const latencies = received.flatMap((r) => (timeOf.has(r.lastEventId) ? [r.at - timeOf.get(r.lastEventId)!] : []));
  const s = latencyStats(latencies);
  rows.push([`${SUBSCRIBERS} live streams on one execution (${WIDE} waits, ${events.length} events)`, "—", `server CPU ${(cpuMs / events.length).toFixed(2)} ms/event (all streams)`, s.n, s.p50, s.p95]);
}
const peakMiB = Math.round(rss.stop() / 2 ** 20);

console.log(`\nLive monitor at scale — ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}; command: npx tsx bench/monitor-scale.ts --window-s=${WINDOW_MS / 1000}\n`);
console.log(markdownTable(["shape", "first paint of the graph, ms (target < 2000)", "changes while measured", "updates measured", "update latency p50 ms", "p95 ms (target ≤ 500)"], rows));
console.log(`\nserver peak RSS over the three: ${peakMiB} MiB`);
stop();
process.exit(0);
