// The API reference (/api-docs): Swagger UI, bundled from npm, renders the OpenAPI document under
// the pages' nonce CSP with no console error (the fixture fails on any, CSP violations included)
// and no request to another origin; a call tried from it runs with the signed-in session. Signed
// out, the page sends you to sign in; /api/openapi.json itself is public.
import { freshPage } from "./accounts";
import { expect, test } from "./fixtures";

test("the API reference renders the document and tries a call with the session", async ({ page, baseURL }) => {
  const foreign: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(baseURL!) && !request.url().startsWith("data:")) foreign.push(request.url());
  });
  await page.goto("/api-docs");
  await expect(page.getByRole("heading", { name: "API reference" })).toBeVisible();
  const reference = page.getByTestId("api-reference");
  // Swagger UI renders the whole document (~100 operations) on the client: give it time.
  await expect(reference.getByText("Flowdeck API", { exact: false }).first()).toBeVisible({ timeout: 30_000 });
  // The document is one Swagger UI reads without complaint (it once showed a jsonSchemaDialect warning).
  await expect(reference.locator(".info")).toBeVisible();
  await expect(reference.getByText("Warning", { exact: true })).toHaveCount(0);
  const operation = reference.locator("#operations-Server-getMe");
  await expect(operation).toBeVisible();
  await operation.locator(".opblock-summary").click();
  await operation.getByRole("button", { name: "Try it out" }).click();
  await operation.getByRole("button", { name: "Execute" }).click();
  await expect(operation.locator(".live-responses-table tbody .response-col_status").first()).toHaveText("200");
  await expect(operation.locator(".live-responses-table")).toContainText('"role": "admin"');
  expect(foreign).toEqual([]);
});

test("signed out, /api-docs sends you to sign in; the document itself is public", async ({ browser, request }) => {
  const page = await freshPage(browser);
  await page.goto("/api-docs");
  await expect(page).toHaveURL(/\/login\?next=%2Fapi-docs/);
  await page.context().close();
  const response = await request.get("/api/openapi.json", { headers: { cookie: "" } });
  expect(response.status()).toBe(200);
  expect(((await response.json()) as { openapi: string }).openapi).toMatch(/^3\.1\./);
});
