// A workflow test run: the real engine on a throwaway database, with mocked tasks (README.md here).
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { findLatestVersion, findVersion, insertVersion, type WorkflowDefinitionRow } from "@/lib/db/workflow-repository";
import { Engine } from "@/lib/runtime/engine";
import { mocksFrom, type MockStep } from "@/lib/runtime/mocks";
import { insertNewExecution, newExecutionRow } from "@/lib/runtime/writes/start-execution";
import { writeTransaction } from "@/lib/runtime/writes/transaction";
import { prepareExecutionInput } from "@/lib/services/execution-input";
import { getExecution, waitForExecutionEnd, type ExecutionView } from "@/lib/services/executions";
import { notFound, ServiceError, validationFailed, type ErrorDetail } from "@/lib/services/errors";
import { definitionChecksum, parseDefinitionOrThrow } from "@/lib/services/workflows";
import { loadDefinition } from "@/lib/runtime/definitions";
import { workflowReferences } from "@/lib/workflow/references";
import { withVersionLine } from "@/lib/workflow/canonical";
import type { TaskDefinition, WorkflowDefinition } from "@/lib/workflow/schema";
import { MUST_MOCK_TYPES, type MockStepSpec, type TaskMocksTable } from "@/lib/workflow/test-file";
import { openSandbox } from "./sandbox";
import { MAX_TEST_RUN_MS, type TestTaskResult, type WorkflowTestRequest, type WorkflowTestResult } from "./schema";

/** Test runs at once in this process (FLOWDECK_MAX_TEST_RUNS); more are refused with 429. @default 4 */
export const MAX_CONCURRENT_TEST_RUNS = Number(process.env.FLOWDECK_MAX_TEST_RUNS ?? 4);
/** Most definitions a run copies into its database (the tested one and the workflows it runs). */
const MAX_COPIED_DEFINITIONS = 100;

let runningTests = 0;

export async function runWorkflowTest(db: Db, request: WorkflowTestRequest, actor: string): Promise<WorkflowTestResult> {
  const tested = await testedDefinition(db, request);
  const mocks = request.mocks ?? {};
  checkMocks(tested.definition, mocks, request.allowReal ?? []);
  if (runningTests >= MAX_CONCURRENT_TEST_RUNS) {
    throw new ServiceError("TOO_MANY_REQUESTS", `${MAX_CONCURRENT_TEST_RUNS} test runs are running already (FLOWDECK_MAX_TEST_RUNS); try again`);
  }
  runningTests++;
  const startedAt = Date.now();
  const sandbox = await openSandbox().catch((error: unknown) => {
    runningTests--;
    throw error;
  });
  try {
    await copyDefinitions(db, sandbox.db, tested);
    const definition = await loadDefinition(sandbox.db, tested.row.id);
    const label = `workflow '${definition.name}' v${tested.row.version}`;
    const input = prepareExecutionInput({ versionId: tested.row.id, label, schema: definition.input }, request.input ?? {}, `the input does not fit ${label}`);
    const row = newExecutionRow({ definition: tested.row, input, createdBy: actor, now: new Date() });
    await writeTransaction(sandbox.db, false, (tx) => insertNewExecution(tx, row, { workflow: tested.row.name, version: tested.row.version, test: true }));

    const table = mocksFrom<MockStepSpec>(mocks, toStep);
    const engine = new Engine(sandbox.db, "sqlite", {
      engineId: `test:${row.id.slice(0, 8)}`,
      mocks: { stepFor: (key, attempt, executionId) => (executionId === row.id ? table.stepFor(key, attempt, executionId) : undefined) },
      metrics: false,
      triggers: false,
      pollIntervalMs: 25,
      timerIntervalMs: 25,
      shellEnabled: process.env.FLOWDECK_ENABLE_SHELL?.trim().toLowerCase() === "true",
    });
    engine.start();
    const limitMs = Math.min(MAX_TEST_RUN_MS, (request.timeoutSeconds ?? Infinity) * 1000);
    let status: string | null;
    try {
      status = await waitForExecutionEnd(sandbox.db, row.id, limitMs, 25);
    } finally {
      await engine.stop({ graceMs: 0 });
    }
    const view = await getExecution(sandbox.db, row.id);
    const ended = status !== null && view.status === status && isEnded(status);
    return resultOf(view, mocks, { timedOut: !ended, durationMs: Date.now() - startedAt });
  } finally {
    runningTests--;
    await sandbox.close();
  }
}

const isEnded = (status: string) => ["COMPLETED", "FAILED", "TERMINATED", "TIMED_OUT"].includes(status);

function toStep(mock: MockStepSpec): MockStep {
  return {
    ...(mock.output !== undefined ? { output: mock.output } : {}),
    ...(mock.error ? { error: { code: mock.error.code, message: mock.error.message, ...(mock.error.details !== undefined ? { details: mock.error.details } : {}) } } : {}),
    ...(mock.delay ? { delayMs: mock.delay } : {}),
  };
}

type Tested = { definition: WorkflowDefinition; row: WorkflowDefinitionRow };

/** The definition under test: a draft (validated and bounded as a save is) or a saved version. */
async function testedDefinition(db: Db, request: WorkflowTestRequest): Promise<Tested> {
  if (request.workflow !== undefined) {
    const row = request.version === undefined ? await findLatestVersion(db, request.workflow) : await findVersion(db, request.workflow, request.version);
    if (!row) throw notFound(request.version === undefined ? `workflow '${request.workflow}' not found` : `workflow '${request.workflow}' has no version ${request.version}`);
    return { definition: await loadDefinition(db, row.id), row };
  }
  const parsed = await parseDefinitionOrThrow(request.definition, "definition");
  const { definition } = parsed;
  // Numbered after the saved versions, so that a reference to its own latest version is this draft.
  const latest = await findLatestVersion(db, definition.name);
  const version = (latest?.version ?? 0) + 1;
  const row: WorkflowDefinitionRow = {
    id: randomUUID(),
    name: definition.name,
    version,
    definition: withVersionLine(parsed.canonicalText, version),
    checksum: definitionChecksum(definition),
    description: definition.description ?? null,
    taskCount: definition.tasks.length,
    createdAt: new Date(),
    createdBy: null,
    restoredFrom: null,
  };
  return { definition, row };
}

/** The type a task's attempts run as: a map's item task, or the task's own. */
function effectiveTypes(task: TaskDefinition): string[] {
  if (task.type !== "map") return [task.type];
  return [task.params.task?.type, task.params.workflow ? "subworkflow" : undefined].filter((type): type is string => type !== undefined);
}

/**
 * 400 for a mock or an allowReal entry naming no task, a mock of a map without item attempts to
 * mock, and every http/worker/shell/subworkflow task (or map of them) neither mocked nor allowed.
 */
export function checkMocks(definition: WorkflowDefinition, mocks: TaskMocksTable, allowReal: readonly string[]): void {
  const keys = new Set(definition.tasks.map((task) => task.key));
  const details: ErrorDetail[] = [];
  for (const key of Object.keys(mocks)) {
    if (!keys.has(key)) details.push({ path: `mocks.${key}`, message: `workflow '${definition.name}' has no task '${key}'` });
  }
  allowReal.forEach((key, index) => {
    if (!keys.has(key)) details.push({ path: `allowReal[${index}]`, message: `workflow '${definition.name}' has no task '${key}'` });
  });
  if (details.length > 0) throw validationFailed(`unknown task key${details.length > 1 ? "s" : ""}: ${details.map((detail) => detail.path).join(", ")}`, details);
  const allowed = new Set(allowReal);
  const unmocked: ErrorDetail[] = [];
  definition.tasks.forEach((task, index) => {
    if (Object.hasOwn(mocks, task.key) || allowed.has(task.key)) return;
    const real = effectiveTypes(task).filter((type) => MUST_MOCK_TYPES.has(type));
    if (real.length === 0) return;
    const what = task.type === "map" ? `map task '${task.key}' runs ${real.join("/")} items` : `${task.type} task '${task.key}'`;
    unmocked.push({ path: `tasks[${index}]`, message: `${what} would run for real: mock it (mocks.${task.key}) or allow it (allowReal)` });
  });
  if (unmocked.length > 0) {
    const names = unmocked.map((detail) => detail.message.match(/'([^']+)'/)?.[1]).join(", ");
    throw validationFailed(`tasks not mocked: ${names}; a test runs http, worker, shell and subworkflow tasks only when mocked or listed in allowReal`, unmocked);
  }
}

/**
 * Copies the tested definition into the run's database, and the stored workflows it runs (and
 * those they run), so a subworkflow allowed to run for real finds them exactly as a real start would.
 */
async function copyDefinitions(main: Db, sandbox: Db, tested: Tested): Promise<void> {
  await insertVersion(sandbox, tested.row);
  const copied = new Set([`${tested.row.name}@${tested.row.version}`]);
  const queue: WorkflowDefinition[] = [tested.definition];
  while (queue.length > 0 && copied.size < MAX_COPIED_DEFINITIONS) {
    for (const reference of workflowReferences(queue.shift()!)) {
      if (reference.workflow === tested.row.name && reference.version === undefined) continue;
      const row = reference.version === undefined ? await findLatestVersion(main, reference.workflow) : await findVersion(main, reference.workflow, reference.version);
      if (!row || copied.has(`${row.name}@${row.version}`)) continue;
      copied.add(`${row.name}@${row.version}`);
      await insertVersion(sandbox, row);
      queue.push(await loadDefinition(main, row.id));
    }
  }
}

function resultOf(view: ExecutionView, mocks: TaskMocksTable, run: { timedOut: boolean; durationMs: number }): WorkflowTestResult {
  const tasks: TestTaskResult[] = view.tasks.map((task) => ({
    key: task.taskKey,
    mapIndex: task.mapIndex,
    type: task.taskType,
    status: task.status,
    mocked: Object.hasOwn(mocks, task.taskKey) && !(task.taskType === "map" && task.mapIndex === -1),
    attempts: task.attempts.map((attempt) => ({ attempt: attempt.attempt, status: attempt.status, input: attempt.input, output: attempt.output, error: attempt.error, startedAt: attempt.startedAt, endedAt: attempt.endedAt })),
  }));
  return {
    workflow: { name: view.workflowName, version: view.workflowVersion },
    status: view.status,
    timedOut: run.timedOut,
    durationMs: run.durationMs,
    output: view.output,
    error: view.error,
    tasks,
  };
}
