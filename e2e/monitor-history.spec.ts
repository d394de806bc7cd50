import { expect, test, type Page } from "./fixtures";
import { tokenHeaders } from "./accounts";

// Reruns keep their history (issue 12, point 4): the attempts a rerun superseded stay in the
// attempts list and the timeline, marked with the rerun; the original input and the rerun's input
// stay readable; the event history has its own tab (who, what, when, why).

const node = (page: Page, key: string) => page.locator(`.react-flow__node[data-id="${key}"] [data-status]`).first();

test("after a rerun from test_3 with new input, the failed attempt, both inputs and the events stay readable", async ({ page, request }) => {
  //   build ─┬─ test_1..4 ─┬─ deploy        test_3 fails first (input.failTest = "test_3")
  const failed = await (await request.post("/api/executions", { data: { workflow: "build-test-deploy", input: { failTest: "test_3" }, waitSeconds: 30 } })).json();
  expect(failed.status).toBe("FAILED");
  const rerun = await request.post(`/api/executions/${failed.id}/rerun`, {
    data: { fromTaskKey: "test_3", input: { branch: "main", failTest: "" }, reason: "flaky runner fixed" },
    headers: await tokenHeaders(request, `dana-${Date.now()}`, "operator"),
  });
  expect(rerun.ok(), await rerun.text()).toBe(true);
  await expect.poll(async () => (await (await request.get(`/api/executions/${failed.id}`)).json()).status, { timeout: 20_000 }).toBe("COMPLETED");

  await page.goto(`/executions/${failed.id}`);
  await expect(node(page, "test_3")).toHaveAttribute("data-status", "COMPLETED");
  // The overview: the input it runs with now, and the original one.
  const inputs = page.getByRole("region", { name: "Input history" });
  await expect(inputs).toContainText("Original input");
  await expect(inputs).toContainText('"failTest": "test_3"');
  await expect(inputs).toContainText("Rerun 1 from test_3");
  // The timeline keeps the superseded attempt's bar.
  await expect(page.getByRole("list", { name: "Task timeline" }).locator('[data-superseded="true"][title*="rerun from test_3"]').first()).toBeAttached();

  await page.locator('.react-flow__node[data-id="test_3"]').click();
  const superseded = page.getByRole("region", { name: "Superseded attempts" });
  await expect(superseded).toContainText("Before reruns (1)");
  await expect(superseded.locator('[data-superseded="true"]')).toContainText("superseded by rerun from test_3");
  await expect(superseded.locator('[data-superseded="true"]')).toContainText("token:dana-");
  await expect(superseded.locator('[data-status="FAILED"]')).toBeVisible();
  await expect(superseded).toContainText("acceptance test test_3 failed");
  await page.screenshot({ path: "test-results/screenshots/monitor-history-superseded.png", fullPage: true });

  await page.getByRole("tab", { name: "Events" }).click();
  const table = page.getByRole("table", { name: "Event history" });
  const rerunRow = table.locator('tr[data-event-type="EXECUTION_RERUN"]');
  await expect(rerunRow).toContainText("Execution rerun");
  await expect(rerunRow).toContainText("test_3");
  await expect(rerunRow).toContainText("token:dana-");
  await expect(rerunRow).toContainText("flaky runner fixed");
  await expect(table.locator('tr[data-event-type="TASK_RESET"]')).toHaveCount(2);
  await page.screenshot({ path: "test-results/screenshots/monitor-history-events.png", fullPage: true });
});
