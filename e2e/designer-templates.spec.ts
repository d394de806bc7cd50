import { readFileSync } from "node:fs";
import { join } from "node:path";
import { allowConsoleError, expect, test, type Page } from "./fixtures";

// "New workflow" opens the template gallery (issue 12, point 10): blank, the common shapes of
// examples/templates/ and the seeded examples, each with a drawn preview. A template opens in the
// designer as an unsaved draft under a name no stored workflow has, and saves as a new workflow.

type TemplateFile = { name: string; tasks: { key: string; dependsOn?: string[] }[] };
const templateFile = (file: string) => JSON.parse(readFileSync(join(process.cwd(), "examples", file), "utf8")) as TemplateFile;
const PATTERNS = ["fan-out-fan-in", "map-over-list", "approval-gate", "retry-with-backoff"].map((id) => templateFile(`templates/${id}.json`));

const nameField = (page: Page) => page.locator('[data-field="name"] input');

async function shot(page: Page, name: string, fullPage = false) {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage });
}

test("New workflow shows the gallery: blank, the common shapes and the examples, each drawn", async ({ page }) => {
  await page.goto("/workflows");
  await page.getByRole("link", { name: "New workflow" }).click();
  await expect(page).toHaveURL(/\/workflows\/new$/);
  await expect(page.getByRole("heading", { name: "New workflow", level: 1 })).toBeVisible();
  const templates = page.getByRole("list", { name: "Templates" });
  await expect(templates.getByRole("link", { name: /^Blank workflow/ })).toHaveAttribute("href", "/workflows/new?template=blank");
  for (const pattern of PATTERNS) {
    const card = templates.locator(`[data-template="${pattern.name}"]`);
    await expect(card.locator(".react-flow__node"), pattern.name).toHaveCount(pattern.tasks.length);
    await expect(card.locator(".react-flow__edge"), pattern.name).toHaveCount(pattern.tasks.reduce((sum, task) => sum + (task.dependsOn?.length ?? 0), 0));
  }
  await expect(templates.getByRole("link", { name: /^Fan-out \/ fan-in/ })).toBeVisible();
  const examples = page.getByRole("list", { name: "Examples" });
  await expect(examples.locator('[data-template="build-test-deploy"] .react-flow__node')).toHaveCount(6);
  await shot(page, "template-gallery", true);
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await expect(examples.locator('[data-template="build-test-deploy"] .react-flow__node')).toHaveCount(6);
  await shot(page, "template-gallery-dark");
});

test("a seeded example opens under a free name; an unknown template is not found", async ({ page }) => {
  // build-test-deploy is stored (seeded): its copy must not take that name, or saving would be refused with 409.
  await page.goto("/workflows/new?template=build-test-deploy");
  await expect(page.locator('.react-flow__node[data-id="deploy"]')).toBeVisible();
  await expect(nameField(page)).toHaveValue(/^build-test-deploy-\d+$/);
  await expect(page.getByTestId("workflow-editor")).toHaveAttribute("data-dirty", "true");

  allowConsoleError(page, /404/); // the not-found page's document answers 404 on purpose
  const missing = await page.goto("/workflows/new?template=no-such-template");
  expect(missing?.status()).toBe(404);
});

test("picking a template opens it as an unsaved, valid draft; renamed and saved, it is a new workflow with the template's tasks", async ({ page, request }) => {
  await page.goto("/workflows/new");
  await page.getByRole("link", { name: /^Fan-out \/ fan-in/ }).click();
  await expect(page).toHaveURL(/\/workflows\/new\?template=fan-out-fan-in$/);
  const pattern = PATTERNS[0]!;
  for (const task of pattern.tasks) await expect(page.locator(`.react-flow__node[data-id="${task.key}"]`)).toBeVisible();
  await expect(page.getByTestId("validation-state")).toHaveAttribute("data-state", "valid");
  await expect(page.getByTestId("workflow-editor")).toHaveAttribute("data-dirty", "true");
  // The draft is named after the template (free on this server), focused and selected: typing renames it.
  await expect(nameField(page)).toHaveValue(/^fan-out-fan-in(-\d+)?$/);
  await expect(nameField(page)).toBeFocused();
  await shot(page, "template-draft");
  const name = `fan-template-${Date.now()}`;
  await page.keyboard.type(name);
  await expect(nameField(page)).toHaveValue(name);

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved v1")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/workflows/${name}/edit$`));
  await expect(page.getByTestId("workflow-editor")).toHaveAttribute("data-dirty", "false");

  const saved = await request.get(`/api/workflows/${name}`);
  expect(saved.status()).toBe(200);
  const { version, definition } = (await saved.json()) as { version: number; definition: TemplateFile & { input: unknown; description: string } };
  expect(version).toBe(1);
  expect(definition.tasks.map((task) => task.key)).toEqual(pattern.tasks.map((task) => task.key));
  expect(definition.description).toMatch(/^Fan-out \/ fan-in/);
  expect(definition.input).toEqual({ type: "object", properties: { orderId: expect.objectContaining({ default: "order-1001" }) } });

  await page.reload();
  await expect(page.locator('.react-flow__node[data-id="join"]')).toBeVisible();
  await expect(nameField(page)).toHaveValue(name);
});
