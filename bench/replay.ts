// Replay scrubbing cost (issue 15, point 2): an execution history of ~10,000 events (a map of
// 3,000 items, a third of them retried), folded once by lib/canvas/replay.ts, then scrubbed to
// random moments and stepped event by event. What one scrub costs is what a frame of the slider
// costs in the browser before React draws: well under the 16 ms of a 60 fps frame.
//
//   npm run bench:replay            (or: npx tsx bench/replay.ts [--items=3000] [--every=256] [--scrubs=2000])
import { createReplay } from "@/lib/canvas/replay";
import { mapHistory } from "@/lib/canvas/replay-fixtures";
import { indexTasks, overlayFor } from "@/lib/canvas/execution-overlay";
import { markdownTable, percentile, round } from "./stats";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const ITEMS = arg("items", 3000);
const SCRUBS = arg("scrubs", 2000);
const EVERY = arg("every", 256);

const events = mapHistory(ITEMS);
const keys = ["prepare", "items", "report"];
let t = performance.now();
const replay = createReplay(events, { checkpointEvery: EVERY });
const buildMs = performance.now() - t;

// A deterministic pseudo-random sequence of targets (a drag jumps anywhere).
let seed = 42;
const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const measure = (targets: number[]) =>
  targets.map((n) => {
    const start = performance.now();
    const moment = replay.stateAt(n);
    const index = indexTasks(moment.tasks);
    for (const key of keys) overlayFor(key, index, 2, 0);
    return performance.now() - start;
  });
for (let i = 0; i < 200; i++) replay.stateAt(Math.floor(next() * events.length)); // warm up
const random = measure(Array.from({ length: SCRUBS }, () => Math.floor(next() * (events.length + 1))));
const steps = measure(Array.from({ length: Math.min(SCRUBS, events.length) }, (_, i) => i + 1));
t = performance.now();
const scratch = createReplay(events, { checkpointEvery: events.length + 1 });
for (let i = 0; i < 20; i++) scratch.stateAt(events.length - i);
const fullFoldMs = (performance.now() - t) / 20;

const row = (name: string, values: number[]) => [name, values.length, round(percentile(values, 50), 3), round(percentile(values, 95), 3), round(Math.max(...values), 3)];
console.log(`${events.length} events, ${ITEMS} map items, a checkpoint every ${EVERY} events; fold once: ${round(buildMs)} ms; one moment without checkpoints: ${round(fullFoldMs, 2)} ms\n`);
console.log(markdownTable(["scrub", "moments", "p50 ms", "p95 ms", "max ms"], [row("random jumps (a drag)", random), row("next event (step / play)", steps)]));
