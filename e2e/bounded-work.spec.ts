import { expect, test, type APIRequestContext } from "./fixtures";

// Issue 11, point 3, on the production build (`next start`): the expression pool's threads run
// from the bundle Turbopack made of lib/pool/thread.ts. Runaway expressions stop at their budget
// in the pool while health keeps answering; a large definition is validated in the pool; a
// definition over a limit gets 413. The integration tests check the same through the route
// handlers; this checks that the thread exists and works in the real build.

const RUNAWAYS = 10;

async function healthLatencies(request: APIRequestContext, whileRunning: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const startedAt = Date.now();
      expect((await request.get("/api/health")).status()).toBe(200);
      latencies.push(Date.now() - startedAt);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await whileRunning;
  polling = false;
  await poller;
  return latencies.sort((a, b) => a - b);
}

const p99 = (sorted: number[]) => sorted[Math.ceil(sorted.length * 0.99) - 1]!;

test("runaway expressions stop at their budget in the expression pool while health answers", async ({ request }) => {
  test.setTimeout(120_000);
  const saved = await request.post("/api/workflows", {
    data: { name: "e2e-runaway", tasks: [{ key: "spin", type: "transform", params: { output: { total: "{% $sum([1..50000].($sum([1..50000]))) %}" } } }] },
  });
  expect(saved.status()).toBe(201);
  // Next loads each route's code on its first request (100–300 ms of the event loop): load every
  // route used below first, so that the figures are about the runaways, not about start-up.
  const warm = await request.post("/api/workflows", { data: { name: "e2e-warm", tasks: [{ key: "t", type: "transform", params: { output: "{% 1 %}" } }] } });
  const warmRun = await request.post("/api/executions", { data: { workflow: "e2e-warm", waitSeconds: 10 } });
  expect([warm.status(), warmRun.status()]).toEqual([201, 201]);
  expect((await request.get(`/api/executions/${(await warmRun.json()).id}`)).status()).toBe(200);
  expect((await request.get("/api/executions?workflow=e2e-warm&status=COMPLETED")).status()).toBe(200);
  const idle = await healthLatencies(request, new Promise((resolve) => setTimeout(resolve, 2_000)));

  const ids: string[] = [];
  const run = (async () => {
    for (let i = 0; i < RUNAWAYS; i += 1) {
      const started = await request.post("/api/executions", { data: { workflow: "e2e-runaway" } });
      expect(started.status()).toBe(202);
      ids.push((await started.json()).id);
    }
    // One list query at a time: the test must not be the load on the server.
    await expect
      .poll(async () => (await (await request.get("/api/executions?workflow=e2e-runaway&status=FAILED&limit=100")).json()).executions.length, { timeout: 90_000, intervals: [500] })
      .toBe(RUNAWAYS);
  })();
  const during = await healthLatencies(request, run);
  console.log(`[e2e bounded-work] health p99 idle ${p99(idle)} ms; during ${RUNAWAYS} runaways ${p99(during)} ms (${during.length} calls)`);
  // The defect was health stalled for seconds (10 s with 20 runaways on the event loop); what this
  // guards is "no stall", not a latency figure, which a loaded CI machine cannot promise (299 ms
  // here once at load 8, with 64 ms idle). The figure itself is printed above and benchmarked.
  expect(p99(during)).toBeLessThanOrEqual(Math.max(1_000, 4 * p99(idle)));

  const execution = await (await request.get(`/api/executions/${ids[0]}`)).json();
  expect(execution.tasks[0].attempts[0].error).toEqual({
    code: "EXPRESSION_ERROR",
    message: "tasks.spin.params.output.total: expression ran longer than 1000 ms",
    details: { code: "expression_timeout", path: "tasks.spin.params.output.total" },
  });

  // A workflow whose expression is not bounded completes through the pool too.
  const mapped = await request.post("/api/workflows", {
    data: { name: "e2e-pooled", tasks: [{ key: "double", type: "transform", params: { output: "{% $map($input.values, function($v) { $v * 2 }) %}" } }] },
  });
  expect(mapped.status()).toBe(201);
  const finished = await request.post("/api/executions", { data: { workflow: "e2e-pooled", input: { values: [1, 2, 3] }, waitSeconds: 30 } });
  expect(finished.status()).toBe(201);
  expect((await finished.json()).output).toEqual({ double: [2, 4, 6] });
});

test("a large definition is validated in the pool; one over a limit gets 413", async ({ request }) => {
  test.setTimeout(120_000);
  const large = {
    name: "e2e-large",
    tasks: Array.from({ length: 500 }, (_, index) => ({
      key: `t${index}`,
      type: "transform",
      ...(index > 0 ? { dependsOn: [`t${index - 1}`] } : {}),
      params: { output: { a: `{% $input.a + ${index} %}`, b: `{% $count([${index}]) %}` } },
    })),
  };
  expect(JSON.stringify(large).length).toBeGreaterThan(16 * 1024);
  const saved = await request.post("/api/workflows", { data: large });
  expect(saved.status()).toBe(201);
  expect((await saved.json()).workflow).toMatchObject({ name: "e2e-large", version: 1, taskCount: 500 });

  const tooMany = await request.post("/api/workflows", { data: { name: "e2e-many", tasks: [{ key: "a", type: "transform", params: { output: Array(10_001).fill("{% 1 %}") } }] } });
  expect(tooMany.status()).toBe(413);
  expect((await tooMany.json()).error).toMatchObject({ code: "PAYLOAD_TOO_LARGE", message: "the definition has more than 10000 expressions; the limit is 10000 (FLOWDECK_MAX_EXPRESSIONS)" });
});
