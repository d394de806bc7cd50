import { expect, test } from "./fixtures";

// The executions list: a total count, Newer/Older pages, rows that open their monitor, "select all
// N matching" for bulk actions, and a bulk rerun that picks its task from the workflow's tasks.

test("the executions list counts, pages both ways, opens rows, and reruns all matching from a picked task", async ({ page, request }) => {
  test.setTimeout(120_000);
  const saved = await request.post("/api/workflows", {
    data: {
      name: "e2e-paged",
      tasks: [
        { key: "first", name: "First step", type: "transform", params: { output: 1 } },
        { key: "second", type: "transform", dependsOn: ["first"], params: { output: 2 } },
      ],
    },
  });
  expect(saved.ok()).toBe(true);
  for (let i = 0; i < 55; i += 1) {
    const started = await request.post("/api/executions", { data: { workflow: "e2e-paged" } });
    expect(started.status()).toBe(202);
  }
  await expect
    .poll(async () => (await (await request.get("/api/executions?workflow=e2e-paged&status=COMPLETED&limit=1")).json()).total, { timeout: 60_000 })
    .toBe(55);
  // Newest first as one unpaged answer gives them (two started in one millisecond are ordered by id).
  const ids: string[] = (await (await request.get("/api/executions?workflow=e2e-paged&limit=200")).json()).executions.map((e: { id: string }) => e.id);
  expect(ids).toHaveLength(55);

  await page.goto("/executions?workflow=e2e-paged");
  await expect(page.getByTestId("executions-count")).toHaveText("55 executions match · page of 50");
  await expect(page.locator("tr[data-execution]")).toHaveCount(50);
  const pages = page.getByRole("navigation", { name: "Pages" });
  await expect(pages.getByRole("link", { name: "← Newer" })).toHaveCount(0);
  await pages.getByRole("link", { name: "Older →" }).click();
  await expect(page.locator("tr[data-execution]")).toHaveCount(5);
  await expect(page.locator("tr[data-execution]").first()).toHaveAttribute("data-execution", ids[50]!);
  await expect(pages.getByRole("link", { name: "Older →" })).toHaveCount(0);
  await pages.getByRole("link", { name: "← Newer" }).click();
  await expect(page.locator("tr[data-execution]")).toHaveCount(50);
  await expect(page.locator("tr[data-execution]").first()).toHaveAttribute("data-execution", ids[0]!);
  await expect(pages.getByRole("link", { name: "← Newer" })).toHaveCount(0);

  // A click anywhere on a row (here its workflow cell) opens that execution's monitor.
  await page.locator(`tr[data-execution="${ids[3]}"] td`).nth(2).click();
  await expect(page).toHaveURL(new RegExp(`/executions/${ids[3]}$`));
  await page.goBack();

  // Select the page, then every match, and rerun them all from a task picked from the workflow's tasks.
  await page.getByLabel("Select all on this page").check();
  await expect(page.getByLabel("Bulk actions")).toContainText("50 selected");
  await page.getByRole("button", { name: "Select all 55 matching" }).click();
  const bar = page.getByLabel("Bulk actions");
  await expect(bar).toContainText("All 55 matching selected");
  await bar.getByRole("button", { name: "Rerun from…" }).click();
  const dialog = page.getByRole("dialog", { name: "Rerun from a task: 55 executions" });
  const picker = dialog.getByRole("combobox", { name: "Task to rerun from" });
  await expect(picker.locator("optgroup")).toHaveAttribute("label", "e2e-paged v1 (55 executions)");
  await expect(picker.locator("option")).toHaveText(["Choose a task…", "first — First step (transform)", "second (transform)"]);
  await expect(dialog.getByRole("button", { name: "Rerun from a task" })).toBeDisabled();
  await picker.selectOption("second");
  await dialog.getByRole("button", { name: "Rerun from a task" }).click();
  await expect(page.getByText("Rerun from a task: 55 of 55 done")).toBeVisible({ timeout: 30_000 });
  // Every one of them reran `second` (its first attempt superseded by the rerun) and kept `first`.
  for (const id of [ids[0]!, ids[54]!]) {
    await expect
      .poll(async () => {
        const execution = await (await request.get(`/api/executions/${id}`)).json();
        return {
          status: execution.status,
          superseded: execution.history.superseded.map((a: { taskKey: string; status: string }) => `${a.taskKey}:${a.status}`),
        };
      }, { timeout: 20_000 })
      .toEqual({ status: "COMPLETED", superseded: ["second:COMPLETED"] });
  }
});

test("the executions list filters by trigger, and a bad filter is named", async ({ page }) => {
  await page.goto("/executions?trigger=*&workflow=deploy-hook");
  await expect(page.getByLabel("Trigger")).toHaveValue("*");
  await page.goto("/executions?limit=0");
  await expect(page.getByText("limit: Too small: expected number to be >=1")).toBeVisible();
});
