import { expect, openTaskInspector, test, type APIRequestContext, type Page } from "./fixtures";

// The monitor tells the truth about an execution's state: it hydrates without errors while the
// execution runs, its clocks stop when it pauses, terminate leaves no task "Pending", and it offers
// only the actions that do something. (The fixture fails any test whose page logs a console error.)

async function saveWorkflow(request: APIRequestContext, definition: unknown) {
  const response = await request.post("/api/workflows", { data: definition });
  expect(response.ok(), await response.text()).toBe(true);
}

async function start(request: APIRequestContext, workflow: string, input: unknown = {}): Promise<string> {
  const response = await request.post("/api/executions", { data: { workflow, input } });
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()).id as string;
}

const node = (page: Page, key: string) => page.locator(`.react-flow__node[data-id="${key}"] [data-status]`).first();
const executionStatus = (page: Page) => page.getByRole("region", { name: "Execution graph" }).locator("[data-status]").first();
const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });

//   hold (wait 60 s) ── after
const holdWorkflow = {
  name: "e2e-states-hold",
  tasks: [
    { key: "hold", type: "wait", params: { durationMs: 60_000 } },
    { key: "after", type: "transform", dependsOn: ["hold"], params: { output: { done: true } } },
  ],
};

test("an execution page opened while it runs hydrates without React error #418", async ({ page, request }) => {
  await saveWorkflow(request, holdWorkflow);
  const id = await start(request, holdWorkflow.name);
  await expect.poll(async () => (await (await request.get(`/api/executions/${id}`)).json()).status).toBe("RUNNING");
  // Let the server's "Running for" differ from the browser's clock, as it does for any operator.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await page.goto(`/executions/${id}`);
  await expect(node(page, "hold")).toHaveAttribute("data-status", "WAITING");
  await expect(page.getByTestId("execution-duration")).toHaveText(/\d/);
  // The page is interactive (hydrated): the inspector opens on a click. A hydration error would
  // have failed the test at once (fixtures.ts fails on console errors).
  await openTaskInspector(page, "hold");
  await shot(page, "states-running-hydrated");
  await request.post(`/api/executions/${id}/terminate`, { data: { reason: "e2e clean-up" } });
});

test("a paused execution's clock stops; the header's 'started' keeps up with the time", async ({ page, request }) => {
  await saveWorkflow(request, holdWorkflow);
  const id = await start(request, holdWorkflow.name);
  await page.goto(`/executions/${id}`);
  await expect(node(page, "hold")).toHaveAttribute("data-status", "WAITING");
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(executionStatus(page)).toHaveAttribute("data-status", "PAUSED");
  const overview = page.getByRole("complementary", { name: "Inspector" });
  await expect(overview.getByText("Ran for")).toBeVisible();
  await expect(overview.getByText("Running for")).toHaveCount(0);
  const ranFor = page.getByTestId("execution-duration");
  await expect(ranFor).toHaveText(/\d/);
  const frozen = await ranFor.textContent();
  await expect(page.getByTestId("execution-paused-for")).toHaveText(/\d/);
  await page.waitForTimeout(2500);
  await expect(ranFor).toHaveText(frozen!); // not counting while paused
  // "started just now" does not stay: the header follows the clock while the page is open.
  await expect(page.locator("header").first()).toContainText(/started \d+ seconds? ago/, { timeout: 20_000 });
  await shot(page, "states-paused");
  // Reopened from the API, the page renders the same frozen clock.
  await page.reload();
  await expect(page.getByTestId("execution-duration")).toHaveText(frozen!);
  await request.post(`/api/executions/${id}/terminate`, { data: { reason: "e2e clean-up" } });
});

test("after terminate, tasks that never started are Cancelled, and Retry failed is offered", async ({ page, request }) => {
  await saveWorkflow(request, holdWorkflow);
  const id = await start(request, holdWorkflow.name);
  await page.goto(`/executions/${id}`);
  await expect(node(page, "hold")).toHaveAttribute("data-status", "WAITING");
  await expect(node(page, "after")).toHaveAttribute("data-status", "PENDING");
  await expect(page.getByRole("button", { name: "Retry failed" })).toHaveCount(0); // running: nothing to retry
  await page.getByRole("button", { name: "Terminate" }).click();
  const dialog = page.getByRole("dialog", { name: "Terminate this execution?" });
  await dialog.getByRole("textbox").fill("e2e: stop here");
  await dialog.getByRole("button", { name: "Terminate" }).click();
  await expect(executionStatus(page)).toHaveAttribute("data-status", "TERMINATED");
  await expect(node(page, "hold")).toHaveAttribute("data-status", "CANCELLED");
  await expect(node(page, "after")).toHaveAttribute("data-status", "CANCELLED");
  await page.locator('.react-flow__node[data-id="after"]').click();
  const inspector = page.getByTestId("task-inspector");
  await expect(inspector.locator('[data-status="CANCELLED"]').first()).toBeVisible();
  await expect(inspector).not.toContainText("Not reached yet");
  await expect(page.getByRole("button", { name: "Retry failed" })).toBeVisible();
  await shot(page, "states-terminated");
  const execution = await (await request.get(`/api/executions/${id}`)).json();
  expect(execution.tasks.map((t: { taskKey: string; status: string }) => [t.taskKey, t.status])).toEqual([
    ["after", "CANCELLED"],
    ["hold", "CANCELLED"],
  ]);
});

test("only actions that do something are offered: no Retry failed without a failed task, no rerun below a failure; Reject looks destructive", async ({ page, request }) => {
  // Every task completes, then the output mapping fails: the execution FAILED with nothing to retry.
  await saveWorkflow(request, { name: "e2e-states-output-fails", tasks: [{ key: "ok", type: "transform", params: { output: 1 } }], output: "{% $error('the output is refused') %}" });
  const outputFailed = await (await request.post("/api/executions", { data: { workflow: "e2e-states-output-fails", waitSeconds: 30 } })).json();
  expect(outputFailed.status).toBe("FAILED");
  await page.goto(`/executions/${outputFailed.id}`);
  await expect(executionStatus(page)).toHaveAttribute("data-status", "FAILED");
  await expect(page.getByRole("button", { name: "Restart" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Retry failed" })).toHaveCount(0);
  const refused = await request.post(`/api/executions/${outputFailed.id}/retry`, { data: {} });
  expect(refused.status()).toBe(409); // what the page no longer offers, the server refuses

  //   build ─┬─ test_1..4 ─┬─ deploy     test_3 fails: deploy is UPSTREAM_FAILED
  const failed = await (await request.post("/api/executions", { data: { workflow: "build-test-deploy", input: { failTest: "test_3" }, waitSeconds: 30 } })).json();
  await page.goto(`/executions/${failed.id}`);
  await expect(page.getByRole("button", { name: "Retry failed" })).toBeVisible();
  await page.locator('.react-flow__node[data-id="deploy"]').click();
  const inspector = page.getByTestId("task-inspector");
  await expect(inspector.getByRole("button", { name: "Rerun from here" })).toHaveCount(0);
  await expect(inspector.getByTestId("rerun-unavailable")).toHaveText("No rerun from here: cannot rerun from deploy: its upstream task test_3 is FAILED; retry the execution or rerun from test_3 instead.");
  await page.locator('.react-flow__node[data-id="test_3"]').click();
  await expect(inspector.getByRole("button", { name: "Rerun from here" })).toBeVisible();

  // An approval's Reject is red, its confirmation too.
  await saveWorkflow(request, { name: "e2e-states-approval", tasks: [{ key: "sign_off", type: "approval", params: { prompt: "Ship it?" } }] });
  const waiting = await start(request, "e2e-states-approval");
  await page.goto(`/executions/${waiting}`);
  await expect(node(page, "sign_off")).toHaveAttribute("data-status", "WAITING");
  await openTaskInspector(page, "sign_off");
  const reject = inspector.getByRole("button", { name: "Reject" });
  await expect(reject).toHaveAttribute("data-variant", "dangerOutline");
  await reject.click();
  const confirm = page.getByRole("dialog", { name: "Reject sign_off?" }).getByRole("button", { name: "Reject" });
  await expect(confirm).toHaveAttribute("data-variant", "danger");
  await shot(page, "states-reject");
  await page.getByRole("dialog", { name: "Reject sign_off?" }).getByRole("button", { name: "Cancel" }).click();
  await request.post(`/api/executions/${waiting}/terminate`, { data: { reason: "e2e clean-up" } });
});

test("the executions filter names statuses as the badges do, and filters by the status value", async ({ page }) => {
  await page.goto("/executions");
  const status = page.getByRole("form", { name: "Filters" }).getByLabel("Status");
  await expect(status.locator("option")).toContainText(["Any", "Queued", "Running", "Completed", "Failed"]);
  await status.selectOption({ label: "Failed" });
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/status=FAILED/);
  await expect(page.getByRole("form", { name: "Filters" }).getByLabel("Status")).toHaveValue("FAILED");
});

test("an http task's inspector shows the request it really sent, credentials masked, and its response", async ({ page, request }) => {
  // Loopback is refused by the network policy (lib/net): no answer, but the request still shows.
  await saveWorkflow(request, {
    name: "e2e-states-http-request",
    tasks: [
      {
        key: "call",
        type: "http",
        retry: { maximumAttempts: 1 },
        params: { url: "http://127.0.0.1:9/ping", method: "POST", query: { token: "clear-query-token" }, headers: { Authorization: "Bearer clear-header-token", "X-Trace": "t-1" }, body: { hello: "world" } },
      },
    ],
  });
  const failed = await (await request.post("/api/executions", { data: { workflow: "e2e-states-http-request", waitSeconds: 30 } })).json();
  expect(failed.status).toBe("FAILED");
  await page.goto(`/executions/${failed.id}`);
  await page.locator('.react-flow__node[data-id="call"]').click();
  const inspector = page.getByTestId("task-inspector");
  await expect(inspector.getByTestId("http-request-line")).toHaveText("POST http://127.0.0.1:9/ping?token=[masked]");
  await expect(inspector.getByRole("table", { name: "Request headers" })).toContainText("AuthorizationBearer [masked]");
  await expect(inspector.getByRole("table", { name: "Request headers" })).toContainText("X-Tracet-1");
  await expect(inspector.getByTestId("http-request")).toContainText('"hello": "world"');
  await expect(inspector.getByTestId("http-response-line")).toContainText("no answer (ADDRESS_NOT_ALLOWED)");
  await expect(inspector).not.toContainText("clear-header-token");
  await shot(page, "monitor-http-request");
});

test("the live view follows a run by deltas: no read of the whole execution until it has finished", async ({ page, request }) => {
  //   first ── gate ── check ── last      (two approvals: the test moves the run on when it is ready)
  await saveWorkflow(request, {
    name: "e2e-states-deltas",
    tasks: [
      { key: "first", type: "transform", params: { output: 1 } },
      { key: "gate", type: "approval", dependsOn: ["first"], params: { prompt: "Go on?" } },
      { key: "check", type: "approval", dependsOn: ["gate"], params: { prompt: "Really?" } },
      { key: "last", type: "transform", dependsOn: ["check"], params: { output: "{% $tasks.first.output + 1 %}" } },
    ],
  });
  const id = await start(request, "e2e-states-deltas");
  const wholeReads: string[] = [];
  const streams: string[] = [];
  page.on("request", (sent) => {
    const path = new URL(sent.url()).pathname;
    if (path === `/api/executions/${id}`) wholeReads.push(`${sent.method()} at ${new Date().toISOString()}`);
    if (path === `/api/executions/${id}/live`) streams.push(sent.url());
  });
  await page.goto(`/executions/${id}`);
  await expect(node(page, "gate")).toHaveAttribute("data-status", "WAITING");
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-mode", "live"); // the stream is open
  // Elsewhere (another operator, the CLI), gate is approved: the page shows it and check waiting, from a delta.
  const approve = async (taskKey: string) => expect((await request.post(`/api/executions/${id}/approve`, { data: { taskKey } })).ok()).toBe(true);
  await approve("gate");
  await expect(node(page, "gate")).toHaveAttribute("data-status", "COMPLETED");
  await expect(node(page, "check")).toHaveAttribute("data-status", "WAITING");
  expect(wholeReads, "while it runs, the page reads no whole execution").toEqual([]);
  await approve("check");
  await expect(node(page, "last")).toHaveAttribute("data-status", "COMPLETED");
  await expect(executionStatus(page)).toHaveAttribute("data-status", "COMPLETED");
  expect(streams.length).toBeGreaterThan(0);
  // One whole read when the stream ends (the output, and what no event names), none before.
  await expect.poll(() => wholeReads.length).toBe(1);
});
