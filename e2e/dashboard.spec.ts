import { expect, test } from "./fixtures";

test("the dashboard counts executions by status and links recent failures", async ({ page, request }) => {
  const failed = await (await request.post("/api/executions", { data: { workflow: "serial-chain", input: { failAt: "transform" }, waitSeconds: 30 } })).json();
  expect(failed.status).toBe("FAILED");
  await request.post("/api/executions", { data: { workflow: "serial-chain", waitSeconds: 30 } });
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  const failedCount = Number(await page.locator('[data-status-count="FAILED"] span.text-2xl').textContent());
  expect(failedCount).toBeGreaterThanOrEqual(1);
  expect(Number(await page.locator('[data-status-count="COMPLETED"] span.text-2xl').textContent())).toBeGreaterThanOrEqual(1);
  const failures = page.getByRole("region", { name: "Recent failures" });
  await expect(failures.locator(`a[href="/executions/${failed.id}"]`)).toBeVisible();
  await expect(failures).toContainText("transform");
  await expect(page.getByRole("region", { name: "Throughput" })).toContainText(/\d+ executions/);
  await page.screenshot({ path: "test-results/screenshots/dashboard.png", fullPage: true });
  await failures.locator(`a[href="/executions/${failed.id}"]`).click();
  await expect(page).toHaveURL(new RegExp(`/executions/${failed.id}$`));
});
