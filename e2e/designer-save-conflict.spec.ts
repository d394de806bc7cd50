import { expect, test, type APIRequestContext, type Page } from "./fixtures";
import { tokenHeaders } from "./accounts";

// Saving never overwrites work the designer has not seen (issue 12, points 1 and 2): a new workflow
// may not take an existing name, and a save based on an older version opens a conflict dialog with
// both sides' changes: keep mine, take theirs, or open both.

const field = (page: Page, name: string) => page.locator(`[data-field="${name}"]`).locator("input, textarea, select").first();
const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png` });

async function latest(request: APIRequestContext, name: string) {
  const response = await request.get(`/api/workflows/${name}`);
  expect(response.ok()).toBe(true);
  return (await response.json()) as { version: number; taskCount: number; description: string | null; definition: { description?: string } };
}

test("a new workflow named like an existing one is refused, naming it with a link; the stored one keeps its tasks", async ({ page, request }) => {
  await page.goto("/workflows/new?template=blank");
  await field(page, "name").fill("build-test-deploy");
  await page.locator('[data-palette-type="transform"]').click();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "A workflow named build-test-deploy already exists" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("is at v1 with 6 tasks");
  await expect(dialog.getByRole("link", { name: /Open build-test-deploy/ })).toHaveAttribute("href", "/workflows/build-test-deploy/edit");
  await shot(page, "designer-create-existing-name");
  await dialog.getByRole("button", { name: "Choose another name" }).click();
  await expect(page.getByText("Saved v2")).toHaveCount(0);
  expect(await latest(request, "build-test-deploy")).toMatchObject({ version: 1, taskCount: 6 });
  // Under a new name it saves as v1 (the workflow's name: nothing selected on the canvas).
  await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
  await expect(page.getByTestId("workflow-inspector")).toBeVisible();
  await field(page, "name").fill(`e2e-new-${Date.now()}`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved v1")).toBeVisible();
});

test("a save based on an older version shows both sides' changes; take theirs, then keep mine", async ({ page, request }) => {
  const name = `e2e-conflict-${Date.now()}`;
  const definition = { name, tasks: [{ key: "first", type: "transform", params: { output: 1 } }] };
  expect((await request.post("/api/workflows", { data: definition })).status()).toBe(201);
  await page.goto(`/workflows/${name}/edit`);
  await field(page, "description").fill("mine: described in the browser");

  // Meanwhile someone else saves v2 with another task.
  const theirs = { ...definition, tasks: [...definition.tasks, { key: "theirs", type: "transform", dependsOn: ["first"], params: { output: 2 } }] };
  expect((await request.post(`/api/workflows?baseVersion=1`, { data: theirs, headers: await tokenHeaders(request, `bob-${Date.now()}`, "designer") })).status()).toBe(201);

  await page.getByRole("button", { name: "Save", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `${name} changed since you opened it` });
  await expect(dialog).toContainText(/You edited v1; token:bob-\d+ saved v2 since/);
  await expect(dialog.getByTestId("conflict-theirs")).toContainText("+ task theirs");
  await expect(dialog.getByTestId("conflict-mine")).toContainText("~ workflow description");
  await shot(page, "designer-save-conflict");
  expect((await latest(request, name)).version).toBe(2); // nothing saved

  await dialog.getByRole("button", { name: "Take theirs" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator('.react-flow__node[data-id="theirs"]')).toBeVisible();
  await expect(field(page, "description")).toHaveValue("");

  // Now based on v2: an edit saves as v3 without a conflict.
  await field(page, "description").fill("after taking theirs");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved v3")).toBeVisible();

  // Another concurrent save, and this time keep mine: saved after theirs, theirs kept in history.
  expect((await request.post(`/api/workflows?baseVersion=3`, { data: { ...theirs, description: "bob again" } })).status()).toBe(201);
  await field(page, "description").fill("mine wins");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("dialog", { name: `${name} changed since you opened it` }).getByRole("button", { name: "Keep mine" }).click();
  await expect(page.getByText("Saved v5")).toBeVisible();
  expect(await latest(request, name)).toMatchObject({ version: 5, description: "mine wins" });
  const { versions } = (await (await request.get(`/api/workflows/${name}/versions`)).json()) as { versions: { description: string | null }[] };
  expect(versions.map((v) => v.description)).toEqual(["mine wins", "bob again", "after taking theirs", null, null]);
});
