import { allowConsoleError, expect, test } from "./fixtures";

// The designer's Test panel (issue 14, point 4): the unsaved draft runs with the real engine on a
// throwaway database (POST /api/workflows/test), the cards show each task's status, and nothing is
// recorded as an execution.

test("the Test panel runs the unsaved draft, colours the cards with the result, and records no execution", async ({ page, request }) => {
  const count = async () => (await (await request.get("/api/executions?workflow=build-test-deploy&limit=1")).json()).total as number;
  const before = await count();
  await page.goto("/workflows/build-test-deploy/edit");
  await page.getByRole("button", { name: "Test", exact: true }).click();
  const panel = page.getByRole("region", { name: "Test" });
  await expect(panel).toBeVisible();

  // A broken input is named before anything runs.
  await panel.getByLabel("Input (JSON)").fill("{ failTest: ");
  await panel.getByRole("button", { name: "Run test" }).click();
  await expect(panel.getByRole("alert")).toContainText("The input is not JSON");

  await panel.getByLabel("Input (JSON)").fill('{ "failTest": "test_3" }');
  await panel.getByRole("button", { name: "Run test" }).click();
  await expect(panel.getByTestId("test-result").locator("[data-status]")).toHaveAttribute("data-status", "FAILED", { timeout: 20_000 });
  const card = (key: string) => page.locator(`.react-flow__node[data-id="${key}"] [data-test-status]`).first();
  await expect(card("build")).toHaveAttribute("data-test-status", "COMPLETED");
  await expect(card("test_3")).toHaveAttribute("data-test-status", "FAILED");
  await expect(card("deploy")).toHaveAttribute("data-test-status", "UPSTREAM_FAILED");
  await expect(panel.getByRole("list", { name: "Task results" }).locator("li")).toHaveCount(6);
  await page.screenshot({ path: "test-results/screenshots/designer-test-panel.png" });

  // A mock for a task the draft does not have is refused, naming it (the browser logs the 400).
  allowConsoleError(page, /api\/workflows\/test.*400|400.*api\/workflows\/test/);
  await panel.getByLabel("Mocks by task key (JSON)").fill('{ "nope": { "output": 1 } }');
  await panel.getByRole("button", { name: "Run test" }).click();
  await expect(panel.getByRole("alert")).toContainText("mocks.nope");

  // Clear result takes the statuses off the cards; no execution was recorded by any of it.
  await panel.getByLabel("Mocks by task key (JSON)").fill("{}");
  await panel.getByRole("button", { name: "Run test" }).click();
  await expect(card("test_3")).toHaveAttribute("data-test-status", "FAILED");
  await panel.getByRole("button", { name: "Clear result" }).click();
  await expect(page.locator("[data-test-status]")).toHaveCount(0);
  expect(await count()).toBe(before);
});
