/**
 * Planning a decision step: the pure decider's commands for a state, the workflow's output mapping
 * resolved (async, so before any transaction) and the execution's resulting fields. Used by every
 * decision step (step.ts), by an outcome's step (writes/record-outcome.ts) and by the steps run
 * ahead in the same transaction (writes/inline-steps.ts).
 */
import { applyCommands } from "@/lib/engine/apply";
import { decide } from "@/lib/engine/decide";
import { isTerminalExecutionStatus, type ExecutionStatus } from "@/lib/engine/statuses";
import { transitionExecution } from "@/lib/engine/transitions";
import type { Command, ExecutionError } from "@/lib/engine/types";
import { evaluateTemplate } from "@/lib/pool/evaluate";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import { toJsonText } from "@/lib/runtime/json";
import { executionSnapshot, expressionContext, taskRunSnapshot, tasksViewOf, type ExecutionRow, type TaskRunRow } from "@/lib/runtime/snapshots";
import type { ExecutionState } from "@/lib/runtime/state";

/** What one decision step will do: the decider's commands (output mapping resolved) and the execution's new fields. */
export type StepPlan = {
  commands: Command[];
  wakeAt: Date | null;
  status: ExecutionStatus;
  startedAt: Date | null;
  endedAt: Date | null;
  /** New output / error (JSON text); undefined when unchanged. */
  output: string | null | undefined;
  error: string | null | undefined;
  finished: boolean;
};

const EXECUTION_END: Partial<Record<Command["kind"], "complete" | "fail" | "timeout">> = {
  completeExecution: "complete",
  failExecution: "fail",
  timeoutExecution: "timeout",
};

/** Asks the pure decider what to do with this state, and works out the execution's resulting fields. */
export async function planStep(state: ExecutionState, now: Date): Promise<StepPlan> {
  const { execution, runs, definition } = state;
  const decision = decide({ definition, execution: executionSnapshot(execution), runs: runs.map(taskRunSnapshot), now });
  const commands = await resolveExecutionOutput(decision.commands, execution, definition, runs, now);
  let status = execution.status as ExecutionStatus;
  let startedAt = execution.startedAt;
  let endedAt: Date | null = null;
  let output: string | null | undefined;
  let error: string | null | undefined;
  for (const command of commands) {
    const event = command.kind === "startExecution" ? "start" : EXECUTION_END[command.kind];
    if (!event) continue;
    const moved = transitionExecution(status, event, now);
    if (!moved.ok) throw new Error(`decide asked for an illegal execution move: ${moved.error.message}`);
    status = moved.status;
    if (event === "start") startedAt = now;
    else endedAt = now;
    if (command.kind === "completeExecution") output = toJsonText((command as ResolvedComplete).output);
    if (command.kind === "failExecution" || command.kind === "timeoutExecution") error = toJsonText(command.error);
  }
  return { commands, wakeAt: decision.wakeAt, status, startedAt, endedAt, output, error, finished: isTerminalExecutionStatus(status) };
}

type ResolvedComplete = { kind: "completeExecution"; output: unknown };

/**
 * Evaluates the workflow's output mapping for completeExecution (async, so before the transaction).
 * It reads the tasks as decide saw them when it ended the execution: the stored rows with this
 * step's earlier commands applied (the reference semantics of lib/engine/apply.ts). A map that is
 * the last task completes in the same step as the execution, so on the stored rows alone it was
 * still RUNNING without output.
 */
async function resolveExecutionOutput(
  commands: Command[],
  execution: ExecutionRow,
  definition: WorkflowDefinition,
  runs: readonly TaskRunRow[],
  now: Date,
): Promise<Command[]> {
  const index = commands.findIndex((command) => command.kind === "completeExecution");
  if (index === -1) return commands;
  const before = { execution: executionSnapshot(execution), runs: runs.map(taskRunSnapshot) };
  const tasks = tasksViewOf(index === 0 ? before.runs : applyCommands(before, commands.slice(0, index), now).runs);
  let resolved: Command | ResolvedComplete = { kind: "completeExecution", output: null };
  if (definition.output !== undefined) {
    const result = await evaluateTemplate(definition.output, { ...expressionContext(execution, definition, runs), tasks }, { basePath: "output" });
    if (result.ok) resolved = { kind: "completeExecution", output: result.value ?? null };
    else {
      const failure: ExecutionError = { code: "OUTPUT_MAPPING_FAILED", message: `the workflow's output mapping failed at ${result.error.path}: ${result.error.message}` };
      resolved = { kind: "failExecution", error: failure };
    }
  } else {
    // Without an output mapping the execution's output is every task's output, by key.
    const outputs: Record<string, unknown> = {};
    for (const [taskKey, view] of Object.entries(tasks)) if (view.status === "COMPLETED") outputs[taskKey] = view.output;
    resolved = { kind: "completeExecution", output: outputs };
  }
  return commands.map((command, i) => (i === index ? (resolved as Command) : command));
}
