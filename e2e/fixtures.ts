import { test as base, expect, type Page } from "@playwright/test";

// Every e2e spec imports `test` and `expect` from here (eslint refuses "@playwright/test"'s `test`
// in e2e/*.spec.ts): the `page` fixture fails the test when the browser logs a console error or a
// page throws an uncaught error (React's hydration errors such as #418 are both), so a page that
// works but is noisy — a hydration mismatch, a failed request, a crash in an effect — is caught.

export { expect };
export type { APIRequestContext, Locator, Page, Response } from "@playwright/test";

const allowedByPage = new WeakMap<Page, RegExp[]>();

/**
 * Lets one test expect a console error matching `pattern` (e.g. a 404 page logs "Failed to load
 * resource … 404"). Say why at the call site; anything else still fails the test.
 */
export function allowConsoleError(page: Page, pattern: RegExp): void {
  allowedByPage.set(page, [...(allowedByPage.get(page) ?? []), pattern]);
}

export const test = base.extend({
  page: async ({ page }, provide) => {
    const problems: string[] = [];
    const watch = (watched: Page) => {
      watched.on("console", (message) => {
        if (message.type() !== "error") return;
        const { url, lineNumber } = message.location();
        problems.push(`console error on ${watched.url()}: ${message.text()}${url ? ` (${url}:${lineNumber})` : ""}`);
      });
      watched.on("pageerror", (error) => problems.push(`page error on ${watched.url()}: ${error.message}`));
    };
    watch(page);
    // A click on server-rendered HTML before React has hydrated it does nothing; on a loaded
    // machine that takes seconds. Every navigation to an app page waits for hydration
    // (app/providers.tsx marks <html data-hydrated>); JSON and file responses do not.
    const goto = page.goto.bind(page);
    page.goto = async (url, options) => {
      const response = await goto(url, options);
      if (response && /text\/html/.test(response.headers()["content-type"] ?? "")) {
        await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
      }
      return response;
    };
    // Popups and pages opened by links in a new tab are watched too.
    page.context().on("page", watch);
    await provide(page);
    // A moment for errors raised by the last action (an effect after a click) to arrive.
    if (!page.isClosed()) await page.waitForTimeout(100);
    const allowed = allowedByPage.get(page) ?? [];
    const unexpected = problems.filter((problem) => !allowed.some((pattern) => pattern.test(problem)));
    expect(unexpected, "the browser console stays clean: no console error, no uncaught page error").toEqual([]);
  },
});

/**
 * Opens a task's inspector on the monitor by clicking its card, again until it opens. A card click
 * on an approval waiting in a just-started execution was, about once in six CI runs, not taken:
 * the click landed on the card (trace: inside its box, no other element hit), the inspector never
 * opened, and no console error was logged. The cause is not found yet (the canvas no longer moves
 * under a click: canvas-view.spec.ts). A click that never opens it still fails.
 */
export async function openTaskInspector(page: Page, taskKey: string): Promise<void> {
  await expect(async () => {
    await page.locator(`.react-flow__node[data-id="${taskKey}"]`).click();
    await expect(page.getByTestId("task-inspector").getByRole("heading", { name: taskKey, exact: true })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
}
