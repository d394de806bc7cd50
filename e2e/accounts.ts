// The accounts of the e2e run: the admin made by auth.setup.ts, and helpers for the others.
import { join } from "node:path";
import { expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";

export const ADMIN = { email: "ada@example.com", password: "e2e admin password 1" };
export const ADMIN_STATE = join(process.cwd(), ".tmp", "e2e-auth", "admin.json");

/** Creates a user with `role` through the API, as the signed-in admin (`request` carries the admin's session). */
export async function createUser(request: APIRequestContext, email: string, role: string): Promise<{ email: string; password: string }> {
  const password = `${role} password for e2e`;
  const response = await request.post("/api/users", { data: { email, password, role } });
  expect(response.status(), await response.text()).toBe(201);
  return { email, password };
}

export async function signIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByLabel("Signed in")).toBeVisible();
}

/** A page in a new browser context with no session (a different person at another browser). */
export async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  return context.newPage();
}

/** Headers that act as an API token named `name` with `role` (created by the signed-in admin's `request`); events record the actor `token:<name>`. */
export async function tokenHeaders(request: APIRequestContext, name: string, role: string): Promise<Record<string, string>> {
  const response = await request.post("/api/tokens", { data: { name, role } });
  expect(response.status(), await response.text()).toBe(201);
  const { token } = (await response.json()) as { token: string };
  return { authorization: `Bearer ${token}` };
}
