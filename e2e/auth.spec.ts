// Accounts in real Chromium: sign-in and sign-out, an operator who cannot edit, a viewer who sees
// no action buttons, and an admin who creates a token, uses it, and revokes it.
import { expect, test } from "@playwright/test";
import { ADMIN, createUser, freshPage, signIn } from "./accounts";

test("signing out ends the session; a protected page asks to sign in and returns there after", async ({ browser }) => {
  const page = await freshPage(browser);
  await page.goto("/executions?status=FAILED");
  await expect(page).toHaveURL(/\/login\?next=%2Fexecutions/);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("the email or password is wrong");
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Executions" })).toBeVisible();
  const cookie = (await page.context().cookies()).find((c) => c.name === "flowdeck_session")!;
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/workflows");
  await expect(page).toHaveURL(/\/login\?next=%2Fworkflows/);
  // The old cookie no longer works anywhere.
  const replay = await page.request.get("/api/executions", { headers: { cookie: `flowdeck_session=${cookie.value}` } });
  expect(replay.status()).toBe(401);
  await page.context().close();
});

test("an operator runs and operates but cannot edit workflows", async ({ browser, request }) => {
  const operator = await createUser(request, "otto@example.com", "operator");
  const page = await freshPage(browser);
  await signIn(page, operator);
  await expect(page.getByTestId("viewer-role")).toHaveText("operator");
  await page.goto("/workflows");
  await expect(page.getByRole("link", { name: "New workflow" })).toHaveCount(0);
  await page.goto("/workflows/build-test-deploy");
  await expect(page.getByRole("heading", { name: "build-test-deploy" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Edit" })).toHaveCount(0);
  await page.goto("/workflows/build-test-deploy/edit");
  await expect(page.getByTestId("forbidden")).toContainText("This page needs the designer role or higher; you have the operator role.");
  // The server refuses the save itself, not only the UI.
  const save = await page.request.post("/api/workflows", { data: { name: "by-otto", tasks: [{ key: "a", type: "transform", params: { output: {} } }] } });
  expect(save.status()).toBe(403);
  expect((await save.json()).error.message).toBe("this needs the designer role (or higher); otto@example.com has the operator role");
  // An operator may start executions and sees the actions of one.
  const started = await page.request.post("/api/executions", { data: { workflow: "build-test-deploy", input: { failTest: "test_1" }, waitSeconds: 20 } });
  expect(started.status()).toBe(201);
  const execution = await started.json();
  expect(execution.createdBy).toBe("otto@example.com");
  await page.goto(`/executions/${execution.id}`);
  await page.getByRole("button", { name: "Retry failed" }).click();
  // The audit trail names the operator (and the history records the same actor).
  await expect(page.getByRole("region", { name: "Who did what" })).toContainText("otto@example.com");
  const events = (await (await page.request.get(`/api/executions/${execution.id}/events`)).json()).events as { actor: string | null; type: string }[];
  expect(events.filter((e) => e.actor === "otto@example.com").map((e) => e.type)).toEqual(expect.arrayContaining(["EXECUTION_CREATED"]));
  await page.context().close();
});

test("a viewer sees executions and workflows without any action button", async ({ browser, request }) => {
  const viewer = await createUser(request, "vera@example.com", "viewer");
  const started = await request.post("/api/executions", { data: { workflow: "build-test-deploy", input: { failTest: "test_2" }, waitSeconds: 20 } });
  const execution = await started.json();
  const page = await freshPage(browser);
  await signIn(page, viewer);
  await page.goto(`/executions/${execution.id}`);
  await expect(page.getByRole("region", { name: "Execution graph" })).toBeVisible();
  await expect(page.getByLabel("Execution actions")).toHaveCount(0);
  await page.locator(".react-flow__node", { hasText: "test_2" }).first().click();
  await expect(page.getByLabel("Task actions")).toHaveCount(0);
  await page.goto("/executions");
  await expect(page.getByRole("checkbox", { name: /^Select/ })).toHaveCount(0);
  await page.goto("/workflows");
  await expect(page.getByRole("heading", { name: "Workflows" })).toBeVisible();
  await expect(page.getByRole("link", { name: "New workflow" })).toHaveCount(0);
  await page.goto("/settings");
  await expect(page.getByTestId("forbidden")).toContainText("needs the admin role");
  await expect(page.getByRole("link", { name: "Settings" })).toHaveCount(0);
  const terminate = await page.request.post(`/api/executions/${execution.id}/retry`, { data: {} });
  expect(terminate.status()).toBe(403);
  await page.context().close();
});

test("an admin creates a token, shown once, which works until it is revoked", async ({ page, playwright }) => {
  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  const form = page.getByRole("form", { name: "Create a token" });
  await form.getByLabel("Name").fill("ci-deploy");
  await form.getByLabel("Role").selectOption("operator");
  await form.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^fdk_/);
  await expect(page.getByTestId("token-ci-deploy")).toContainText(token.slice(0, 10));
  await expect(page.getByTestId("token-ci-deploy")).not.toContainText(token);

  const client = await playwright.request.newContext({ baseURL: page.url().replace(/\/settings.*$/, ""), extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const me = await client.get("/api/me");
  expect(await me.json()).toEqual({ kind: "token", actor: "token:ci-deploy", role: "operator" });
  // Reloaded, the page lists the token but never shows its secret again.
  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  await page.getByTestId("token-ci-deploy").getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("token-ci-deploy")).toContainText("revoked");
  const after = await client.get("/api/me");
  expect(after.status()).toBe(401);
  expect((await after.json()).error.message).toMatch(/^the API token 'ci-deploy' was revoked at /);
  await client.dispose();
});
