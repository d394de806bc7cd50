import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "./fixtures";
import { freshPage } from "./accounts";

// Accessibility (issue 12, point 17): axe-core's WCAG 2.1 A/AA rules on every page, signed in as
// the admin (the role that sees every control), and on the sign-in page signed out. A serious or
// critical violation fails the test, listed with its rule, the elements and how to fix it.

const SERIOUS = new Set(["serious", "critical"]);

/** The serious violations on the page, or only inside `within` (CSS selectors) when given. */
async function seriousViolations(page: Page, within: string[] = []): Promise<string[]> {
  let builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]);
  for (const selector of within) builder = builder.include(selector);
  const results = await builder.analyze();
  return results.violations
    .filter((violation) => SERIOUS.has(violation.impact ?? ""))
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.slice(0, 5).map((node) => node.target.join(" ")).join(", ")}${violation.nodes.length > 5 ? ` and ${violation.nodes.length - 5} more` : ""}`);
}

test("every page has no serious accessibility violation (axe, WCAG 2.1 AA)", async ({ page, request }) => {
  test.setTimeout(180_000);
  const started = await request.post("/api/executions", { data: { workflow: "build-test-deploy", input: { failTest: "test_3" }, waitSeconds: 30 } });
  const execution = (await started.json()) as { id: string };
  const pages: { path: string; ready: string }[] = [
    { path: "/", ready: "main" },
    { path: "/workflows", ready: ".react-flow__node" },
    { path: "/workflows/build-test-deploy", ready: ".react-flow__node" },
    { path: "/workflows/build-test-deploy/edit", ready: ".react-flow__node" },
    { path: "/workflows/new", ready: '[data-template="fan-out-fan-in"] .react-flow__node' },
    { path: "/workflows/new?template=blank", ready: "[data-palette-type]" },
    { path: "/workflows/new?template=approval-gate", ready: ".react-flow__node" },
    { path: "/executions", ready: "table" },
    { path: `/executions/${execution.id}`, ready: ".react-flow__node" },
    { path: "/settings", ready: "main" },
    { path: "/triggers", ready: "main h1" },
    // Swagger UI renders the whole document on the client; every operation is listed at once.
    { path: "/api-docs", ready: '[data-testid="api-reference"] #operations-Server-getMe' },
  ];
  const found: string[] = [];
  for (const { path, ready } of pages) {
    await page.goto(path);
    await expect(page.locator(ready).first()).toBeVisible();
    for (const violation of await seriousViolations(page)) found.push(`${path}: ${violation}`);
  }
  const signedOut = await freshPage(page.context().browser()!);
  await signedOut.goto("/login");
  await expect(signedOut.getByRole("button", { name: "Sign in" })).toBeVisible();
  for (const violation of await seriousViolations(signedOut)) found.push(`/login: ${violation}`);
  expect(found, found.join("\n")).toEqual([]);
});

test("the API reference stays accessible in the dark theme, with a call tried out and in the Authorize dialog", async ({ page }) => {
  // Swagger UI's markup is not ours: its dark mode (components/api-docs/api-reference.tsx) and the
  // parts that appear only when opened (parameters, code examples, responses, the dialog) are
  // checked too, in both themes. The whole page is scanned in the dark theme here (the light one in
  // the test above); an opened state is scanned where it opened (axe on all of Swagger UI's ~100
  // operations takes seconds a scan on a loaded machine).
  test.setTimeout(180_000);
  const found: string[] = [];
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.goto("/api-docs");
    if (colorScheme === "dark") await expect(page.locator("html")).toHaveClass(/\bdark-mode\b/);
    else await expect(page.locator("html")).not.toHaveClass(/\bdark-mode\b/);
    const getMe = page.locator("#operations-Server-getMe");
    await expect(getMe).toBeVisible({ timeout: 30_000 });
    if (colorScheme === "dark") for (const violation of await seriousViolations(page)) found.push(`dark: ${violation}`);
    await getMe.locator(".opblock-summary").click();
    await getMe.getByRole("button", { name: "Try it out" }).click();
    await getMe.getByRole("button", { name: "Execute" }).click();
    await expect(getMe.locator(".live-responses-table")).toContainText('"role": "admin"');
    const postWorkflows = page.locator("#operations-Workflows-postWorkflows");
    await postWorkflows.locator(".opblock-summary").click();
    await expect(postWorkflows.locator(".body-param__example")).toBeVisible();
    for (const violation of await seriousViolations(page, ["#operations-Server-getMe", "#operations-Workflows-postWorkflows"])) found.push(`${colorScheme}, operations open: ${violation}`);
    await page.locator(".auth-wrapper").getByRole("button", { name: "Authorize" }).click();
    await expect(page.locator(".modal-ux")).toBeVisible();
    for (const violation of await seriousViolations(page, [".modal-ux"])) found.push(`${colorScheme}, Authorize dialog: ${violation}`);
  }
  expect(found, found.join("\n")).toEqual([]);
});

test("the first Tab shows a skip link that moves focus to the page's content; keyboard focus is visible", async ({ page }) => {
  await page.goto("/workflows");
  await expect(page.getByRole("heading", { name: "Workflows" })).toBeVisible();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
  // The next Tab lands in the page, not in the sidebar, with an outline in the accent colour.
  await page.keyboard.press("Tab");
  const focused = page.locator(":focus");
  expect(await focused.evaluate((el) => el.closest("main") !== null)).toBe(true);
  expect(await focused.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe("solid");
});

test("the theme switch picks dark or light over the system's theme, kept across reloads", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/");
  const html = page.locator("html");
  await expect(html).not.toHaveClass(/\bdark\b/);
  const theme = page.getByRole("radiogroup", { name: "Theme" });
  await expect(theme.getByRole("radio", { name: "Follow the system" })).toHaveAttribute("aria-checked", "true");
  await theme.getByRole("radio", { name: "Dark" }).click();
  await expect(html).toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(theme.getByRole("radio", { name: "Dark" })).toHaveAttribute("aria-checked", "true");
  await page.screenshot({ path: "test-results/screenshots/dashboard-dark.png" });
  await theme.getByRole("radio", { name: "Follow the system" }).click();
  await expect(html).not.toHaveClass(/\bdark\b/);
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await expect(html).toHaveClass(/\bdark\b/);
});
