// The Secrets panel of /settings, signed in as the admin: add a secret, replace its value, delete
// it. The value is write-only: after saving, neither the page (its HTML, its inputs), nor any
// response the browser received, nor GET /api/secrets holds it — also after a reload.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { expect, test, type Response } from "./fixtures";

const SHOTS = process.env.E2E_SHOTS_DIR;

test("an admin adds, replaces and deletes a secret; its value is never shown again", async ({ page, request }) => {
  const value = `e2e-${randomBytes(12).toString("hex")}`;
  const replacement = `e2e-new-${randomBytes(12).toString("hex")}`;
  const bodies: string[] = [];
  page.on("response", (response: Response) => {
    bodies.push(response.url());
    void response.text().then((text) => bodies.push(text), () => undefined);
  });

  await page.goto("/settings");
  const panel = page.getByRole("region", { name: "Secrets" });
  await expect(panel).toContainText("No secrets yet.");
  const form = panel.getByRole("form", { name: "Add a secret" });
  await form.getByLabel("Name").fill("e2e_token"); // typed in lower case, saved in upper case
  await expect(form.getByLabel("Name")).toHaveValue("E2E_TOKEN");
  await form.getByLabel("Value").fill(value);
  await expect(form.getByLabel("Value")).toHaveAttribute("type", "password");
  await form.getByRole("button", { name: "Save secret" }).click();
  await expect(page.getByText("Added secret E2E_TOKEN")).toBeVisible();
  const row = panel.getByTestId("secret-E2E_TOKEN");
  await expect(row).toContainText("••••••••");
  await expect(row).toContainText("ada@example.com");
  await expect(form.getByLabel("Value")).toHaveValue("");
  expect(await page.content()).not.toContain(value);
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await panel.screenshot({ path: `${SHOTS}/secrets-panel.png` });
  }

  await row.getByRole("button", { name: "Replace" }).click();
  await row.getByLabel("New value of E2E_TOKEN").fill(replacement);
  await row.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Replaced the value of E2E_TOKEN")).toBeVisible();
  await expect(row.getByLabel("New value of E2E_TOKEN")).toHaveCount(0);

  await page.reload();
  await expect(panel.getByTestId("secret-E2E_TOKEN")).toBeVisible();
  const html = await page.content();
  expect(html).not.toContain(value);
  expect(html).not.toContain(replacement);
  const listed = await request.get("/api/secrets");
  expect(listed.status()).toBe(200);
  const listedText = await listed.text();
  expect(listedText).toContain("E2E_TOKEN");
  expect(listedText).not.toContain(value);
  expect(listedText).not.toContain(replacement);

  // A bad name is refused by the server too (the browser's own pattern check bypassed).
  const refused = await request.put("/api/secrets/bad-name", { data: { value: "x" } });
  expect(refused.status()).toBe(400);

  await panel.getByRole("button", { name: "Delete E2E_TOKEN" }).click();
  if (SHOTS) await panel.screenshot({ path: `${SHOTS}/secrets-delete-confirm.png` });
  await panel.getByRole("button", { name: "Delete E2E_TOKEN" }).click();
  await expect(page.getByText("Deleted secret E2E_TOKEN")).toBeVisible();
  await expect(panel.getByTestId("secret-E2E_TOKEN")).toHaveCount(0);

  await page.waitForLoadState("networkidle");
  expect(bodies.length).toBeGreaterThan(3);
  for (const body of bodies) {
    expect(body).not.toContain(value);
    expect(body).not.toContain(replacement);
  }
});
