// The pure reference of runtime-reference.property.test.ts: lib/engine's FakeRuntime (decide +
// applyCommands, every move through transitionTask / transitionExecution) playing the runtime's
// documented part (lib/engine/README.md): it runs the attempts the engine runs itself (transforms,
// switches, `when`), evaluates them with the same expression evaluator, and applies the operator's
// actions as the README says (pause/resume/terminate through transitionExecution; retry and rerun
// through planRetry/planRerun: reset tasks' attempts dropped, a finished execution reset).
import { FakeRuntime } from "@/lib/engine/testing";
import { planRerun, planRetry, type RerunPlan } from "@/lib/engine/rerun";
import { isTerminalExecutionStatus, isLiveTaskStatus } from "@/lib/engine/statuses";
import type { TaskRunError, TaskRunSnapshot } from "@/lib/engine/types";
import { evaluateCondition, evaluateTemplate, type ExpressionContext, type TaskResultView } from "@/lib/workflow/expressions";
import type { JsonValue, TaskDefinition, WorkflowDefinition } from "@/lib/workflow/schema";
import { workerResult, type Outcome } from "./runtime-reference.scenario";

export interface TaskObservation {
  /** The latest attempt's status; RETRYING reads as SCHEDULED (which one depends on the clock). */
  status: string;
  attempts: number;
  output?: unknown;
  errorCode?: string;
}

/** What both sides are compared on, at every quiet point. */
export interface Observation {
  status: string;
  tasks: Record<string, TaskObservation>;
  error?: { code: string; taskKey?: string };
  output?: unknown;
}

/** The result of an operator action: done, or refused (with the planner's message when it refused). */
export type ActionResult = { refused: false } | { refused: true; message: string };

export function observeTask(status: string, attempts: number, output: unknown, error: { code?: string } | null | undefined): TaskObservation {
  return {
    status: status === "RETRYING" ? "SCHEDULED" : status,
    attempts,
    ...(status === "COMPLETED" ? { output } : {}),
    ...(error?.code ? { errorCode: error.code } : {}),
  };
}

export class ReferenceRun {
  private readonly rt: FakeRuntime;
  private readonly tasks: Map<string, TaskDefinition>;
  private error: { code: string; taskKey?: string } | undefined;
  private output: unknown;

  constructor(private readonly definition: WorkflowDefinition) {
    this.rt = new FakeRuntime(definition);
    this.tasks = new Map(definition.tasks.map((task) => [task.key, task]));
  }

  /** Decides and runs the engine's own attempts until nothing changes (the runtime's quiet point). */
  async settle(): Promise<void> {
    for (let round = 0; round < 500; round++) {
      this.rt.advance(10); // 1–2 ms retry delays fall due
      const commands = this.rt.decide();
      for (const command of commands) {
        if (command.kind === "failExecution") this.error = { code: command.error.code, ...(command.error.taskKey ? { taskKey: command.error.taskKey } : {}) };
        if (command.kind === "completeExecution") this.output = this.completedOutputs();
      }
      const due = this.rt.execution.status === "RUNNING" ? this.engineDue() : [];
      for (const run of due) await this.runEngineAttempt(run);
      if (commands.length === 0 && due.length === 0) {
        if (this.rt.runs.some((run) => run.status === "RETRYING" && this.latest(run.taskKey) === run)) continue;
        return;
      }
    }
    throw new Error("the reference did not settle in 500 rounds");
  }

  /** Due attempts the engine runs itself: everything but a worker attempt whose `when` holds. */
  private engineDue(): TaskRunSnapshot[] {
    return this.latestRuns().filter((run) => {
      if (run.status !== "SCHEDULED" && run.status !== "RETRYING") return false;
      if ((run.nextRunAt ?? this.rt.now) > this.rt.now) return false;
      const task = this.tasks.get(run.taskKey)!;
      return task.type !== "worker" || task.when !== undefined;
    });
  }

  private async runEngineAttempt(run: TaskRunSnapshot): Promise<void> {
    const task = this.tasks.get(run.taskKey)!;
    const context = this.context();
    if (task.when !== undefined) {
      const holds = await evaluateCondition(task.when, context, { basePath: `tasks.${task.key}.when` });
      if (!holds.ok) return void this.rt.crash(task.key, expressionError(holds.error));
      if (!holds.value) return void this.rt.skip(task.key);
    }
    if (task.type === "worker") return; // prepared for workers: nothing a snapshot shows
    if (task.type === "transform") {
      const output = await evaluateTemplate(task.params.output, context, { basePath: `tasks.${task.key}.params.output` });
      if (output.ok) this.rt.succeed(task.key, (output.value ?? null) as JsonValue);
      else this.rt.crash(task.key, expressionError(output.error));
      return;
    }
    if (task.type === "switch") {
      for (const [index, branch] of task.params.cases.entries()) {
        const holds = await evaluateCondition(branch.when, context, { basePath: `tasks.${task.key}.params.cases[${index}].when` });
        if (!holds.ok) return void this.rt.crash(task.key, expressionError(holds.error));
        if (holds.value) return void this.rt.succeed(task.key, { branch: branch.name });
      }
      this.rt.succeed(task.key, { branch: task.params.default ? "default" : null });
      return;
    }
    throw new Error(`the reference does not run ${task.type} tasks`);
  }

  /** The worker claims the latest attempt of a worker task (it starts RUNNING). */
  claim(taskKey: string): void {
    this.rt.start(taskKey);
  }

  finish(taskKey: string, outcome: Outcome, n: number): void {
    const result = workerResult(taskKey, outcome, n);
    if (result.ok) this.rt.complete(taskKey, result.output);
    else this.rt.fail(taskKey, result.error);
  }

  pause(): void {
    this.rt.operator("pause");
  }

  resume(): void {
    this.rt.operator("resume");
  }

  terminate(): void {
    this.rt.operator("terminate");
    this.error = { code: "TERMINATED" };
  }

  retry(): ActionResult {
    return this.reopen(planRetry(this.definition, this.rt.runs));
  }

  rerun(fromTaskKey: string): ActionResult {
    return this.reopen(planRerun(this.definition, this.rt.runs, fromTaskKey));
  }

  /** The operations' checks (nothing live; not RUNNING/QUEUED), then the plan: reset tasks dropped, finished execution reset. */
  private reopen(plan: RerunPlan): ActionResult {
    const status = this.rt.execution.status;
    if (this.latestRuns().some((run) => isLiveTaskStatus(run.status))) return { refused: true, message: "tasks are still live" };
    if (status === "RUNNING" || status === "QUEUED") return { refused: true, message: `it is ${status}` };
    if (!plan.ok) return { refused: true, message: plan.error.message };
    const reset = new Set(plan.reset);
    this.rt.runs = this.rt.runs.filter((run) => !reset.has(run.taskKey));
    if (isTerminalExecutionStatus(status)) {
      this.rt.operator("reset");
      this.error = undefined;
      this.output = undefined;
    }
    return { refused: false };
  }

  observe(): Observation {
    const tasks: Record<string, TaskObservation> = {};
    for (const run of this.latestRuns()) tasks[run.taskKey] = observeTask(run.status, run.attempt, run.output, run.error);
    const status = this.rt.execution.status;
    return {
      status,
      tasks,
      ...(status === "FAILED" || status === "TERMINATED" ? { error: this.error } : {}),
      ...(status === "COMPLETED" ? { output: this.output } : {}),
    };
  }

  /** Without an output mapping the execution's output is every completed task's output, by key. */
  private completedOutputs(): Record<string, unknown> {
    const outputs: Record<string, unknown> = {};
    for (const run of this.latestRuns()) if (run.status === "COMPLETED") outputs[run.taskKey] = run.output;
    return outputs;
  }

  private latest(taskKey: string): TaskRunSnapshot | undefined {
    return this.rt.latest(taskKey);
  }

  private latestRuns(): TaskRunSnapshot[] {
    return this.definition.tasks.map((task) => this.latest(task.key)).filter((run): run is TaskRunSnapshot => run !== undefined);
  }

  /** `$tasks` as the runtime builds it: the latest attempt of every task reached so far. */
  private context(): ExpressionContext {
    const tasks: Record<string, TaskResultView> = {};
    for (const run of this.latestRuns()) tasks[run.taskKey] = { status: run.status, output: run.output ?? null, error: run.error ?? null } as TaskResultView;
    return { input: {}, tasks, vars: {}, execution: { id: "reference", name: this.definition.name, version: 1, correlationId: null } };
  }
}

function expressionError(error: { path: string; message: string; code: string }): TaskRunError {
  return { code: "EXPRESSION_ERROR", message: `${error.path}: ${error.message}`, details: { code: error.code, path: error.path } };
}
