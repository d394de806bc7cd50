import { expect, test, type Page } from "./fixtures";

// The workflow settings' trigger forms (issue 13, point 1): a schedule added through the form
// previews its next five fire times as the cron and the time zone are typed, a bad time zone is a
// problem at its field and in the problems panel, a webhook shows its URL and curl example; saved,
// both come back after a reload.

const name = "e2e-trigger-forms";
const field = (page: Page, fieldName: string) => page.locator(`[data-field="${fieldName}"]`).locator("input, textarea, select").first();

/** The Triggers section, whole: the viewport is made tall enough for it while the picture is taken. */
async function shot(page: Page, file: string) {
  const viewport = page.viewportSize()!;
  const section = page.getByTestId("triggers-form").or(page.getByTestId("triggers-json"));
  const box = await section.boundingBox();
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.ceil((box?.height ?? 0) + 400)) });
  await section.screenshot({ path: `test-results/screenshots/${file}.png` });
  const cards = section.locator("[data-trigger]");
  for (let index = 0; index < (await cards.count()); index++) await cards.nth(index).screenshot({ path: `test-results/screenshots/${file}-${index}.png` });
  await page.setViewportSize(viewport);
}

test("triggers are added and edited as forms, preview as you type, and survive a save and a reload", async ({ page }) => {
  const created = await page.request.post("/api/workflows", {
    data: { name, tasks: [{ key: "report", type: "transform", params: { output: { ok: true } } }], layout: { report: { x: 0, y: 0 } } },
  });
  expect(created.status()).toBe(201);
  await page.goto(`/workflows/${name}/edit`);
  const inspector = page.getByTestId("workflow-inspector");
  const form = inspector.getByTestId("triggers-form");
  await expect(form).toContainText("None: it starts only when someone runs it");

  // A schedule, through the form: it starts valid, and previews five fire times in UTC.
  await form.getByLabel("Type of the new trigger").selectOption("schedule");
  await form.getByRole("button", { name: "Add trigger" }).click();
  const schedule = form.locator('[data-trigger="0"]');
  await expect(schedule).toHaveAttribute("data-trigger-type", "schedule");
  await expect(field(page, "triggers[0].key")).toHaveValue("nightly");
  await expect(field(page, "triggers[0].cron")).toHaveValue("0 2 * * *");
  await expect(field(page, "triggers[0].timezone")).toHaveAttribute("placeholder", "UTC"); // the schema's default
  const times = schedule.getByRole("list", { name: "Next fire times of nightly" }).getByRole("listitem");
  await expect(times).toHaveCount(5);
  await expect(times.first()).toHaveText(/^\d{4}-\d\d-\d\d 02:00:00 UTC$/);

  // The preview follows the cron as it is typed…
  await field(page, "triggers[0].cron").fill("30 6 * * 1");
  await expect(times).toHaveCount(5);
  for (const time of await times.allTextContents()) expect(time).toMatch(/ 06:30:00 UTC$/);
  // …and the time zone.
  await field(page, "triggers[0].timezone").fill("Asia/Tokyo");
  await expect(times.first()).toHaveText(/ 06:30:00 GMT\+9$/);
  await expect(times).toHaveCount(5);

  // A time zone that does not exist: inline at the field, and in the problems panel.
  await field(page, "triggers[0].timezone").fill("Mars/Olympus");
  await expect(page.locator('[data-field="triggers[0].timezone"]').getByTestId("field-error")).toBeVisible();
  await expect(schedule).toContainText("Not a valid schedule yet");
  await expect(page.getByTestId("validation-state")).toHaveAttribute("data-state", "invalid");
  await page.getByTestId("validation-state").click();
  await expect(page.getByTestId("errors-panel").getByTestId("problem")).toContainText("triggers[0].timezone");
  await shot(page, "designer-trigger-schedule-error");
  await field(page, "triggers[0].timezone").fill("Europe/Berlin");
  await expect(page.getByTestId("validation-state")).toHaveAttribute("data-state", "valid");
  await expect(times.first()).toHaveText(/ 06:30:00 GMT\+[12]$/);

  // A webhook: its URL and a curl example (the secret comes with the saved version).
  await form.getByLabel("Type of the new trigger").selectOption("webhook");
  await form.getByRole("button", { name: "Add trigger" }).click();
  const webhook = form.locator('[data-trigger="1"]');
  await expect(webhook).toHaveAttribute("data-trigger-type", "webhook");
  await field(page, "triggers[1].key").fill("deploy");
  await expect(webhook.getByTestId("trigger-url")).toHaveText(new RegExp(`^POST http://127\\.0\\.0\\.1:\\d+/api/hooks/${name}/deploy$`));
  await expect(webhook.getByTestId("trigger-curl")).toContainText(`/api/hooks/${name}/deploy`);
  await expect(webhook.getByTestId("trigger-curl")).toContainText("X-Flowdeck-Signature-256");
  await field(page, "triggers[1].respond").selectOption("result");
  // Each trigger edit is its own undo step: undo takes back the respond choice, not the key or the trigger.
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(field(page, "triggers[1].respond")).toHaveValue("");
  await expect(field(page, "triggers[1].key")).toHaveValue("deploy");
  await page.getByRole("button", { name: "Redo" }).click();
  await expect(field(page, "triggers[1].respond")).toHaveValue("result");
  await expect(webhook.getByRole("button", { name: "Copy the curl example of deploy" })).toBeVisible();
  await shot(page, "designer-trigger-forms");

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved v2")).toBeVisible();
  const saved = await (await page.request.get(`/api/workflows/${name}`)).json();
  expect(saved.definition.triggers).toEqual([
    { type: "schedule", key: "nightly", cron: "30 6 * * 1", timezone: "Europe/Berlin" },
    { type: "webhook", key: "deploy", respond: "result" },
  ]);

  // Saved, the webhook's secret is shown on request, and the curl example signs with it.
  const savedHook = page.getByTestId("triggers-form").locator('[data-trigger="1"]');
  await savedHook.getByRole("button", { name: "Show secret" }).click();
  const secret = (await savedHook.getByTestId("trigger-secret").textContent())!;
  expect(secret).toMatch(/^\S{20,}$/);
  await expect(savedHook.getByTestId("trigger-curl")).toContainText(`-hmac '${secret}'`);

  await page.reload();
  await expect(field(page, "triggers[0].cron")).toHaveValue("30 6 * * 1");
  await expect(field(page, "triggers[0].timezone")).toHaveValue("Europe/Berlin");
  await expect(page.getByRole("list", { name: "Next fire times of nightly" }).getByRole("listitem")).toHaveCount(5);
  await expect(field(page, "triggers[1].key")).toHaveValue("deploy");
  await expect(field(page, "triggers[1].respond")).toHaveValue("result");

  // The escape hatch shows the same triggers as JSON; removing one through the form leaves the other.
  await form.getByRole("button", { name: "Edit as JSON" }).click();
  await expect(field(page, "triggers")).toHaveValue(/"key": "deploy"/);
  await inspector.getByRole("button", { name: "Edit as form" }).click();
  // Reordered, then one removed, through the form.
  await form.getByRole("button", { name: "Move webhook deploy up" }).click();
  await expect(field(page, "triggers[0].key")).toHaveValue("deploy");
  await expect(field(page, "triggers[1].cron")).toHaveValue("30 6 * * 1");
  await form.getByRole("button", { name: "Remove schedule nightly" }).click();
  await expect(form.locator("[data-trigger]")).toHaveCount(1);
  await expect(form.locator('[data-trigger="0"]')).toHaveAttribute("data-trigger-type", "webhook");
});

test("a seeded webhook workflow opens with its trigger as a form; a workflow event is added (dark theme)", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/workflows/deploy-hook/edit");
  const webhook = page.getByTestId("triggers-form").locator("[data-trigger]");
  await expect(webhook).toHaveCount(1);
  await expect(webhook).toHaveAttribute("data-trigger-type", "webhook");
  await expect(webhook.getByTestId("trigger-url")).toContainText("/api/hooks/deploy-hook/deploy");
  // A workflow event: the statuses it listens for are a multiple choice from the schema's enum.
  const form = page.getByTestId("triggers-form");
  await form.getByLabel("Type of the new trigger").selectOption("workflow");
  await form.getByRole("button", { name: "Add trigger" }).click();
  await expect(page.locator('[data-field="triggers[1].workflow"]').getByTestId("field-error").first()).toHaveText("workflow must not be empty");
  await field(page, "triggers[1].workflow").fill("build-test-deploy");
  await page.getByRole("group", { name: "Status" }).getByLabel("FAILED").check();
  await expect(form.locator('[data-trigger="1"]').getByTestId("trigger-preview")).toHaveText("Starts when an execution of build-test-deploy ends FAILED");
  await expect(page.getByTestId("validation-state")).toHaveAttribute("data-state", "valid");
  await shot(page, "designer-trigger-forms-dark");
});
