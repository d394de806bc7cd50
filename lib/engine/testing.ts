/**
 * Test fixtures for the pure engine: definition and run builders, and a fake runtime that plays
 * the runtime's part (start, complete, fail, heartbeat, pause…) through the same transitions the
 * real runtime uses, applies each decision with `applyCommands`, and refuses anything illegal.
 * Used by the engine's tests; handy for the runtime's own tests too.
 */
import type { JsonValue, TaskDefinition, WorkflowDefinition } from "@/lib/workflow/schema";
import { applyCommands } from "./apply";
import { decide } from "./decide";
import type { ExecutionStatus, TaskStatus } from "./statuses";
import { transitionExecution, transitionTask, type ExecutionEventType, type TaskEventType } from "./transitions";
import type { Command, Decision, ExecutionSnapshot, TaskRunError, TaskRunSnapshot } from "./types";

export const T0 = new Date("2030-01-01T00:00:00.000Z");
/** T0 plus ms milliseconds. */
export function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

type TaskExtras = Omit<Partial<TaskDefinition>, "key"> & Record<string, unknown>;

/** A task; a transform by default. */
export function task(key: string, extras: TaskExtras = {}): TaskDefinition {
  return { key, type: "transform", params: { output: null }, ...extras } as TaskDefinition;
}

/** A switch whose cases are given as { name: next }. */
export function switchTask(key: string, cases: Record<string, string[]>, extras: TaskExtras & { defaultNext?: string[] } = {}): TaskDefinition {
  const { defaultNext, ...rest } = extras;
  return task(key, {
    type: "switch",
    params: {
      cases: Object.entries(cases).map(([name, next]) => ({ name, when: "{% true %}", next })),
      ...(defaultNext ? { default: defaultNext } : {}),
    },
    ...rest,
  });
}

/** A map over items running a worker task per item. */
export function mapTask(
  key: string,
  options: { concurrency?: number; failFast?: boolean; retry?: TaskDefinition["retry"]; timeouts?: TaskDefinition["timeouts"] } = {},
  extras: TaskExtras = {},
): TaskDefinition {
  return task(key, {
    type: "map",
    params: {
      items: "{% $input.items %}",
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.failFast !== undefined ? { failFast: options.failFast } : {}),
      task: {
        type: "worker",
        params: { taskType: "item" },
        ...(options.retry ? { retry: options.retry } : {}),
        ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      },
    },
    ...extras,
  });
}

export function workflow(tasks: TaskDefinition[], extras: Partial<WorkflowDefinition> = {}): WorkflowDefinition {
  return { name: "test", tasks, ...extras };
}

/**
 * A run with plausible timestamps for its status (scheduled, started and ended at T0). FAILED and
 * TIMED_OUT runs are settled (final) unless `unsettled` is passed.
 */
export function run(
  taskKey: string,
  status: TaskStatus,
  extras: Partial<TaskRunSnapshot> & { unsettled?: boolean } = {},
): TaskRunSnapshot {
  const { unsettled, ...rest } = extras;
  const started = status === "RUNNING" || status === "WAITING" || status === "COMPLETED" || status === "FAILED" || status === "TIMED_OUT";
  const ended = status === "COMPLETED" || status === "FAILED" || status === "TIMED_OUT" || status === "CANCELLED" || status === "SKIPPED" || status === "UPSTREAM_FAILED";
  const endedAt = rest.endedAt ?? (ended ? T0 : null);
  return {
    taskKey,
    mapIndex: -1,
    attempt: 1,
    status,
    scheduledAt: status === "PENDING" || status === "SKIPPED" || status === "UPSTREAM_FAILED" ? null : T0,
    startedAt: started ? T0 : null,
    endedAt,
    heartbeatAt: null,
    nextRunAt: unsettled ? endedAt : status === "SCHEDULED" || status === "RETRYING" ? T0 : null,
    ...rest,
  };
}

/** A failed attempt that the decider has not answered yet. */
export function failedRun(taskKey: string, extras: Partial<TaskRunSnapshot> = {}): TaskRunSnapshot {
  return run(taskKey, "FAILED", { error: { code: "BOOM", message: "boom" }, unsettled: true, ...extras });
}

export function execution(status: ExecutionStatus = "RUNNING", extras: Partial<ExecutionSnapshot> = {}): ExecutionSnapshot {
  return { status, createdAt: T0, startedAt: status === "QUEUED" ? null : T0, ...extras };
}

/**
 * The runtime's part, in memory. Each method moves the latest attempt of a task (or map item) by
 * one event through `transitionTask` and throws on an illegal move: a test that tries one is wrong.
 */
export class FakeRuntime {
  execution: ExecutionSnapshot;
  runs: TaskRunSnapshot[] = [];
  now: Date;
  /** Every command decided so far. */
  history: Command[] = [];

  constructor(
    readonly definition: WorkflowDefinition,
    options: { now?: Date; status?: ExecutionStatus } = {},
  ) {
    this.now = options.now ?? T0;
    this.execution = { status: options.status ?? "QUEUED", createdAt: this.now, startedAt: null };
  }

  advance(ms: number): this {
    this.now = new Date(this.now.getTime() + ms);
    return this;
  }

  /** Runs decide and applies its commands; returns the decision. */
  decideFull(): Decision {
    const decision = decide({ definition: this.definition, execution: this.execution, runs: this.runs, now: this.now });
    const applied = applyCommands({ execution: this.execution, runs: this.runs }, decision.commands, this.now);
    if (applied.problems.length > 0) throw new Error(`decide produced illegal commands: ${JSON.stringify(applied.problems)}`);
    this.execution = applied.execution;
    this.runs = applied.runs;
    this.history.push(...decision.commands);
    return decision;
  }

  /** Runs decide and applies its commands; returns the commands. */
  decide(): Command[] {
    return this.decideFull().commands;
  }

  latest(taskKey: string, mapIndex = -1): TaskRunSnapshot | undefined {
    return this.runs
      .filter((entry) => entry.taskKey === taskKey && entry.mapIndex === mapIndex)
      .sort((a, b) => b.attempt - a.attempt)[0];
  }

  status(taskKey: string, mapIndex = -1): TaskStatus {
    return this.latest(taskKey, mapIndex)?.status ?? "PENDING";
  }

  /** Status of every task (mapIndex -1), by key. */
  statuses(): Record<string, TaskStatus> {
    return Object.fromEntries(this.definition.tasks.map((entry) => [entry.key, this.status(entry.key)]));
  }

  private move(taskKey: string, mapIndex: number, event: TaskEventType, patch: Partial<TaskRunSnapshot> = {}): this {
    const latest = this.latest(taskKey, mapIndex);
    if (!latest) throw new Error(`${taskKey}[${mapIndex}] has no attempt`);
    const moved = transitionTask(latest.status, event, this.now);
    if (!moved.ok) throw new Error(`${taskKey}[${mapIndex}]: ${moved.error.message}`);
    const updated: TaskRunSnapshot = { ...latest, ...moved.set, ...patch, status: moved.status };
    this.runs = this.runs.map((entry) => (entry === latest ? updated : entry));
    return this;
  }

  start(taskKey: string, mapIndex = -1): this {
    return this.move(taskKey, mapIndex, "start");
  }
  /** Starts a map and records its item count, as the runtime does after evaluating `items`. */
  startMap(taskKey: string, itemCount: number): this {
    return this.move(taskKey, -1, "start", { mapItemCount: itemCount });
  }
  heartbeat(taskKey: string, mapIndex = -1): this {
    return this.move(taskKey, mapIndex, "heartbeat");
  }
  wait(taskKey: string, mapIndex = -1): this {
    return this.move(taskKey, mapIndex, "wait");
  }
  complete(taskKey: string, output: JsonValue = null, mapIndex = -1): this {
    return this.move(taskKey, mapIndex, "complete", { output });
  }
  fail(taskKey: string, error: TaskRunError = { code: "BOOM", message: "boom" }, mapIndex = -1): this {
    return this.move(taskKey, mapIndex, "fail", { error });
  }
  skip(taskKey: string): this {
    return this.move(taskKey, -1, "skip");
  }
  /** start + complete. */
  succeed(taskKey: string, output: JsonValue = null, mapIndex = -1): this {
    return this.start(taskKey, mapIndex).complete(taskKey, output, mapIndex);
  }
  /** start + fail. */
  crash(taskKey: string, error?: TaskRunError, mapIndex = -1): this {
    return this.start(taskKey, mapIndex).fail(taskKey, error, mapIndex);
  }

  operator(event: ExecutionEventType): this {
    const moved = transitionExecution(this.execution.status, event, this.now);
    if (!moved.ok) throw new Error(moved.error.message);
    this.execution = { ...this.execution, status: moved.status, ...(moved.set.startedAt ? { startedAt: moved.set.startedAt } : {}) };
    return this;
  }
}

/** Short form of commands for readable expectations: "schedule build", "skip b (branch_not_taken)". */
export function brief(commands: readonly Command[]): string[] {
  return commands.map((command) => {
    if (!("taskKey" in command)) return command.kind;
    const slot = command.mapIndex >= 0 ? `${command.taskKey}[${command.mapIndex}]` : command.taskKey;
    switch (command.kind) {
      case "skip":
        return `skip ${slot} (${command.reason})`;
      case "timeoutAttempt":
        return `timeoutAttempt ${slot} (${command.reason})`;
      case "failTask":
        return `failTask ${slot} (${command.reason})`;
      case "cancelAttempt":
        return `cancelAttempt ${slot} (${command.reason})`;
      case "retry":
        return `retry ${slot} #${command.attempt} +${command.delayMs}ms`;
      case "upstreamFailed":
        return `upstreamFailed ${slot} <- ${command.upstream.join(",")}`;
      default:
        return `${command.kind} ${slot}`;
    }
  });
}
