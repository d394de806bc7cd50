import { expect, openTaskInspector, test, type APIRequestContext, type Page } from "./fixtures";

// The operator's journeys on the live execution page, against the production build.

async function start(request: APIRequestContext, workflow: string, input: unknown, waitSeconds = 0): Promise<string> {
  const response = await request.post("/api/executions", { data: { workflow, input, waitSeconds } });
  expect(response.ok()).toBe(true);
  return (await response.json()).id as string;
}

const node = (page: Page, key: string) => page.locator(`.react-flow__node[data-id="${key}"] [data-status]`).first();
const executionStatus = (page: Page) => page.getByRole("region", { name: "Execution graph" }).locator("[data-status]").first();

test("a failed fan-out is red where it failed; rerun from the failed node with corrected input recovers live", async ({ page, request }) => {
  //   build ─┬─ test_1 ─┐
  //          ├─ test_2 ─┤
  //          ├─ test_3 ─┼─ deploy        test_3 fails (input.failTest = "test_3")
  //          └─ test_4 ─┘
  const id = await start(request, "build-test-deploy", { failTest: "test_3" }, 30);
  await page.goto(`/executions/${id}`);
  await expect(node(page, "test_3")).toHaveAttribute("data-status", "FAILED");
  await expect(node(page, "build")).toHaveAttribute("data-status", "COMPLETED");
  for (const key of ["test_1", "test_2", "test_4"]) await expect(node(page, key)).toHaveAttribute("data-status", "COMPLETED");
  await expect(node(page, "deploy")).toHaveAttribute("data-status", "UPSTREAM_FAILED");
  await expect(node(page, "test_3")).toContainText("Failed");
  await expect(executionStatus(page)).toHaveAttribute("data-status", "FAILED");
  await page.screenshot({ path: "test-results/screenshots/monitor-failed.png" });

  await page.locator('.react-flow__node[data-id="test_3"]').click();
  const inspector = page.getByTestId("task-inspector");
  await expect(inspector).toContainText("acceptance test test_3 failed");
  await inspector.getByRole("button", { name: "Rerun from here" }).click();

  const dialog = page.getByRole("dialog", { name: "Rerun from test_3" });
  const preview = dialog.getByTestId("rerun-preview");
  await expect(preview).toContainText("Runs again (2)");
  await expect(preview).toContainText("deploy");
  await expect(preview).toContainText("Kept (4)");
  // The preview is on the graph too: what re-runs is outlined.
  await expect(page.locator('.react-flow__node[data-id="deploy"] [data-preview="reset"]')).toBeVisible();
  await expect(page.locator('.react-flow__node[data-id="build"] [data-preview="kept"]')).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/monitor-rerun-preview.png" });

  await dialog.getByLabel("Change the execution's input").check();
  await dialog.getByLabel("Execution input").fill(JSON.stringify({ branch: "main", failTest: "" }));
  await dialog.getByRole("button", { name: /^Rerun 2 tasks$/ }).click();

  // No reload: the page follows the execution live.
  await expect(node(page, "test_3")).toHaveAttribute("data-status", "COMPLETED", { timeout: 15_000 });
  await expect(node(page, "deploy")).toHaveAttribute("data-status", "COMPLETED", { timeout: 15_000 });
  await expect(executionStatus(page)).toHaveAttribute("data-status", "COMPLETED");
  await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } }); // back to the execution's overview
  await expect(page.getByTestId("execution-duration")).toHaveText(/\d/);
  await page.screenshot({ path: "test-results/screenshots/monitor-recovered.png" });

  const execution = await (await request.get(`/api/executions/${id}`)).json();
  const build = execution.tasks.find((t: { taskKey: string }) => t.taskKey === "build");
  expect(build.attempts).toHaveLength(1); // kept, not re-run
});

test("pause, resume and terminate from the page", async ({ page, request }) => {
  await request.post("/api/workflows", {
    data: {
      name: "e2e-slow",
      tasks: [
        // Long enough for the page to open and Pause to land while it waits, on a loaded machine too.
        { key: "first", type: "wait", params: { durationMs: 12000 } },
        { key: "second", type: "wait", dependsOn: ["first"], params: { durationMs: 60000 } },
      ],
    },
  });
  const id = await start(request, "e2e-slow", {});
  await page.goto(`/executions/${id}`);
  await expect(node(page, "first")).toHaveAttribute("data-status", "WAITING");

  await page.getByRole("button", { name: "Pause" }).click();
  await expect(executionStatus(page)).toHaveAttribute("data-status", "PAUSED");
  await expect(node(page, "second")).toHaveAttribute("data-status", "PENDING");
  // Paused: the running wait finishes, nothing new starts.
  await expect(node(page, "first")).toHaveAttribute("data-status", "COMPLETED", { timeout: 25_000 });
  await page.waitForTimeout(700);
  await expect(node(page, "second")).toHaveAttribute("data-status", "PENDING");

  await page.getByRole("button", { name: "Resume" }).click();
  await expect(executionStatus(page)).toHaveAttribute("data-status", "RUNNING");
  await expect(node(page, "second")).toHaveAttribute("data-status", "WAITING");

  await page.getByRole("button", { name: "Terminate" }).click();
  const dialog = page.getByRole("dialog", { name: "Terminate this execution?" });
  await expect(dialog.getByRole("button", { name: "Terminate" })).toBeDisabled(); // a reason is required
  await dialog.getByRole("textbox").fill("e2e: no longer needed");
  await dialog.getByRole("button", { name: "Terminate" }).click();
  await expect(executionStatus(page)).toHaveAttribute("data-status", "TERMINATED");
  await expect(node(page, "second")).toHaveAttribute("data-status", "CANCELLED");
  const { events } = await (await request.get(`/api/executions/${id}/events`)).json();
  expect(events).toContainEqual(expect.objectContaining({ type: "EXECUTION_TERMINATED", actor: "ada@example.com", reason: "e2e: no longer needed" }));
});

test("an approval is approved from the page", async ({ page, request }) => {
  await request.post("/api/workflows", {
    data: {
      name: "e2e-approval",
      tasks: [
        { key: "sign_off", type: "approval", params: { prompt: "Ship it?" } },
        { key: "ship", type: "transform", dependsOn: ["sign_off"], params: { output: "{% $tasks.sign_off.output.approved %}" } },
      ],
    },
  });
  const id = await start(request, "e2e-approval", {});
  await page.goto(`/executions/${id}`);
  await expect(node(page, "sign_off")).toHaveAttribute("data-status", "WAITING");
  await openTaskInspector(page, "sign_off");
  await page.getByTestId("task-inspector").getByRole("button", { name: "Approve" }).click();
  const dialog = page.getByRole("dialog", { name: "Approve sign_off?" });
  await dialog.getByRole("textbox").fill("looks good");
  await dialog.getByRole("button", { name: "Approve" }).click();
  await expect(executionStatus(page)).toHaveAttribute("data-status", "COMPLETED", { timeout: 15_000 });
  await expect(node(page, "ship")).toHaveAttribute("data-status", "COMPLETED");
  const execution = await (await request.get(`/api/executions/${id}`)).json();
  const signOff = execution.tasks.find((t: { taskKey: string }) => t.taskKey === "sign_off");
  expect(signOff.attempts[0].output).toMatchObject({ approved: true, by: "ada@example.com", reason: "looks good" });
});

test("bulk terminate from the executions list", async ({ page, request }) => {
  await request.post("/api/workflows", {
    data: { name: "e2e-bulk", tasks: [{ key: "hold", type: "wait", params: { durationMs: 120000 } }] },
  });
  const ids = [await start(request, "e2e-bulk", {}), await start(request, "e2e-bulk", {})];
  await page.goto("/executions?workflow=e2e-bulk");
  for (const id of ids) await page.getByLabel(`Select ${id}`).check();
  const bar = page.getByLabel("Bulk actions");
  await expect(bar).toContainText("2 selected");
  await bar.getByRole("button", { name: "Terminate" }).click();
  const dialog = page.getByRole("dialog", { name: "Terminate: 2 executions" });
  await dialog.getByRole("textbox").fill("e2e bulk clean-up");
  await dialog.getByRole("button", { name: "Terminate" }).click();
  await expect(page.getByText("Terminate: 2 of 2 done")).toBeVisible();
  for (const id of ids) {
    await expect.poll(async () => (await (await request.get(`/api/executions/${id}`)).json()).status).toBe("TERMINATED");
    await expect(page.locator(`tr[data-execution="${id}"] [data-status]`)).toHaveAttribute("data-status", "TERMINATED");
  }
});

test("subworkflow and map nodes link to their child executions, and children back to the parent", async ({ page, request }) => {
  await request.post("/api/workflows", {
    data: { name: "e2e-parent", tasks: [{ key: "run_child", type: "subworkflow", params: { workflow: "child-process-item", input: { item: 1, index: 0 } } }] },
  });
  const id = await start(request, "e2e-parent", {}, 30);
  await page.goto(`/executions/${id}`);
  await expect(node(page, "run_child")).toHaveAttribute("data-status", "COMPLETED");
  await page.locator('.react-flow__node[data-id="run_child"]').getByRole("link", { name: "child →" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/executions/${id}$`));
  await expect(page.getByRole("heading", { name: "child-process-item" })).toBeVisible();
  await page.getByRole("link", { name: "← parent execution" }).click();
  await expect(page).toHaveURL(new RegExp(`/executions/${id}$`));

  const mapId = await start(request, "parent-map-children", {}, 30);
  await page.goto(`/executions/${mapId}`);
  await expect(node(page, "process_items")).toContainText("2 completed · 2 failed");
  await page.locator('.react-flow__node[data-id="process_items"]').click();
  const items = page.getByRole("region", { name: "Map items" });
  await expect(items.getByRole("link", { name: "child" })).toHaveCount(4);
});
