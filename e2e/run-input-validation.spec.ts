import { expect, test } from "./fixtures";

// Execution inputs are checked against the whole input JSON Schema (issue 12, point 12: Ajv,
// draft 2020-12), and the problems come back with their paths: in the API's answer, and in the
// Run form at the field each belongs to.

const definition = {
  name: "e2e-run-validation",
  input: {
    type: "object",
    required: ["count"],
    properties: {
      count: { type: "integer", minimum: 1, description: "How many (at least 1)" },
      target: { type: "object", required: ["host"], properties: { host: { type: "string", format: "hostname" } } },
    },
  },
  tasks: [{ key: "echo", type: "transform", params: { output: "{% $input.count %}" } }],
};

test("minimum and nested schemas are enforced, with paths in the API and at the field in the Run form", async ({ page, request }) => {
  expect([200, 201]).toContain((await request.post("/api/workflows", { data: definition })).status());

  const refused = await request.post("/api/executions", { data: { workflow: definition.name, input: { count: 0, target: {} } } });
  expect(refused.status()).toBe(400);
  expect((await refused.json()).error).toMatchObject({
    code: "VALIDATION_FAILED",
    details: [
      { path: "input.count", message: "must be >= 1" },
      { path: "input.target.host", message: "is required" },
    ],
  });

  await page.goto(`/workflows/${definition.name}/edit`);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Run workflow" });
  await dialog.getByLabel(/^count/).fill("0");
  await dialog.getByLabel(/^target/).fill('{"host": "-not a host-"}');
  await dialog.getByRole("button", { name: "Start execution" }).click();
  const count = dialog.locator('[data-run-field="count"]');
  await expect(count).toHaveAttribute("data-invalid", "true");
  await expect(count.getByRole("alert")).toHaveText("count must be >= 1");
  await expect(dialog.locator('[data-run-field="target"]').getByRole("alert")).toHaveText('target.host must match format "hostname"');
  await expect(dialog.getByLabel(/^count/)).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/edit$/); // nothing started
  await page.screenshot({ path: "test-results/screenshots/run-form-inline-errors.png" });

  // Fixing a field clears its problem; a valid input starts the execution.
  await dialog.getByLabel(/^count/).fill("2");
  await expect(count.getByRole("alert")).toHaveCount(0);
  await dialog.getByLabel(/^target/).fill('{"host": "example.com"}');
  await dialog.getByRole("button", { name: "Start execution" }).click();
  await expect(page).toHaveURL(/\/executions\/[^/]+$/);
});
