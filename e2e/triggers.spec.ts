// Triggers in the browser, signed in as the admin, on the seeded examples: the Triggers page lists
// the disabled schedule and the webhook; the webhook's secret and a signed curl example are shown
// on request, and a signed call made with that secret runs the workflow (respond "result"); an
// operator pauses and resumes a trigger (who did it is shown), runs one now and lands on the
// execution, whose inspector names the trigger; the designer previews a schedule's next fire times.
import { createHmac } from "node:crypto";
import { expect, test } from "./fixtures";

test("the Triggers page: secret and curl, a signed call, pause/resume, run now", async ({ page, request }) => {
  await page.goto("/triggers");
  const nightly = page.getByTestId("trigger-nightly-report-nightly");
  const hook = page.getByTestId("trigger-deploy-hook-deploy");
  await expect(nightly).toContainText("disabled");
  await expect(nightly).toContainText("cron 0 2 * * * (Europe/Berlin)");
  await expect(nightly).toContainText(/02:00:00 GMT\+[12]/); // the next fire, in Berlin time
  await expect(hook).toContainText("active");
  await expect(hook.getByTestId("hook-url")).toContainText("/api/hooks/deploy-hook/deploy");

  await hook.getByRole("button", { name: "Show secret" }).click();
  const secret = (await hook.getByTestId("hook-secret").textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  await expect(hook.getByTestId("hook-curl")).toContainText("X-Flowdeck-Signature-256");

  const body = JSON.stringify({ ref: "main" });
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const called = await request.post("/api/hooks/deploy-hook/deploy", { headers: { "content-type": "application/json", "x-flowdeck-signature-256": signature, "user-agent": "e2e" }, data: body });
  expect(called.status()).toBe(200);
  expect(await called.json()).toMatchObject({ status: "COMPLETED", output: { deployed: "main", by: "e2e" } });
  const refused = await request.post("/api/hooks/deploy-hook/deploy", { headers: { "content-type": "application/json", "x-flowdeck-signature-256": "sha256=00" }, data: body });
  expect(refused.status()).toBe(401);

  await hook.getByRole("button", { name: "Pause" }).click();
  await expect(hook).toContainText("paused");
  await expect(hook).toContainText("by ada@example.com");
  await hook.getByRole("button", { name: "Resume" }).click();
  await expect(hook).toContainText("active");

  await nightly.getByRole("button", { name: "Run now" }).click();
  await expect(page).toHaveURL(/\/executions\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("execution-trigger")).toContainText("schedule nightly");
});

test("the designer shows a schedule's next five fire times", async ({ page }) => {
  await page.goto("/workflows/nightly-report/edit");
  const preview = page.getByTestId("trigger-preview");
  await expect(preview.getByRole("list", { name: "Next fire times of nightly" }).getByRole("listitem")).toHaveCount(5);
  await expect(preview).toContainText(/02:00:00 GMT\+[12]/);
});
