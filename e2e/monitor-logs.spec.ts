import { expect, test, type APIRequestContext, type Page } from "./fixtures";
import { tokenHeaders } from "./accounts";

// Task logs in the monitor: a worker's lines appear in the task inspector while its attempt runs
// (streamed, no reload), the Logs tab searches the execution's lines, and a log cut at its limit
// says so. The worker is a real one as far as the server knows: a worker token polling the API.

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });

async function startClaimed(request: APIRequestContext, name: string, taskType: string) {
  const saved = await request.post("/api/workflows", {
    data: {
      name,
      tasks: [
        { key: "build", type: "worker", params: { taskType }, timeouts: { startToCloseMs: 120_000 } },
        { key: "publish", type: "transform", dependsOn: ["build"], params: { output: { ok: true } } },
      ],
    },
  });
  expect(saved.ok(), await saved.text()).toBe(true);
  const started = await request.post("/api/executions", { data: { workflow: name, input: {} } });
  expect(started.ok(), await started.text()).toBe(true);
  const id = (await started.json()).id as string;
  const headers = await tokenHeaders(request, `${name}-worker`, "worker");
  let taskId = "";
  await expect
    .poll(async () => {
      const polled = await request.post("/api/workers/poll", { headers, data: { taskType, workerId: "e2e-logs", waitMs: 0 } });
      const tasks = (await polled.json()).tasks as { taskId: string }[];
      if (tasks[0]) taskId = tasks[0].taskId;
      return taskId;
    })
    .not.toBe("");
  const append = async (lines: unknown[]) => {
    const response = await request.post(`/api/workers/tasks/${taskId}/logs`, { headers, data: { workerId: "e2e-logs", lines } });
    expect(response.ok(), await response.text()).toBe(true);
    return response.json();
  };
  const complete = async () => {
    const response = await request.post(`/api/workers/tasks/${taskId}/complete`, { headers, data: { workerId: "e2e-logs", output: { built: true }, logs: ["build finished"] } });
    expect(response.ok(), await response.text()).toBe(true);
  };
  return { id, append, complete };
}

test("a worker's log lines stream into the task inspector while it runs, and the Logs tab searches them", async ({ page, request }) => {
  const run = await startClaimed(request, "e2e-logs-live", "e2e.logs.live");
  await run.append(["compiling 1/3", { level: "warn", message: "disk is slow" }]);
  await page.goto(`/executions/${run.id}`);
  await page.locator('.react-flow__node[data-id="build"]').click();
  const inspector = page.getByTestId("task-inspector");
  const log = inspector.getByRole("log", { name: "Attempt log" });
  await expect(log).toContainText("compiling 1/3");
  await expect(log).toContainText("disk is slow");
  await expect(inspector.getByTestId("log-phase")).toHaveText("following");

  // More lines while the page is open: they arrive without a reload.
  await run.append(["compiling 2/3", { level: "error", message: "retrying a flaky download" }]);
  await expect(log).toContainText("compiling 2/3");
  await expect(log.locator('[data-stream="worker"]')).toHaveCount(4);
  await shot(page, "monitor-logs-inspector-live");

  await run.complete();
  await expect(log).toContainText("build finished");
  await expect(inspector.getByTestId("log-phase")).toHaveText("complete");

  // The Logs tab: every task's lines, searched on the server as one types.
  await page.getByRole("tab", { name: "Logs" }).click();
  const all = page.getByRole("log", { name: "Execution logs" });
  await expect(all.locator('[data-stream="worker"]')).toHaveCount(5);
  await page.getByRole("searchbox", { name: "Search the logs" }).fill("COMPILING");
  await expect(all.locator('[data-stream="worker"]')).toHaveCount(2);
  await expect(all.locator("mark").first()).toHaveText("compiling");
  await page.getByRole("searchbox", { name: "Search the logs" }).fill("nothing like this");
  await expect(all).toContainText("No line contains “nothing like this”.");
  await page.getByRole("searchbox", { name: "Search the logs" }).fill("slow");
  await expect(all.locator('[data-stream="worker"]')).toHaveCount(1);
  await shot(page, "monitor-logs-tab-search");

  // After a rerun from build, the superseded attempt keeps its log, opened from "Before reruns".
  const rerun = await request.post(`/api/executions/${run.id}/rerun`, { data: { fromTaskKey: "build", reason: "rebuild" } });
  expect(rerun.ok(), await rerun.text()).toBe(true);
  // The finished page notices another client's rerun by itself (it looks every 10 s) and follows it again.
  const superseded = page.getByRole("region", { name: "Superseded attempts" });
  await expect(superseded).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-mode", "live");
  await superseded.getByText("log", { exact: true }).click();
  await expect(superseded.getByRole("log", { name: "Attempt log" })).toContainText("compiling 1/3");
  await expect(superseded.getByRole("log", { name: "Attempt log" })).toContainText("build finished");
});

test("a log cut at the attempt's limit says so, in the inspector and in the API", async ({ page, request }) => {
  const run = await startClaimed(request, "e2e-logs-limit", "e2e.logs.limit");
  // 2 × 60 lines of 10,000 characters: past the default 1 MiB per attempt.
  const lines = (from: number) => Array.from({ length: 60 }, (_, i) => `${String(from + i).padStart(4, "0")} ${"y".repeat(9_995)}`);
  expect(await run.append(lines(0))).toMatchObject({ kept: 60, dropped: 0, truncated: false });
  const second = await run.append(lines(60));
  expect(second).toMatchObject({ truncated: true });
  expect(second.kept + second.dropped).toBe(60);
  await run.complete();
  const page1 = await (await request.get(`/api/executions/${run.id}/logs?task=build&limit=1000`)).json();
  const markers = page1.lines.filter((line: { truncation: boolean }) => line.truncation);
  expect(markers).toHaveLength(1);
  expect(markers[0].message).toContain("log limit of 1048576 bytes per attempt reached");

  await page.goto(`/executions/${run.id}`);
  await page.locator('.react-flow__node[data-id="build"]').click();
  await expect(page.getByTestId("task-inspector").getByTestId("log-truncated")).toContainText("log limit of 1048576 bytes");
});
