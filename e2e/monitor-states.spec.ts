import { expect, test, type APIRequestContext, type Page } from "./fixtures";

// The monitor tells the truth about an execution's state: it hydrates without errors while the
// execution runs, its clocks stop when it pauses, terminate leaves no task "Pending", and it offers
// only the actions that do something. (The fixture fails any test whose page logs a console error.)

async function saveWorkflow(request: APIRequestContext, definition: unknown) {
  const response = await request.post("/api/workflows", { data: definition });
  expect(response.ok(), await response.text()).toBe(true);
}

async function start(request: APIRequestContext, workflow: string, input: unknown = {}): Promise<string> {
  const response = await request.post("/api/executions", { data: { workflow, input } });
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()).id as string;
}

const node = (page: Page, key: string) => page.locator(`.react-flow__node[data-id="${key}"] [data-status]`).first();
const executionStatus = (page: Page) => page.getByRole("region", { name: "Execution graph" }).locator("[data-status]").first();
const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });

//   hold (wait 60 s) ── after
const holdWorkflow = {
  name: "e2e-states-hold",
  tasks: [
    { key: "hold", type: "wait", params: { durationMs: 60_000 } },
    { key: "after", type: "transform", dependsOn: ["hold"], params: { output: { done: true } } },
  ],
};

test("an execution page opened while it runs hydrates without React error #418", async ({ page, request }) => {
  await saveWorkflow(request, holdWorkflow);
  const id = await start(request, holdWorkflow.name);
  await expect.poll(async () => (await (await request.get(`/api/executions/${id}`)).json()).status).toBe("RUNNING");
  // Let the server's "Running for" differ from the browser's clock, as it does for any operator.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await page.goto(`/executions/${id}`);
  await expect(node(page, "hold")).toHaveAttribute("data-status", "WAITING");
  await expect(page.getByTestId("execution-duration")).toHaveText(/\d/);
  // The page is interactive (hydrated): the inspector opens on a click.
  await page.locator('.react-flow__node[data-id="hold"]').click();
  await expect(page.getByTestId("task-inspector")).toBeVisible();
  await shot(page, "states-running-hydrated");
  await request.post(`/api/executions/${id}/terminate`, { data: { reason: "e2e clean-up" } });
});
