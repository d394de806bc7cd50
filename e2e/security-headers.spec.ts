import { allowConsoleError, expect, test, type APIRequestContext, type Page, type Response } from "./fixtures";
import { freshPage } from "./accounts";

// Security headers in real Chromium against the production build (issue 17, point 10): every page
// carries a nonce CSP and passes it with no console error and no CSP violation; a script injected
// without the nonce does not run; no page can be framed; JSON and built assets carry their headers.

const SCRIPT_SRC = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'/;

/** Console errors, page errors and CSP violations of `page`, from its first script on. */
async function watch(page: Page): Promise<string[]> {
  const problems: string[] = [];
  // Playwright's init scripts are not subject to the page's CSP; the listener reports through the console.
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`securitypolicyviolation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error on ${page.url()}: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
  return problems;
}

/** The headers of a page's document response; returns its nonce. */
function expectPageHeaders(response: Response | null): string {
  expect(response, "the navigation has a response").not.toBeNull();
  const headers = response!.headers();
  const csp = headers["content-security-policy"] ?? "";
  const nonce = SCRIPT_SRC.exec(csp)?.[1];
  expect(nonce, `CSP of ${response!.url()}: ${csp}`).toBeTruthy();
  for (const directive of ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "worker-src 'self' blob:"]) expect(csp).toContain(directive);
  expect(csp).not.toContain("unsafe-eval");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
  return nonce!;
}

/** Every script of the document carries the response's nonce (Next's own, and the theme script). */
async function expectScriptsCarry(page: Page, nonce: string) {
  const scripts = await page.evaluate(() => [...document.scripts].map((script) => ({ nonce: script.nonce, src: script.src, text: script.text.slice(0, 60) })));
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) expect(script.nonce, JSON.stringify(script)).toBe(nonce);
}

async function saveTwoVersions(request: APIRequestContext, name: string) {
  const v1 = { name, tasks: [{ key: "fetch", type: "http", params: { url: "https://api.example.com/items" } }, { key: "shape", type: "transform", dependsOn: ["fetch"], params: { output: "{% $tasks.fetch.output.body %}" } }] };
  // v2 is laid out badly on purpose (one column), so that the designer's auto-layout moves its cards.
  const v2 = {
    ...v1,
    description: "second version",
    tasks: [...v1.tasks, { key: "after", type: "wait", dependsOn: ["shape"], params: { durationMs: 10 } }],
    layout: { fetch: { x: 0, y: 0 }, shape: { x: 0, y: 200 }, after: { x: 0, y: 400 } },
  };
  for (const definition of [v1, v2]) expect((await request.post("/api/workflows", { data: definition })).status()).toBe(201);
}

test("every page passes its CSP in Chromium: headers, nonces on every script, no console error, no violation", async ({ page, request }) => {
  const workflow = `e2e-csp-${Date.now()}`;
  await saveTwoVersions(request, workflow);
  const started = await request.post("/api/executions", { data: { workflow: "build-test-deploy", input: { failTest: "test_2" }, waitSeconds: 30 } });
  const executionId = (await started.json()).id as string;
  const problems = await watch(page);

  const pages: Array<[string, () => Promise<void>]> = [
    ["/", () => expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible()],
    ["/workflows", () => expect(page.getByRole("heading", { name: "Workflows" })).toBeVisible()],
    ["/workflows/new", () => expect(page.getByRole("heading", { name: "New workflow" })).toBeVisible()],
    ["/workflows/new?template=blank", () => expect(page.getByText("An empty canvas")).toBeVisible()],
    ["/workflows/new?template=fan-out-fan-in", () => expect(page.locator('.react-flow__node[data-id="join"]')).toBeVisible()],
    [`/workflows/${workflow}`, () => expect(page.locator(".react-flow__node").first()).toBeVisible()],
    [`/workflows/${workflow}/edit`, () => expect(page.locator('.react-flow__node[data-id="after"]')).toBeVisible()],
    [`/workflows/${workflow}/diff?from=1&to=2`, () => expect(page.getByTestId("diff-list")).toBeVisible()],
    ["/executions", () => expect(page.getByRole("heading", { name: "Executions" })).toBeVisible()],
    [`/executions/${executionId}`, () => expect(page.locator('.react-flow__node[data-id="test_2"] [data-status="FAILED"]')).toBeVisible()],
    ["/settings", () => expect(page.getByRole("heading", { name: "Settings" })).toBeVisible()],
  ];
  for (const [path, loaded] of pages) {
    const response = await page.goto(path);
    const nonce = expectPageHeaders(response);
    await loaded();
    await expectScriptsCarry(page, nonce);
    if (path.endsWith("/edit")) {
      // The auto-layout runs ELK in a Web Worker (worker-src).
      const before = await page.locator('.react-flow__node[data-id="after"]').boundingBox();
      await page.getByRole("button", { name: "Layout" }).click();
      await expect.poll(async () => JSON.stringify(await page.locator('.react-flow__node[data-id="after"]').boundingBox())).not.toBe(JSON.stringify(before));
    }
    await page.screenshot({ path: `test-results/screenshots/csp${path.replace(/[/?=&]+/g, "-")}.png` });
    // Violations are reported asynchronously: give the last ones a moment.
    await page.waitForTimeout(300);
    expect(problems, `${path}:\n${problems.join("\n")}`).toEqual([]);
  }
});

test("the nonce is new for every response", async ({ page }) => {
  const first = expectPageHeaders(await page.goto("/workflows"));
  const second = expectPageHeaders(await page.goto("/workflows"));
  expect(second).not.toBe(first);
});

test("a script injected into a page without the nonce does not run, and the browser reports it", async ({ page }) => {
  // The refusal is what this test is about: Chromium's console line and our listener's.
  allowConsoleError(page, /Executing inline script violates the following Content Security Policy directive 'script-src/);
  allowConsoleError(page, /securitypolicyviolation: script-src-elem blocked inline/);
  const problems = await watch(page);
  await page.route("**/workflows", async (route) => {
    const original = await route.fetch();
    const headers = { ...original.headers() };
    delete headers["content-encoding"];
    delete headers["content-length"];
    const body = (await original.text()).replace("</body>", "<script>window.__injected = true</script></body>");
    await route.fulfill({ status: original.status(), headers, body });
  });
  await page.goto("/workflows");
  await expect(page.getByRole("heading", { name: "Workflows" })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
  await expect.poll(() => problems.join("\n")).toContain("securitypolicyviolation: script-src-elem blocked inline");
});

test("no page can be framed, not even by a page of its own origin", async ({ page, baseURL }) => {
  // The refusal is what this test is about.
  allowConsoleError(page, /frame-ancestors 'none'/);
  // Frames added to a Flowdeck page (so nothing but Flowdeck's own headers can stop them: no
  // cross-site or private-network rule applies), with a plain srcdoc frame beside it.
  await page.goto("/executions");
  const framed = page.waitForResponse((response) => response.url() === `${baseURL}/workflows`);
  await page.evaluate(() => {
    const fine = Object.assign(document.createElement("iframe"), { id: "fine", srcdoc: "<p>framed fine</p>" });
    const app = Object.assign(document.createElement("iframe"), { id: "app", src: "/workflows" });
    document.body.append(fine, app);
  });
  await expect(page.frameLocator("#fine").getByText("framed fine")).toBeVisible();
  // Flowdeck answered the frame's request…
  const response = await framed;
  expect(response.status()).toBe(200);
  expect(response.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  // …but the browser did not show it: the frame holds Chromium's error page, not the workflows.
  await expect.poll(() => page.frames().map((frame) => frame.url())).toContain("chrome-error://chromewebdata/");
  await expect(page.frameLocator("#app").getByRole("heading", { name: "Workflows" })).toHaveCount(0);
});

test("the sign-in page carries the same headers, signed out", async ({ browser }) => {
  const page = await freshPage(browser);
  const problems = await watch(page);
  const nonce = expectPageHeaders(await page.goto("/login"));
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expectScriptsCarry(page, nonce);
  await page.waitForTimeout(300);
  expect(problems, problems.join("\n")).toEqual([]);
  await page.context().close();
});

test("JSON answers get a CSP that loads nothing; built assets get nosniff", async ({ request, page }) => {
  for (const path of ["/api/health", "/schema/workflow.json"]) {
    const headers = (await request.get(path)).headers();
    expect(headers["content-security-policy"], path).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["x-frame-options"], path).toBe("DENY");
  }
  await page.goto("/workflows");
  const asset = await page.evaluate(() => [...document.scripts].map((script) => script.src).find((src) => src.includes("/_next/static/")));
  const headers = (await request.get(asset!)).headers();
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["content-security-policy"]).toBeUndefined();
});
