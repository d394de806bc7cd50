import { expect, test, type Page } from "./fixtures";

// The designer's Run button, copy/paste between two tabs, the version menu of a new workflow, and
// a drag as one undo step. The engine runs in the e2e server (scripts/e2e-server.mjs), so a started
// execution really runs. Cards are selected by `.react-flow__node[data-id=…]`.

const node = (page: Page, key: string) => page.locator(`.react-flow__node[data-id="${key}"]`);
const field = (page: Page, name: string) => page.locator(`[data-field="${name}"]`).locator("input, textarea, select").first();

async function clickPane(page: Page) {
  const pane = await page.locator(".react-flow__pane").boundingBox();
  await page.mouse.click(pane!.x + 20, pane!.y + 20);
}

test("Run opens the start form generated from the input schema, starts an execution and lands on its monitor page", async ({ page, request }) => {
  //   greet ─ shout      greet builds a greeting from the input; shout upper-cases it.
  const definition = {
    name: "run-e2e",
    input: {
      type: "object",
      properties: {
        who: { type: "string", description: "Whom to greet" },
        times: { type: "integer", default: 2 },
        loud: { type: "boolean" },
        tone: { type: "string", enum: ["warm", "dry"], default: "dry" },
      },
      required: ["who"],
    },
    tasks: [
      { key: "greet", type: "transform", params: { output: { text: "{% 'hello ' & $input.who %}", times: "{% $input.times %}" } } },
      { key: "shout", type: "transform", dependsOn: ["greet"], params: { output: "{% $uppercase($tasks.greet.output.text) %}" } },
    ],
  };
  expect((await request.post("/api/workflows", { data: definition })).status()).toBe(201);

  await page.goto("/workflows/run-e2e/edit");
  await expect(page.locator(".react-flow__node")).toHaveCount(2);
  // Stored without a layout, it opens laid out left to right, not with both cards on one spot.
  const greetBox = (await node(page, "greet").boundingBox())!;
  const shoutBox = (await node(page, "shout").boundingBox())!;
  expect(shoutBox.x).toBeGreaterThanOrEqual(greetBox.x + greetBox.width);
  await expect(page.getByTestId("unsaved")).toHaveCount(0);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Run workflow" });
  // One field per property of the schema, defaults filled in, enums as a choice.
  await expect(dialog.getByLabel(/^who/)).toHaveValue("");
  await expect(dialog.getByLabel(/^times/)).toHaveValue("2");
  await expect(dialog.getByLabel(/^tone/)).toHaveValue("dry");
  await expect(dialog.getByText("Whom to greet")).toBeVisible();

  // A required field left empty is refused in the form; nothing starts.
  await dialog.getByRole("button", { name: "Start execution" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("who is required");
  await expect(page).toHaveURL(/\/workflows\/run-e2e\/edit$/);

  await dialog.getByLabel(/^who/).fill("ada");
  await expect(dialog.getByRole("alert")).toHaveCount(0);
  await dialog.getByLabel(/^times/).fill("3");
  await dialog.getByLabel(/^loud/).selectOption("true");
  await dialog.getByLabel(/^tone/).selectOption("warm");
  await page.screenshot({ path: "test-results/screenshots/designer-run-form.png" });
  await dialog.getByRole("button", { name: "Start execution" }).click();

  await expect(page).toHaveURL(/\/executions\/[^/]+$/);
  const executionId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
  await expect(page.getByText(executionId)).toBeVisible();
  await expect(page.getByRole("heading", { name: "run-e2e" })).toBeVisible();
  await expect(node(page, "shout").locator("[data-status]").first()).toHaveAttribute("data-status", "COMPLETED", { timeout: 20_000 });

  const execution = await (await request.get(`/api/executions/${executionId}`)).json();
  expect(execution.workflowName).toBe("run-e2e");
  expect(execution.workflowVersion).toBe(1);
  expect(execution.input).toEqual({ who: "ada", times: 3, loud: true, tone: "warm" });
  expect(execution.status).toBe("COMPLETED");
  type Task = { taskKey: string; attempts: { output: unknown }[] };
  const output = (key: string) => (execution.tasks as Task[]).find((task) => task.taskKey === key)!.attempts.at(-1)!.output;
  expect(output("greet")).toEqual({ text: "hello ada", times: 3 });
  expect(output("shout")).toBe("HELLO ADA");
  await page.screenshot({ path: "test-results/screenshots/designer-run-monitor.png" });
});

test("copied tasks paste into another tab with their config and dependencies; the clipboard holds definition JSON", async ({ context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const source = await context.newPage();
  await source.goto("/workflows/build-test-deploy/edit");
  await expect(source.locator(".react-flow__node")).toHaveCount(6);
  await node(source, "build").click();
  await node(source, "test_1").click({ modifiers: ["Shift"] });
  await source.keyboard.press("ControlOrMeta+c");

  // The clipboard carries definition JSON: a text editor gets the tasks as they are defined.
  const text = await source.evaluate(() => navigator.clipboard.readText());
  const copied = JSON.parse(text) as { tasks: { key: string; type: string; dependsOn?: string[]; params?: unknown; description?: string }[] };
  expect(copied.tasks.map((task) => task.key)).toEqual(["build", "test_1"]);
  expect(copied.tasks[1]!.dependsOn).toEqual(["build"]);
  const stored = (await (await source.request.get("/api/workflows/build-test-deploy")).json()).definition as { tasks: { key: string; params: unknown }[] };
  expect(copied.tasks[1]!.params).toEqual(stored.tasks.find((task) => task.key === "test_1")!.params);

  const target = await context.newPage();
  await target.goto("/workflows/new?template=blank");
  await expect(target.getByText("An empty canvas")).toBeVisible();
  await field(target, "name").fill("paste-e2e");
  await clickPane(target);
  await target.keyboard.press("ControlOrMeta+v");
  await expect(target.locator(".react-flow__node")).toHaveCount(2);
  await expect(target.locator(".react-flow__edge")).toHaveCount(1);
  await expect(node(target, "build")).toBeVisible();
  await expect(node(target, "test_1")).toBeVisible();

  // The config came along: the inspector shows test_1's description and expression.
  await clickPane(target);
  await node(target, "test_1").click();
  await expect(target.getByTestId("task-inspector")).toHaveAttribute("data-task-key", "test_1");
  await expect(field(target, "description")).toHaveValue(copied.tasks[1]!.description!);
  await target.getByRole("button", { name: "Export" }).click();
  const exported = JSON.parse((await target.getByTestId("export-json").textContent())!) as { tasks: { key: string; params: unknown; dependsOn?: string[] }[] };
  expect(exported.tasks.map((task) => [task.key, task.dependsOn ?? []])).toEqual([
    ["build", []],
    ["test_1", ["build"]],
  ]);
  expect(exported.tasks[1]!.params).toEqual(copied.tasks[1]!.params);
});

test("a new workflow's version menu lists v1 right after the first save, and v2 after the next", async ({ page }) => {
  await page.goto("/workflows/new?template=blank");
  await expect(page.getByRole("button", { name: "Versions" })).toHaveCount(0);
  await field(page, "name").fill("versions-e2e");
  await page.locator('[data-palette-type="wait"]').click();
  await field(page, "params.durationMs").fill("10");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved v1")).toBeVisible();

  await page.getByRole("button", { name: "Versions" }).click();
  const menu = page.getByRole("dialog", { name: "Versions" });
  await expect(menu.getByRole("listitem")).toHaveCount(1);
  await expect(menu.getByRole("link", { name: "v1", exact: true })).toBeVisible();
  await page.keyboard.press("Escape");

  await node(page, "wait").click();
  await field(page, "params.durationMs").fill("20");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved v2")).toBeVisible();
  await page.getByRole("button", { name: "Versions" }).click();
  await expect(menu.getByRole("listitem")).toHaveCount(2);
  await expect(menu.getByRole("link", { name: "v2", exact: true })).toBeVisible();
  // v1 can be compared with the version shown.
  await expect(menu.getByRole("link", { name: /diff/ })).toHaveAttribute("href", "/workflows/versions-e2e/diff?from=1&to=2");
  await page.screenshot({ path: "test-results/screenshots/designer-versions-menu.png" });
});

test("dragging a card moves it and is one undo step", async ({ page }) => {
  await page.goto("/workflows/serial-chain/edit");
  await expect(page.locator(".react-flow__node")).toHaveCount(3);
  const card = node(page, "transform");
  const before = (await card.boundingBox())!;
  await page.mouse.move(before.x + before.width / 2, before.y + before.height / 2);
  await page.mouse.down();
  for (let step = 1; step <= 20; step++) await page.mouse.move(before.x + before.width / 2 + step * 3, before.y + before.height / 2 + step * 5);
  await page.mouse.up();
  const moved = (await card.boundingBox())!;
  expect(moved.y - before.y).toBeGreaterThan(50);
  await expect(page.getByTestId("unsaved")).toBeVisible();

  await clickPane(page);
  await page.keyboard.press("ControlOrMeta+z");
  await expect.poll(async () => Math.round((await card.boundingBox())!.y)).toBe(Math.round(before.y));
  await expect(page.getByTestId("unsaved")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Undo" })).toBeDisabled();
  await page.keyboard.press("ControlOrMeta+Shift+z");
  await expect.poll(async () => Math.round((await card.boundingBox())!.y)).toBe(Math.round(moved.y));
});
