import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { allowConsoleError, expect, test } from "./fixtures";

type ExampleFile = { name: string; tasks: { key: string; dependsOn?: string[] }[] };

const examplesDir = join(process.cwd(), "examples");
const examples: ExampleFile[] = readdirSync(examplesDir)
  .filter((file) => file.endsWith(".json") && !file.endsWith(".test.json"))
  .map((file) => JSON.parse(readFileSync(join(examplesDir, file), "utf8")) as ExampleFile);

function edgeCount(example: ExampleFile): number {
  return example.tasks.reduce((sum, task) => sum + (task.dependsOn?.length ?? 0), 0);
}

test("the Workflows page lists every seeded example and draws its graph", async ({ page }) => {
  await page.goto("/workflows");
  await expect(page.getByRole("heading", { name: "Workflows" })).toBeVisible();
  expect(examples.length).toBeGreaterThanOrEqual(4);
  for (const example of examples) {
    const card = page.locator(`li[data-workflow="${example.name}"]`);
    await expect(card, `card for ${example.name}`).toBeVisible();
    await expect(card.getByText("v1", { exact: true })).toBeVisible();
    await expect(card.getByTestId("task-count")).toHaveText(`${example.tasks.length} task${example.tasks.length === 1 ? "" : "s"}`);
    await expect(card.locator(".react-flow__node"), `nodes of ${example.name}`).toHaveCount(example.tasks.length);
    await expect(card.locator(".react-flow__edge"), `edges of ${example.name}`).toHaveCount(edgeCount(example));
    for (const task of example.tasks) {
      await expect(card.locator(`.react-flow__node[data-id="${task.key}"]`)).toBeVisible();
    }
  }
});

test("the fan-out/fan-in example is drawn as build → four tests → deploy", async ({ page }) => {
  await page.goto("/workflows");
  const card = page.locator('li[data-workflow="build-test-deploy"]');
  await expect(card.locator(".react-flow__node")).toHaveCount(6);
  await expect(card.locator(".react-flow__edge")).toHaveCount(8);
  // Laid out left to right: build left of every test, every test left of deploy.
  const x = async (key: string) => (await card.locator(`.react-flow__node[data-id="${key}"]`).boundingBox())!.x;
  const buildX = await x("build");
  const deployX = await x("deploy");
  for (const key of ["test_1", "test_2", "test_3", "test_4"]) {
    const testX = await x(key);
    expect(testX).toBeGreaterThan(buildX);
    expect(testX).toBeLessThan(deployX);
  }
  await page.screenshot({ path: "test-results/screenshots/workflows.png", fullPage: true });
});

test("a workflow's page shows its graph, versions and an export link", async ({ page }) => {
  await page.goto("/workflows/build-test-deploy");
  await expect(page.getByRole("heading", { name: "build-test-deploy" })).toBeVisible();
  await expect(page.locator(".react-flow__node")).toHaveCount(6);
  await expect(page.getByRole("region", { name: "Versions" }).getByText("v1")).toBeVisible();
  const exportLink = page.getByRole("link", { name: "Export JSON" });
  await expect(exportLink).toHaveAttribute("href", "/api/workflows/build-test-deploy/export?version=1");
  await page.screenshot({ path: "test-results/screenshots/workflow-detail.png", fullPage: true });
});

test("a workflow's page runs it and lists its recent executions, each linked to its monitor", async ({ page }) => {
  await page.goto("/workflows/serial-chain");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Run workflow" });
  await expect(dialog.getByLabel(/^failAt/)).toHaveValue("");
  await dialog.getByRole("button", { name: "Start execution" }).click();
  await expect(page).toHaveURL(/\/executions\/[^/]+$/);
  const id = page.url().split("/").at(-1)!;
  await expect(page.locator('.react-flow__node[data-id="load"] [data-status]').first()).toHaveAttribute("data-status", "COMPLETED");

  await page.goto("/workflows/serial-chain");
  const recent = page.getByRole("region", { name: "Recent executions" });
  const row = recent.locator(`tr[data-execution="${id}"]`);
  await expect(row).toContainText("Completed");
  await expect(row).toContainText("ada@example.com");
  await page.screenshot({ path: "test-results/screenshots/workflow-detail-recent.png", fullPage: true });
  await row.getByRole("link", { name: id.slice(0, 8) }).click();
  await expect(page).toHaveURL(new RegExp(`/executions/${id}$`));
});

test("the mouse wheel over a workflow page's graph scrolls the page; Ctrl + wheel zooms the graph", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 560 });
  await page.goto("/workflows/build-test-deploy");
  const graph = page.getByTestId("workflow-graph");
  await expect(graph.locator(".react-flow__node")).toHaveCount(6);
  const transform = () => graph.locator(".react-flow__viewport").evaluate((el) => getComputedStyle(el).transform);
  const before = await transform();
  const box = (await graph.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 300);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  expect(await transform()).toBe(before);
  // Ctrl + wheel (and a trackpad pinch) still zooms; the page scrolled, so aim at the graph again.
  const moved = (await graph.boundingBox())!;
  await page.mouse.move(moved.x + moved.width / 2, Math.max(moved.y, 0) + 40);
  await page.keyboard.down("Control");
  await page.mouse.wheel(0, -200);
  await page.keyboard.up("Control");
  await expect.poll(transform).not.toBe(before);
});

test("an unknown workflow shows a 404 page", async ({ page }) => {
  // The browser logs the 404 of the document itself: expected here, and only here.
  allowConsoleError(page, /Failed to load resource: the server responded with a status of 404 \(Not Found\) \(http:\/\/127\.0\.0\.1:\d+\/workflows\/does-not-exist:0\)/);
  const response = await page.goto("/workflows/does-not-exist");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});
