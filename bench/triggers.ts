// Triggers through the real production server (issue 13): signed webhook calls with `respond:
// accepted` (requests per second, latency p50/p99, executions created), and a schedule firing
// every second while 100 other executions run (fire lag = the execution's createdAt − its fire
// time, p50/p99; target p99 ≤ 1 s).
import { createHmac } from "node:crypto";
import { freePort, sleep } from "../tests/helpers/processes";
import { benchHeaders } from "./auth";
import { startBenchServer } from "./server";
import { percentile, round } from "./stats";

export type WebhookRow = { calls: number; concurrency: number; requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: number; executions: number; errorSamples: string[] };
export type ScheduleRow = { seconds: number; busy: number; fires: number; expectedFires: number; lagP50Ms: number; lagP99Ms: number; lagMaxMs: number; busyCompleted: number };
export type TriggerBenchResult = { webhook?: WebhookRow; schedule?: ScheduleRow };

type Options = { quick: boolean; webhook: boolean; schedule: boolean; log: (line: string) => void };

async function api<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, { method, headers: benchHeaders, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Every execution of `workflow` (pages of 200, newest first). */
async function executionsOf(base: string, workflow: string): Promise<{ createdAt: string; status: string; trigger: { fireTime?: string } | null }[]> {
  const all: { createdAt: string; status: string; trigger: { fireTime?: string } | null }[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await api<{ executions: typeof all; nextCursor: string | null }>(base, "GET", `/api/executions?workflow=${workflow}&limit=200${cursor ? `&cursor=${cursor}` : ""}`);
    all.push(...page.executions);
    if (!page.nextCursor) return all;
    cursor = page.nextCursor;
  }
}

async function webhookRow(base: string, quick: boolean, log: (line: string) => void): Promise<WebhookRow> {
  await api(base, "POST", "/api/workflows", {
    name: "bench-hook",
    triggers: [{ type: "webhook", key: "in", respond: "accepted", input: { n: "{% $trigger.body.n %}" } }],
    tasks: [{ key: "echo", type: "transform", params: { output: { n: "{% $input.n %}" } } }],
  });
  const { secret } = await api<{ secret: string }>(base, "GET", "/api/triggers/bench-hook/in/secret");
  const concurrency = 16;
  const warmup = quick ? 20 : 100;
  const calls = quick ? 200 : 1000;
  const errors: string[] = [];
  const call = async (n: number): Promise<number> => {
    const body = JSON.stringify({ n });
    const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    const started = performance.now();
    const response = await fetch(`${base}/api/hooks/bench-hook/in`, { method: "POST", headers: { "content-type": "application/json", "x-flowdeck-signature-256": signature }, body });
    await response.arrayBuffer();
    if (response.status !== 202) errors.push(`${response.status}`);
    return performance.now() - started;
  };
  const drive = async (count: number, offset: number) => {
    const latencies: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) latencies.push(await call(offset + next++));
      }),
    );
    return latencies;
  };
  await drive(warmup, 0);
  const errorsBefore = errors.length;
  const started = performance.now();
  const latencies = await drive(calls, warmup);
  const seconds = (performance.now() - started) / 1000;
  log(`webhook: ${calls} signed calls at concurrency ${concurrency} in ${round(seconds, 2)} s`);
  // Every accepted call started exactly one execution.
  let executions = 0;
  for (let i = 0; i < 100; i++) {
    executions = (await api<{ total: number }>(base, "GET", "/api/executions?workflow=bench-hook&limit=1")).total;
    if (executions >= warmup + calls - errors.length) break;
    await sleep(100);
  }
  return {
    calls,
    concurrency,
    requestsPerSecond: round(calls / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    errors: errors.length - errorsBefore,
    executions,
    errorSamples: errors.slice(0, 5),
  };
}

async function scheduleRow(base: string, quick: boolean, log: (line: string) => void): Promise<ScheduleRow> {
  // The load: 100 executions in flight at all times (steps and short timers), each replaced as it ends.
  await api(base, "POST", "/api/workflows", {
    name: "bench-busy",
    tasks: [
      { key: "a", type: "transform", params: { output: { x: 1 } } },
      { key: "w1", type: "wait", dependsOn: ["a"], params: { durationMs: 100 } },
      { key: "b", type: "transform", dependsOn: ["w1"], params: { output: { x: 2 } } },
      { key: "w2", type: "wait", dependsOn: ["b"], params: { durationMs: 100 } },
      { key: "c", type: "transform", dependsOn: ["w2"], params: { output: { x: 3 } } },
    ],
  });
  const busy = 100;
  const seconds = quick ? 15 : 40;
  let stop = false;
  let busyCompleted = 0;
  const loops = Array.from({ length: busy }, async () => {
    while (!stop) {
      const execution = await api<{ status: string }>(base, "POST", "/api/executions", { workflow: "bench-busy", input: {}, waitSeconds: 30 });
      if (execution.status === "COMPLETED") busyCompleted++;
    }
  });
  await sleep(2000); // the load is up
  await api(base, "POST", "/api/workflows", {
    name: "bench-tick",
    triggers: [{ type: "schedule", key: "every-second", every: "1s" }],
    tasks: [{ key: "tick", type: "transform", params: { output: { at: "{% $trigger.scheduledTime %}" } } }],
  });
  const armed = Date.now();
  await sleep(seconds * 1000);
  await api(base, "POST", "/api/triggers/bench-tick/every-second/pause");
  const window = (Date.now() - armed) / 1000;
  stop = true;
  await Promise.all(loops);
  const fired = (await executionsOf(base, "bench-tick")).filter((e) => e.trigger?.fireTime);
  const lags = fired.map((e) => Date.parse(e.createdAt) - Date.parse(e.trigger!.fireTime!));
  log(`schedule: ${fired.length} fires in ${round(window, 1)} s under ${busy} busy executions (${busyCompleted} of them completed meanwhile)`);
  return {
    seconds: round(window, 1),
    busy,
    fires: fired.length,
    expectedFires: Math.floor(window),
    lagP50Ms: round(percentile(lags, 50)),
    lagP99Ms: round(percentile(lags, 99)),
    lagMaxMs: round(Math.max(...lags)),
    busyCompleted,
  };
}

export async function runTriggerBench(options: Options): Promise<TriggerBenchResult> {
  const server = await startBenchServer(await freePort(), "triggers");
  try {
    const result: TriggerBenchResult = {};
    if (options.webhook) result.webhook = await webhookRow(server.base, options.quick, options.log);
    if (options.schedule) result.schedule = await scheduleRow(server.base, options.quick, options.log);
    return result;
  } finally {
    server.stop();
  }
}
