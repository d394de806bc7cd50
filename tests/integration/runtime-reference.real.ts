// The real side of runtime-reference.property.test.ts: a fresh SQLite file, the real Engine (its
// own loop: decision steps, claims, transforms, switches), the worker service for worker tasks
// (poll, complete, fail: the test is the worker), and the operator operations. After every action
// the test waits for the quiet point: no decision due, nothing the engine would claim, no attempt
// running in the engine, seen twice in a row.
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { Engine } from "@/lib/runtime/engine";
import { getExecution, startExecution } from "@/lib/services/executions";
import { ServiceError } from "@/lib/services/errors";
import { pauseExecution, rerunExecution, resumeExecution, retryExecution, terminateExecution } from "@/lib/services/operations";
import { completeTask, failTask, pollTasks } from "@/lib/services/workers";
import { saveWorkflow } from "@/lib/services/workflows";
import { observeTask, type ActionResult, type Observation, type TaskObservation } from "./runtime-reference.reference";
import { workerResult, workerTaskType, type Outcome } from "./runtime-reference.scenario";

const WORKER_ID = "reference-worker";
const OPERATOR = { actor: "property-test" };

export class RealRun {
  private readonly claimed = new Map<string, string>();

  private constructor(
    private readonly database: TestDatabase,
    private readonly engine: Engine,
    private readonly tag: string,
    readonly executionId: string,
  ) {}

  static async start(definition: Record<string, unknown>, tag: string): Promise<RealRun> {
    const database = await createTestDatabase("sqlite");
    const engine = new Engine(database.db, "sqlite", { pollIntervalMs: 10, timerIntervalMs: 20 });
    try {
      await saveWorkflow(database.db, definition, "test");
      engine.start();
      const started = await startExecution(database.db, { workflow: definition.name as string }, "test");
      return new RealRun(database, engine, tag, started.id);
    } catch (error) {
      await engine.stop();
      await database.cleanup();
      throw error;
    }
  }

  async cleanup(): Promise<void> {
    await this.engine.stop();
    await this.database.cleanup();
  }

  /** Waits until the engine has nothing left to do without the worker or the operator. */
  async settle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quietChecks = 0;
    while (quietChecks < 2) {
      if (Date.now() > deadline) throw new Error(`the runtime did not settle within ${timeoutMs} ms: ${JSON.stringify(await this.observe())}`);
      await sleep(4);
      quietChecks = (await this.quiet()) ? quietChecks + 1 : 0;
    }
  }

  private async quiet(): Promise<boolean> {
    if (this.engine.state().runningTasks > 0) return false;
    const db = this.database.db;
    const execution = await db.execution.findUniqueOrThrow({ where: { id: this.executionId }, select: { status: true, nextDecisionAt: true } });
    if (execution.nextDecisionAt !== null) return false;
    if (execution.status !== "RUNNING") return true;
    // Attempts the engine would claim: built-in types, and worker attempts not yet prepared (input null).
    const claimable = await db.taskRun.count({
      where: { executionId: this.executionId, status: { in: ["SCHEDULED", "RETRYING"] }, OR: [{ workerTaskType: null }, { input: null }] },
    });
    return claimable === 0;
  }

  async claim(taskKey: string): Promise<void> {
    const tasks = await pollTasks(this.database.db, "sqlite", { taskType: workerTaskType(this.tag, taskKey), workerId: WORKER_ID, max: 5 });
    if (tasks.length !== 1) throw new Error(`the worker expected to claim one attempt of ${taskKey}, got ${tasks.length}`);
    this.claimed.set(taskKey, tasks[0]!.taskId);
  }

  async finish(taskKey: string, outcome: Outcome, n: number): Promise<void> {
    const taskId = this.claimed.get(taskKey);
    if (!taskId) throw new Error(`the worker holds no attempt of ${taskKey}`);
    this.claimed.delete(taskKey);
    const result = workerResult(taskKey, outcome, n);
    if (result.ok) await completeTask(this.database.db, { taskId, workerId: WORKER_ID, output: result.output });
    else await failTask(this.database.db, { taskId, workerId: WORKER_ID, error: result.error });
  }

  pause(): Promise<ActionResult> {
    return refusal(pauseExecution(this.database.db, this.executionId, OPERATOR));
  }

  resume(): Promise<ActionResult> {
    return refusal(resumeExecution(this.database.db, this.executionId, OPERATOR));
  }

  terminate(): Promise<ActionResult> {
    return refusal(terminateExecution(this.database.db, this.executionId, { ...OPERATOR, reason: "property test" }));
  }

  retry(): Promise<ActionResult> {
    return refusal(retryExecution(this.database.db, this.executionId, OPERATOR));
  }

  rerun(fromTaskKey: string): Promise<ActionResult> {
    return refusal(rerunExecution(this.database.db, this.executionId, { ...OPERATOR, fromTaskKey }));
  }

  async observe(): Promise<Observation> {
    const view = await getExecution(this.database.db, this.executionId);
    const tasks: Record<string, TaskObservation> = {};
    for (const task of view.tasks) {
      if (task.mapIndex !== -1) continue;
      const latest = task.attempts.reduce((a, b) => (b.attempt > a.attempt ? b : a));
      tasks[task.taskKey] = observeTask(latest.status, latest.attempt, latest.output, latest.error as { code?: string } | null);
    }
    const error = view.error as { code: string; taskKey?: string } | null;
    return {
      status: view.status,
      tasks,
      ...(view.status === "FAILED" || view.status === "TERMINATED" ? { error: error ? { code: error.code, ...(error.taskKey ? { taskKey: error.taskKey } : {}) } : undefined } : {}),
      ...(view.status === "COMPLETED" ? { output: view.output } : {}),
    };
  }
}

/** An operation's 409 as a value (anything else is a failure of the test). */
async function refusal(operation: Promise<unknown>): Promise<ActionResult> {
  try {
    await operation;
    return { refused: false };
  } catch (error) {
    if (error instanceof ServiceError && error.code === "CONFLICT") return { refused: true, message: error.message };
    throw error;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
