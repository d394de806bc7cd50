import { expect, test, type Page } from "./fixtures";
import { tokenHeaders } from "./accounts";

// Replay (issue 15, point 2): the scrubber under the execution graph redraws the graph as it was
// at an earlier event; ?at=<event id> restores that moment on reload; at the end it is live.
//
//   build ─┬─ test_1 ─┬─ deploy        test_3 fails (input.failTest = "test_3"), deploy is
//          ├─ test_2 ─┤               UPSTREAM_FAILED; a rerun from test_3 with new input
//          ├─ test_3 ─┤               completes the execution.
//          └─ test_4 ─┘

type Event = { id: string; type: string; taskKey: string | null };

const status = (page: Page, key: string) => page.locator(`.react-flow__node[data-id="${key}"] [data-status]`).first();
const bar = (page: Page) => page.getByTestId("replay-bar");
/** The graph and the inspector (the README's screenshots), without the sidebar and the page below. */
const shot = (page: Page, path: string) => page.screenshot({ path, clip: { x: 232, y: 108, width: 1200, height: 760 } });

async function expectStatuses(page: Page, expected: Record<string, string>) {
  for (const [key, value] of Object.entries(expected)) await expect(status(page, key), key).toHaveAttribute("data-status", value);
}

test("scrub, step and share a moment of a failed-then-rerun execution", async ({ page, request }, testInfo) => {
  const failed = await (await request.post("/api/executions", { data: { workflow: "build-test-deploy", input: { failTest: "test_3" }, waitSeconds: 30 } })).json();
  expect(failed.status).toBe("FAILED");
  const rerun = await request.post(`/api/executions/${failed.id}/rerun`, {
    data: { fromTaskKey: "test_3", input: { branch: "main", failTest: "" }, reason: "flaky runner fixed" },
    headers: await tokenHeaders(request, `erin-${Date.now()}`, "operator"),
  });
  expect(rerun.ok(), await rerun.text()).toBe(true);
  await expect.poll(async () => (await (await request.get(`/api/executions/${failed.id}`)).json()).status, { timeout: 20_000 }).toBe("COMPLETED");
  const events = ((await (await request.get(`/api/executions/${failed.id}/events`)).json()) as { events: Event[] }).events;
  const countAfter = (type: string, taskKey: string | null = null) => events.findIndex((e) => e.type === type && (taskKey === null || e.taskKey === taskKey)) + 1;
  const buildDone = countAfter("TASK_COMPLETED", "build");
  const runFailed = countAfter("EXECUTION_FAILED");
  const lastReset = events.map((e) => e.type).lastIndexOf("TASK_RESET") + 1;
  expect(buildDone).toBeGreaterThan(0);
  expect(runFailed).toBeGreaterThan(buildDone);

  await page.goto(`/executions/${failed.id}`);
  // Live at first: the rerun's result.
  await expect(bar(page)).toHaveAttribute("data-live", "true");
  await expect(bar(page)).toHaveAttribute("data-count", String(events.length));
  await expectStatuses(page, { test_3: "COMPLETED", deploy: "COMPLETED" });

  // A drag with the mouse: from the right end to the left end of the slider.
  const slider = page.getByRole("slider", { name: "Replay position" });
  const box = (await slider.boundingBox())!;
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 8 });
  await page.mouse.move(box.x + 1, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(bar(page)).toHaveAttribute("data-count", "0");
  await expect(bar(page)).toHaveAttribute("data-live", "false");
  await expectStatuses(page, { build: "PENDING", test_3: "PENDING", deploy: "PENDING" });
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-mode", "replay");

  // Right after build completed: the four tests are scheduled, deploy not reached.
  await slider.fill(String(buildDone));
  await expect(bar(page)).toHaveAttribute("data-count", String(buildDone));
  await expectStatuses(page, { build: "COMPLETED", deploy: "PENDING" });
  await expect(page.getByTestId("replay-moment")).toContainText(`Event ${buildDone} of ${events.length}: Task completed build`);
  // The overview shows the input it ran with then; the rerun's input came later.
  await expect(page.getByRole("region", { name: "Input history" })).toHaveCount(0);
  await expect(page.getByRole("complementary", { name: "Inspector" })).toContainText('"failTest": "test_3"');
  await shot(page, testInfo.outputPath("replay-1-build-done.png"));

  // The end of the first run: test_3 failed, deploy upstream-failed, the edge into deploy not taken.
  await slider.fill(String(runFailed));
  await expectStatuses(page, { build: "COMPLETED", test_1: "COMPLETED", test_3: "FAILED", deploy: "UPSTREAM_FAILED" });
  await page.locator('.react-flow__node[data-id="test_3"]').click();
  const inspector = page.getByTestId("task-inspector");
  await expect(inspector.getByRole("button", { name: "Rerun from here" })).toHaveCount(0); // no actions on a past moment
  await expect(inspector).toContainText("acceptance test test_3 failed");
  await expect(inspector.locator('[data-status="FAILED"]').first()).toBeVisible();
  await shot(page, testInfo.outputPath("replay-2-failed.png"));

  // Step back one event and forward again.
  await page.getByRole("button", { name: "Previous event" }).click();
  await expect(bar(page)).toHaveAttribute("data-count", String(runFailed - 1));
  await page.getByRole("button", { name: "Next event" }).click();
  await expect(bar(page)).toHaveAttribute("data-count", String(runFailed));

  // The URL names the moment, and a reload opens it.
  const failedEventId = events[runFailed - 1]!.id;
  await expect.poll(() => new URL(page.url()).searchParams.get("at")).toBe(failedEventId);
  await page.reload();
  await expect(bar(page)).toHaveAttribute("data-count", String(runFailed));
  await expectStatuses(page, { test_3: "FAILED", deploy: "UPSTREAM_FAILED" });

  // After the rerun's resets: test_3 and deploy not reached again, build kept.
  await slider.fill(String(lastReset));
  await expectStatuses(page, { build: "COMPLETED", test_3: "PENDING", deploy: "PENDING" });
  await expect(page.getByRole("region", { name: "Input history" })).toContainText("Rerun 1 from test_3");
  await expect(page.locator('.react-flow__edge.edge-taken[data-id*="test_3"]')).toHaveCount(0);

  // Play from there at 100×: it reaches the end and is live again, the URL without ?at=.
  await page.getByRole("radio", { name: "100×" }).click();
  await page.getByRole("button", { name: "Play replay" }).click();
  await expect(bar(page)).toHaveAttribute("data-live", "true", { timeout: 20_000 });
  await expectStatuses(page, { test_3: "COMPLETED", deploy: "COMPLETED" });
  await expect.poll(() => new URL(page.url()).searchParams.get("at")).toBeNull();
  await shot(page, testInfo.outputPath("replay-3-rerun-done.png"));

  // "Live" from a past moment.
  await page.getByRole("button", { name: "Previous event" }).click();
  await expect(bar(page)).toHaveAttribute("data-live", "false");
  await page.getByRole("button", { name: "Live" }).click();
  await expect(bar(page)).toHaveAttribute("data-live", "true");
});

test("a running execution: the scrubber's end follows the live view", async ({ page, request }) => {
  const saved = await request.post("/api/workflows", {
    data: {
      name: "replay-live-e2e",
      tasks: [
        { key: "first", type: "transform", params: { output: { ok: true } } },
        { key: "ask", type: "approval", dependsOn: ["first"], params: { prompt: "go on?" } },
        { key: "after", type: "transform", dependsOn: ["ask"], params: { output: { done: true } } },
      ],
    },
  });
  expect(saved.ok(), await saved.text()).toBe(true);
  const started = await (await request.post("/api/executions", { data: { workflow: "replay-live-e2e" } })).json();
  await page.goto(`/executions/${started.id}`);
  await expectStatuses(page, { first: "COMPLETED", ask: "WAITING", after: "PENDING" });
  await expect(bar(page)).toHaveAttribute("data-live", "true");
  const before = Number(await bar(page).getAttribute("data-count"));
  // Approve: new events arrive and the live end moves with them.
  const approved = await request.post(`/api/executions/${started.id}/approve`, { data: { taskKey: "ask" }, headers: await tokenHeaders(request, `finn-${Date.now()}`, "operator") });
  expect(approved.ok(), await approved.text()).toBe(true);
  await expectStatuses(page, { ask: "COMPLETED", after: "COMPLETED" });
  await expect.poll(async () => Number(await bar(page).getAttribute("data-count"))).toBeGreaterThan(before);
  await expect(bar(page)).toHaveAttribute("data-live", "true");
});
