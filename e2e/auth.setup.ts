// First run, in real Chromium on the fresh server of this e2e run: the first visit leads to the
// setup page, which creates the first admin and signs them in. The signed-in state is saved for
// every other spec (playwright.config.ts: the "chromium" project depends on this one).
import { expect, test as setup } from "@playwright/test";
import { ADMIN, ADMIN_STATE } from "./accounts";

setup("a fresh server sends the first visitor to setup, which creates the admin and signs in", async ({ page }) => {
  await page.goto("/executions");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up Flowdeck" })).toBeVisible();
  await page.getByLabel("Name").fill("Ada Admin");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Repeat the password").fill("short");
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page.getByTestId("form-error")).toContainText("password: the password must have at least 12 characters");
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Repeat the password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByLabel("Signed in")).toContainText("Ada Admin");
  await expect(page.getByTestId("viewer-role")).toHaveText("admin");
  // Setup is gone once an account exists.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/$/);
  await page.context().storageState({ path: ADMIN_STATE });
});
