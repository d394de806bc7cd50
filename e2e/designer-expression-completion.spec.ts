import { expect, test, type Page } from "./fixtures";

// Expression fields of the inspector complete `$` paths (issue 12, point 9): the upstream tasks
// after `$tasks.`, what a transform's output holds, the input schema's fields after `$input.`,
// with the keyboard (↑/↓, Enter or Tab, Escape) on a combobox and its listbox.
//
//   fetch ── check ── notify ── later
//   other
const definition = (name: string) => ({
  name,
  input: { type: "object", properties: { region: { type: "string", description: "where to notify" }, count: { type: "integer" } } },
  tasks: [
    { key: "fetch", type: "transform", params: { output: { items: [1, 2, 3] } } },
    { key: "check", type: "transform", dependsOn: ["fetch"], params: { output: { total: "{% $count($tasks.fetch.output.items) %}", ok: true } } },
    { key: "notify", type: "http", dependsOn: ["check"], params: { url: "https://notify.example.com/hook", method: "POST" } },
    { key: "later", type: "transform", dependsOn: ["notify"], params: { output: 1 } },
    { key: "other", type: "transform", params: { output: 2 } },
  ],
});

const field = (page: Page, name: string) => page.locator(`[data-field="${name}"]`).locator("input, textarea").first();
const suggestions = (page: Page) => page.getByRole("listbox", { name: "Suggestions" });

test("typing $tasks. in an expression field offers the upstream tasks; the keyboard picks one and completes it", async ({ page, request }) => {
  const name = `completion-e2e-${Date.now()}`;
  expect((await request.post("/api/workflows", { data: definition(name) })).status()).toBe(201);
  await page.goto(`/workflows/${name}/edit`);
  await page.locator('.react-flow__node[data-id="notify"]').click();
  await expect(page.getByTestId("task-inspector")).toHaveAttribute("data-task-key", "notify");

  const when = field(page, "when");
  await expect(when).toHaveRole("combobox");
  await when.click();
  await when.pressSequentially("{% $tasks.");
  // Upstream of notify: fetch and check; not notify itself, nor later (downstream) or other (unconnected).
  await expect(suggestions(page).getByRole("option")).toHaveText([/^fetch/, /^check/]);
  await expect(when).toHaveAttribute("aria-expanded", "true");
  await expect(suggestions(page).getByRole("option", { name: /^fetch/ })).toHaveAttribute("aria-selected", "true");
  await page.screenshot({ path: "test-results/screenshots/expression-completion.png" });

  await when.press("ArrowDown");
  const checkOption = suggestions(page).getByRole("option", { name: /^check/ });
  await expect(checkOption).toHaveAttribute("aria-selected", "true");
  await expect(when).toHaveAttribute("aria-activedescendant", (await checkOption.getAttribute("id"))!);
  await when.press("Enter");
  await expect(suggestions(page)).toHaveCount(0);
  await expect(when).toHaveValue("{% $tasks.check.output %}"); // the open expression was closed
  await expect(when).toBeFocused();

  // The cursor stayed after the insert: a dot offers what check's output template holds.
  await when.press(".");
  await expect(suggestions(page).getByRole("option")).toHaveText([/^total/, /^ok/]);
  await when.press("Tab");
  await expect(when).toHaveValue("{% $tasks.check.output.total %}");
  await expect(when).toBeFocused();
  await when.pressSequentially(" > 1");
  await expect(when).toHaveValue("{% $tasks.check.output.total > 1 %}");

  // $input. offers the input schema's fields; Escape closes the list and nothing else.
  const url = field(page, "params.url");
  await url.fill("");
  await url.pressSequentially("{% $input.");
  await expect(suggestions(page).getByRole("option")).toHaveText([/^region\s*string · where to notify/, /^count\s*integer/]);
  await page.screenshot({ path: "test-results/screenshots/expression-completion-input.png" });
  await url.press("Escape");
  await expect(suggestions(page)).toHaveCount(0);
  await expect(url).toHaveValue("{% $input.");
  await expect(page.getByTestId("task-inspector")).toHaveAttribute("data-task-key", "notify");
  await url.pressSequentially("region %}");
  await expect(suggestions(page)).toHaveCount(0);

  await expect(page.getByTestId("validation-state")).toHaveAttribute("data-state", "valid");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved v2")).toBeVisible();
  const saved = (await (await request.get(`/api/workflows/${name}`)).json()) as { definition: ReturnType<typeof definition> };
  const notify = saved.definition.tasks.find((task) => task.key === "notify") as { when?: string; params: { url: string } };
  expect(notify.when).toBe("{% $tasks.check.output.total > 1 %}");
  expect(notify.params.url).toBe("{% $input.region %}");
});

test("a click on a suggestion accepts it, in a JSON template too", async ({ page, request }) => {
  const name = `completion-click-e2e-${Date.now()}`;
  expect((await request.post("/api/workflows", { data: definition(name) })).status()).toBe(201);
  await page.goto(`/workflows/${name}/edit`);
  await page.locator('.react-flow__node[data-id="later"]').click();
  const output = field(page, "params.output");
  await output.fill("");
  await output.pressSequentially('{ "n": "{% $tasks.');
  await expect(suggestions(page).getByRole("option")).toHaveText([/^fetch/, /^check/, /^notify/]);
  await suggestions(page).getByRole("option", { name: /^notify/ }).click();
  await expect(output).toHaveValue('{ "n": "{% $tasks.notify.output %}');
  await expect(output).toBeFocused();
  await output.pressSequentially(".status");
  await output.press("Control+End"); // past the ` %}` the completion closed the expression with (End stops at a wrapped line's end)
  await output.pressSequentially('" }');
  await expect(output).toHaveValue('{ "n": "{% $tasks.notify.output.status %}" }');
  await expect(page.getByTestId("validation-state")).toHaveAttribute("data-state", "valid");
});
