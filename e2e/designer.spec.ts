import { expect, test, type Page } from "./fixtures";

// The designer, driven as a person drives it: the mouse for the canvas, the keyboard for forms.
// Node cards are selected by `.react-flow__node[data-id=…]`.

const node = (page: Page, key: string) => page.locator(`.react-flow__node[data-id="${key}"]`);
const field = (page: Page, name: string) => page.locator(`[data-field="${name}"]`).locator("input, textarea, select").first();

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screenshots/${name}.png` });
}

/** Drags a palette item onto the canvas at (x, y) relative to the canvas. */
async function dropFromPalette(page: Page, type: string, x: number, y: number) {
  await page.locator(`[data-palette-type="${type}"]`).dragTo(page.getByTestId("canvas"), { targetPosition: { x, y } });
}

/** Renames the selected task through the inspector's key field. */
async function renameSelected(page: Page, key: string) {
  const input = field(page, "key");
  await input.fill(key);
  await input.press("Enter");
  await expect(node(page, key)).toBeVisible();
}

/** Connects two cards by dragging from the source's right handle to the target's left handle. */
async function connectHandles(page: Page, from: string, to: string) {
  const source = await node(page, from).locator(".react-flow__handle.source").boundingBox();
  const target = await node(page, to).locator(".react-flow__handle.target").boundingBox();
  if (!source || !target) throw new Error(`handles of ${from} → ${to} not found`);
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(source.x + 40, source.y + 10, { steps: 5 });
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 10 });
  await page.mouse.up();
}

async function clickPane(page: Page) {
  const pane = await page.locator(".react-flow__pane").boundingBox();
  await page.mouse.click(pane!.x + 20, pane!.y + 20);
}

const edges = (page: Page) => page.locator(".react-flow__edge");

async function expectValid(page: Page) {
  await expect(page.getByTestId("validation-state")).toHaveAttribute("data-state", "valid");
}

test("a person builds the fan-out/fan-in workflow from an empty canvas, saves it, and finds it intact after a reload", async ({ page }) => {
  await page.goto("/workflows/new?template=blank");
  await expect(page.getByText("An empty canvas")).toBeVisible();
  // Nothing typed yet: not checked, so no problems in red (issue 12, point 9).
  await page.waitForTimeout(600); // past the validation debounce (250 ms), which must not run
  await expect(page.getByTestId("validation-state")).toHaveAttribute("data-state", "pristine");
  await expect(page.getByTestId("validation-state")).toHaveText("Not checked yet");
  await field(page, "name").fill("fan-e2e");
  await expect(page.getByTestId("validation-state")).toHaveAttribute("data-state", "invalid"); // no tasks yet
  await field(page, "description").fill("Build, two tests in parallel, deploy");

  //   build ─┬─ test_1 ─┬─ deploy
  //          └─ test_2 ─┘
  // Dropped roughly; auto-layout tidies up at the end.
  await dropFromPalette(page, "transform", 130, 260);
  await renameSelected(page, "build");
  await field(page, "params.output").fill('{ "artifact": "app.tar.gz" }');

  await dropFromPalette(page, "worker", 390, 100);
  await renameSelected(page, "test_1");
  await field(page, "params.taskType").fill("run_tests");

  await dropFromPalette(page, "worker", 390, 420);
  await renameSelected(page, "test_2");
  await field(page, "params.taskType").fill("run_tests");
  await page.locator("summary", { hasText: /^Retry/ }).click();
  await field(page, "retry.maximumAttempts").fill("3");

  await dropFromPalette(page, "http", 390, 260);
  await renameSelected(page, "deploy");
  await field(page, "params.url").fill("https://deploy.example.com/release");
  await field(page, "params.method").selectOption("POST");
  await field(page, "when").fill("{% $input.branch = 'main' %}");

  await connectHandles(page, "build", "test_1");
  await connectHandles(page, "build", "test_2");
  await connectHandles(page, "test_1", "deploy");
  await connectHandles(page, "test_2", "deploy");
  await expect(edges(page)).toHaveCount(4);
  await expectValid(page);

  // A connection back from deploy to build would close a loop: refused, with the loop named.
  await connectHandles(page, "deploy", "build");
  await expect(page.getByText(/would make a cycle: build → test_\d → deploy → build/)).toBeVisible();
  await expect(edges(page)).toHaveCount(4);

  await clickPane(page);
  await page.getByRole("button", { name: "Layout" }).click();
  await shot(page, "designer-built");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved v1")).toBeVisible();
  await expect(page).toHaveURL(/\/workflows\/fan-e2e\/edit$/);

  const saved = await (await page.request.get("/api/workflows/fan-e2e")).json();
  expect(saved.definition.tasks.map((t: { key: string; dependsOn?: string[] }) => [t.key, t.dependsOn ?? []])).toEqual([
    ["build", []],
    ["test_1", ["build"]],
    ["test_2", ["build"]],
    ["deploy", ["test_1", "test_2"]],
  ]);
  for (const point of Object.values(saved.definition.layout as Record<string, { x: number; y: number }>)) {
    expect(Number.isInteger(point.x) && Number.isInteger(point.y)).toBe(true);
  }

  await page.reload();
  await expect(page.locator(".react-flow__node")).toHaveCount(4);
  await expect(edges(page)).toHaveCount(4);
  await expect(page.getByTestId("editor-title")).toHaveText("fan-e2e");
  await node(page, "deploy").click();
  await expect(field(page, "params.url")).toHaveValue("https://deploy.example.com/release");
  await expect(field(page, "when")).toHaveValue("{% $input.branch = 'main' %}");
  await node(page, "test_2").click();
  await expect(field(page, "retry.maximumAttempts")).toHaveValue("3"); // the section opens when the task has a retry policy

  // Saving again without a change creates nothing.
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("No changes — still v1")).toBeVisible();
  await shot(page, "designer-reloaded");
});

test("an invalid edit marks the node, lists the problem, and blocks saving", async ({ page }) => {
  await page.goto("/workflows/build-test-deploy/edit");
  await expect(page.locator(".react-flow__node")).toHaveCount(6);
  await expectValid(page);
  await node(page, "test_2").click();
  const when = field(page, "when");
  await when.fill("{% $input.branch = %}");
  // Checked as you type, inline.
  await expect(page.locator('[data-field="when"] [data-testid="field-error"]').first()).toBeVisible();
  await expect(node(page, "test_2").getByTestId("node-issue-marker")).toBeVisible();
  await expect(page.getByTestId("validation-state")).toHaveAttribute("data-state", "invalid");

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Not saved")).toBeVisible();
  const panel = page.getByTestId("errors-panel");
  await expect(panel.getByTestId("problem").first()).toContainText("test_2");
  await shot(page, "designer-invalid");

  await clickPane(page);
  await expect(page.getByTestId("workflow-inspector")).toBeVisible();
  await panel.getByTestId("problem").first().click();
  await expect(page.getByTestId("task-inspector")).toHaveAttribute("data-task-key", "test_2");

  const latest = await (await page.request.get("/api/workflows/build-test-deploy")).json();
  expect(latest.version).toBe(1);

  // Undo restores the valid expression; the marker goes.
  await clickPane(page);
  await page.keyboard.press("ControlOrMeta+z");
  await expect(node(page, "test_2").getByTestId("node-issue-marker")).toHaveCount(0);
  await expectValid(page);
});

test("export then import round-trips to an identical definition; an invalid import lists every error", async ({ page }) => {
  await page.goto("/workflows/serial-chain/edit");
  await expectValid(page);
  await page.getByRole("button", { name: "Export" }).click();
  const exported = (await page.getByTestId("export-json").textContent())!;
  const stored = await (await page.request.get("/api/workflows/serial-chain/export?version=1")).text();
  expect(exported).toBe(stored);
  await page.keyboard.press("Escape");

  await page.getByRole("button", { name: "Import" }).click();
  const box = page.getByLabel("Definition JSON");
  await box.fill('{ "name": "Bad Name", "tasks": [], "extra": 1 }');
  await page.getByRole("button", { name: "Import", exact: true }).last().click();
  const errors = page.getByTestId("import-errors");
  await expect(errors).toContainText("name");
  await expect(errors).toContainText("tasks");
  await expect(errors).toContainText("extra");
  await shot(page, "designer-import-errors");

  // Nothing was applied.
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("editor-title")).toHaveText("serial-chain");

  // The exported text, imported back, is the same definition: saving says so.
  await page.getByRole("button", { name: "Import" }).click();
  await box.fill(exported);
  await page.getByRole("button", { name: "Import", exact: true }).last().click();
  await expect(page.getByText("Imported serial-chain")).toBeVisible();
  await page.getByRole("button", { name: "Export" }).click();
  expect(await page.getByTestId("export-json").textContent()).toBe(exported);
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("No changes — still v1")).toBeVisible();
});

test("undo and redo every change; delete, duplicate, copy and paste; the leave guard asks", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/workflows/new?template=blank");
  const nodes = page.locator(".react-flow__node");
  const press = (keys: string) => page.keyboard.press(keys);

  await page.locator('[data-palette-type="http"]').click(); // added at the centre, selected
  await page.locator('[data-palette-type="wait"]').click(); // added right of it, connected
  await expect(nodes).toHaveCount(2);
  await expect(edges(page)).toHaveCount(1);

  await clickPane(page);
  await press("ControlOrMeta+z");
  await expect(nodes).toHaveCount(1);
  await expect(edges(page)).toHaveCount(0);
  await press("ControlOrMeta+Shift+z");
  await expect(nodes).toHaveCount(2);
  await expect(edges(page)).toHaveCount(1);

  // Delete with the keyboard, undo it.
  await node(page, "wait").click();
  await press("Delete");
  await expect(nodes).toHaveCount(1);
  await press("ControlOrMeta+z");
  await expect(nodes).toHaveCount(2);

  // Select both (shift-click), copy, paste: two more, connected among themselves.
  await node(page, "http").click();
  await node(page, "wait").click({ modifiers: ["Shift"] });
  await press("ControlOrMeta+c");
  const clipboard = await page.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(clipboard).tasks.map((t: { key: string }) => t.key)).toEqual(["http", "wait"]);
  await press("ControlOrMeta+v");
  await expect(nodes).toHaveCount(4);
  await expect(edges(page)).toHaveCount(2);
  await expect(node(page, "http_2")).toBeVisible();
  await press("ControlOrMeta+d");
  await expect(nodes).toHaveCount(6);
  await press("ControlOrMeta+z");
  await press("ControlOrMeta+z");
  await expect(nodes).toHaveCount(2);

  // A field edit is one undo step.
  await node(page, "http").click();
  await field(page, "params.url").fill("https://example.com/a");
  await clickPane(page);
  await node(page, "http").click();
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(field(page, "params.url")).toHaveValue("");
  await page.getByRole("button", { name: "Redo" }).click();
  await expect(field(page, "params.url")).toHaveValue("https://example.com/a");
  await shot(page, "designer-undo");

  // Leaving with unsaved changes asks first; dismissing stays.
  await expect(page.getByTestId("unsaved")).toBeVisible();
  page.once("dialog", (dialog) => void dialog.dismiss());
  await page.getByRole("link", { name: "Workflows" }).click();
  await expect(page).toHaveURL(/\/workflows\/new\?template=blank$/);
});

test("two versions compare as a semantic diff; an older version opens read-only", async ({ page }) => {
  //   fetch ─ shape
  const v1 = {
    name: "diff-e2e",
    tasks: [
      { key: "fetch", type: "http", params: { url: "https://api.example.com/items" } },
      { key: "shape", type: "transform", dependsOn: ["fetch"], params: { output: "{% $tasks.fetch.output.body %}" } },
    ],
    layout: { fetch: { x: 0, y: 0 }, shape: { x: 320, y: 0 } },
  };
  const v2 = { ...v1, layout: { fetch: { x: 0, y: 40 }, shape: { x: 320, y: 40 } } };
  const v3 = {
    ...v2,
    tasks: [
      { ...v1.tasks[0], params: { url: "https://api.example.com/items?page=1" } },
      v1.tasks[1],
      { key: "notify", type: "worker", dependsOn: ["shape"], params: { taskType: "notify" } },
    ],
  };
  for (const definition of [v1, v2, v3]) {
    expect((await page.request.post("/api/workflows", { data: definition })).status()).toBe(201);
  }

  await page.goto("/workflows/diff-e2e/diff?from=1&to=2");
  await expect(page.getByTestId("diff-list")).toContainText("Layout only");
  await page.goto("/workflows/diff-e2e/diff?from=2&to=3");
  const list = page.getByTestId("diff-list");
  await expect(list).toContainText("task notify added");
  await expect(list).toContainText("task fetch changed");
  await expect(list).toContainText("params.url");
  await expect(node(page, "notify").locator('[data-diff="added"]')).toBeVisible();
  await expect(node(page, "fetch").locator('[data-diff="changed"]')).toBeVisible();
  await shot(page, "designer-diff");

  await page.goto("/workflows/diff-e2e/edit?version=1");
  await expect(page.getByText("read-only · latest is v3")).toBeVisible();
  await expect(page.getByRole("button", { name: "Save", exact: true })).toHaveCount(0);
  await expect(page.locator(".react-flow__node")).toHaveCount(2);
});

test("a sub-workflow naming a workflow that does not exist saves, with a warning in the problems panel", async ({ page }) => {
  const saved = await page.request.post("/api/workflows", {
    data: { name: "e2e-sub-parent", tasks: [{ key: "child", type: "subworkflow", params: { workflow: "serial-chain" } }], layout: { child: { x: 0, y: 0 } } },
  });
  expect(saved.status()).toBe(201);
  expect((await saved.json()).warnings).toEqual([]);

  await page.goto("/workflows/e2e-sub-parent/edit");
  await expectValid(page);
  await node(page, "child").click();
  const workflow = field(page, "params.workflow");
  await workflow.fill("no-such-child");
  await workflow.press("Tab");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved v2")).toBeVisible();

  const panel = page.getByTestId("errors-panel");
  const problem = panel.getByTestId("problem");
  await expect(problem).toHaveCount(1);
  await expect(problem).toHaveAttribute("data-severity", "warning");
  await expect(problem).toContainText('task "child" runs workflow "no-such-child", which does not exist (yet)');
  await expect(problem).toContainText("tasks[0].params.workflow");
  // A warning is not an error: the toolbar still says valid (naming the warning) and the card has no error marker.
  await expectValid(page);
  await expect(page.getByTestId("validation-state")).toHaveText("Valid · 1 warning");
  await expect(node(page, "child").getByTestId("node-issue-marker")).toHaveCount(0);
  await shot(page, "designer-unknown-subworkflow-warning");

  // Opened again, the stored version comes with its warning.
  await page.reload();
  await expect(page.getByTestId("validation-state")).toHaveText("Valid · 1 warning");
  await page.getByTestId("validation-state").click();
  await expect(panel.getByTestId("problem")).toHaveAttribute("data-severity", "warning");
  await expect(panel.getByTestId("problem")).toContainText('runs workflow "no-such-child", which does not exist (yet)');

  // Starting it is refused, naming the task and the missing workflow.
  const start = await page.request.post("/api/executions", { data: { workflow: "e2e-sub-parent" } });
  expect(start.status()).toBe(409);
  expect((await start.json()).error.details).toEqual([{ path: "tasks[0].params.workflow", message: 'task "child" runs workflow "no-such-child", which does not exist' }]);
});

test("renaming a key, then clicking Name or pressing Tab, keeps focus and every typed character", async ({ page }) => {
  await page.goto("/workflows/new?template=blank");
  await page.locator('[data-palette-type="transform"]').click();
  // By clicking: the rename happens on the key field's blur, as the click lands in Name.
  await field(page, "key").fill("renamed_by_click");
  await field(page, "name").click();
  await page.keyboard.type("Typed after a click");
  await expect(node(page, "renamed_by_click")).toBeVisible();
  await expect(field(page, "name")).toBeFocused();
  await expect(field(page, "name")).toHaveValue("Typed after a click");
  // By Tab: focus moves on to the next field of the same inspector.
  await field(page, "key").fill("renamed_by_tab");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Typed after Tab");
  await expect(node(page, "renamed_by_tab")).toBeVisible();
  await expect(field(page, "name")).toHaveValue(/Typed after Tab$/);
  await expect(page.getByTestId("task-inspector")).toHaveAttribute("data-task-key", "renamed_by_tab");
  // Selecting another task still shows that task's own fields.
  await page.locator('[data-palette-type="transform"]').click();
  await expect(field(page, "name")).toHaveValue("");
});

test("an older version is restored as a new version, recorded with who did it; nothing older changes", async ({ page, request }) => {
  const name = `e2e-restore-${Date.now()}`;
  const v1 = { name, tasks: [{ key: "first", type: "transform", params: { output: 1 } }] };
  expect((await request.post("/api/workflows", { data: v1 })).status()).toBe(201);
  expect((await request.post("/api/workflows", { data: { ...v1, tasks: [...v1.tasks, { key: "second", type: "transform", dependsOn: ["first"], params: { output: 2 } }] } })).status()).toBe(201);

  await page.goto(`/workflows/${name}/edit?version=1`);
  await expect(page.getByText("read-only · latest is v2")).toBeVisible();
  await expect(page.getByRole("button", { name: "Save", exact: true })).toHaveCount(0);
  await shot(page, "designer-restore-older-version");
  await page.getByRole("button", { name: "Restore as new version" }).click();
  await expect(page.getByText("Restored v1 as v3")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/workflows/${name}/edit$`));
  await expect(page.getByTestId("editor-title")).toHaveText(name);
  await expect(node(page, "second")).toHaveCount(0);
  await expect(node(page, "first")).toBeVisible();

  const latest = (await (await request.get(`/api/workflows/${name}`)).json()) as { version: number; restoredFrom: number | null; createdBy: string; taskCount: number };
  expect(latest).toMatchObject({ version: 3, restoredFrom: 1, createdBy: "ada@example.com", taskCount: 1 });
  const { versions } = (await (await request.get(`/api/workflows/${name}/versions`)).json()) as { versions: { version: number; taskCount: number }[] };
  expect(versions.map((v) => [v.version, v.taskCount])).toEqual([[3, 1], [2, 2], [1, 1]]);
  await page.getByRole("button", { name: "Versions" }).click();
  await expect(page.getByLabel("Versions")).toContainText("restores v1");
});

test("? lists the keyboard shortcuts, except while typing in a field", async ({ page }) => {
  await page.goto("/workflows/build-test-deploy/edit");
  await expect(node(page, "build")).toBeVisible();
  await field(page, "description").click();
  await field(page, "description").press("End");
  await page.keyboard.type("why?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toHaveCount(0);
  await expect(field(page, "description")).toHaveValue(/why\?$/);
  await clickPane(page);
  await page.keyboard.press("?");
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("table", { name: "Keyboard shortcuts" })).toContainText("Save as a new version");
  await expect(dialog).toContainText("Duplicate the selected tasks");
  await shot(page, "designer-shortcuts");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  // The toolbar button opens the same list.
  await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
  await expect(dialog).toBeVisible();
});

test("an imported definition without a layout gets its cards placed, not stacked on one spot", async ({ page }) => {
  await page.goto("/workflows/new?template=blank");
  await page.getByRole("button", { name: "Import" }).click();
  const definition = {
    name: "imported-no-layout",
    tasks: [
      { key: "fetch", type: "transform", params: { output: 1 } },
      { key: "left", type: "transform", dependsOn: ["fetch"], params: { output: 2 } },
      { key: "right", type: "transform", dependsOn: ["fetch"], params: { output: 3 } },
      { key: "join", type: "transform", dependsOn: ["left", "right"], params: { output: 4 } },
    ],
  };
  await page.getByLabel("Definition JSON").fill(JSON.stringify(definition));
  await page.getByRole("button", { name: "Import", exact: true }).last().click();
  await expect(page.getByText("Imported imported-no-layout")).toBeVisible();
  const boxes = await Promise.all(definition.tasks.map(async (task) => (await node(page, task.key).boundingBox())!));
  // Left to right by dependency, and no two cards on top of each other.
  expect(boxes[0]!.x).toBeLessThan(boxes[1]!.x);
  expect(boxes[1]!.x).toBeLessThan(boxes[3]!.x);
  expect(Math.abs(boxes[1]!.y - boxes[2]!.y)).toBeGreaterThanOrEqual(boxes[1]!.height);
  await shot(page, "designer-import-placed");
});

test("a switch has one labelled handle per branch; an edge drawn from one joins exactly that branch", async ({ page, request }) => {
  const name = `e2e-switch-${Date.now()}`;
  const definition = {
    name,
    tasks: [
      { key: "route", type: "switch", params: { cases: [{ name: "few", when: "{% $count($input.items) < 3 %}", next: ["small"] }, { name: "many", when: "{% true %}", next: [] }], default: [] } },
      { key: "small", type: "transform", dependsOn: ["route"], params: { output: 1 } },
      { key: "big", type: "transform", params: { output: 2 } },
      { key: "fallback", type: "transform", params: { output: 3 } },
    ],
    layout: { route: { x: 0, y: 120 }, small: { x: 420, y: 0 }, big: { x: 420, y: 120 }, fallback: { x: 420, y: 240 } },
  };
  expect((await request.post("/api/workflows", { data: definition })).status()).toBe(201);
  await page.goto(`/workflows/${name}/edit`);
  const route = node(page, "route");
  await expect(route.locator("[data-branch]")).toHaveCount(3);
  await expect(route.locator('[data-branch="case-0"]')).toContainText("few");
  await expect(route.locator('[data-branch="case-1"]')).toContainText("many");
  await expect(route.locator('[data-branch="default"]')).toContainText("default");

  const drag = async (handle: string, to: string) => {
    const from = (await route.locator(`[data-branch="${handle}"]`).boundingBox())!;
    const target = (await node(page, to).locator(".react-flow__handle.target").boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 60, from.y + 5, { steps: 5 });
    await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 10 });
    await page.mouse.up();
  };
  await drag("case-1", "big");
  await drag("default", "fallback");
  await expect(page.locator(`.react-flow__edge[data-id="route->big"]`)).toBeAttached();
  await expect(page.locator(`.react-flow__edge[data-id="route->fallback"]`)).toBeAttached();

  // The cases are a form: names and conditions are typed, the tasks each runs come from the edges.
  await route.click({ position: { x: 40, y: 32 } });
  const cases = page.getByTestId("switch-cases");
  await expect(cases.locator("[data-case]")).toHaveCount(2);
  await expect(cases.locator('[data-case="1"]')).toContainText("big");
  await expect(cases).toContainText("Default runs");
  await cases.getByRole("button", { name: "Add case" }).click();
  await expect(route.locator("[data-branch]")).toHaveCount(4);
  await cases.locator('[data-field="params.cases.2.name"] input').fill("huge");
  await expect(route.locator('[data-branch="case-2"]')).toContainText("huge");
  await shot(page, "designer-switch-branches");

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved v2")).toBeVisible();
  const saved = (await (await request.get(`/api/workflows/${name}`)).json()) as { definition: { tasks: { key: string; params: { cases?: { next: string[] }[]; default?: string[] } }[] } };
  const params = saved.definition.tasks.find((task) => task.key === "route")!.params;
  expect(params.cases!.map((entry) => entry.next)).toEqual([["small"], ["big"], []]);
  expect(params.default).toEqual(["fallback"]);
});
