// The real runtime against the pure reference (issue #10, "one copy of the semantics"): random
// workflows with random worker failures, retries, pauses, terminations, retries and reruns by an
// operator run through the real Engine, worker service and operations on a fresh SQLite file, and
// through lib/engine's FakeRuntime (decide + applyCommands). After every action both sides are
// left to settle and must agree on the execution's status, error and output, and on every task's
// latest status, attempt count, output and error code.
//
// Bounded for `npm test`: FLOWDECK_PROPERTY_RUNS cases (default 25). A failure prints fast-check's
// seed and path; replay with FLOWDECK_PROPERTY_SEED=<seed> (and FLOWDECK_PROPERTY_PATH=<path>).
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as fc from "fast-check";
import { isTerminalExecutionStatus, isTerminalTaskStatus, type ExecutionStatus, type TaskStatus } from "@/lib/engine/statuses";
import { ReferenceRun, type ActionResult, type Observation } from "./runtime-reference.reference";
import { RealRun } from "./runtime-reference.real";
import { definitionOf, parsedDefinition, scenarioArbitrary, taskKeyOf, type Outcome, type Scenario } from "./runtime-reference.scenario";

const RUNS = Number(process.env.FLOWDECK_PROPERTY_RUNS ?? 25);
const SEED = process.env.FLOWDECK_PROPERTY_SEED ? Number(process.env.FLOWDECK_PROPERTY_SEED) : undefined;
const PATH = process.env.FLOWDECK_PROPERTY_PATH;
/** When fast-check stops (shrinking a failure, normally): 2 s a case beyond 2 minutes. */
const TIME_LIMIT_MS = 120_000 + RUNS * 2_000;
/** Most actions per case (each is followed by both sides settling). */
const MAX_ACTIONS = 120;

type Action =
  | { kind: "claim" | "finish"; taskKey: string }
  | { kind: "pause" | "resume" | "terminate" | "retry" | "stop" }
  | { kind: "rerun"; taskKey: string };

function describeAction(action: Action): string {
  return "taskKey" in action ? `${action.kind} ${action.taskKey}` : action.kind;
}

interface Budget {
  pauses: number;
  reopenings: number;
  terminated: boolean;
}

/** What the worker and the operator may do in the (agreed) state `seen`. */
function enabledActions(scenario: Scenario, seen: Observation, budget: Budget, pick: (n: number) => number): Action[] {
  const actions: Action[] = [];
  const status = seen.status as ExecutionStatus;
  for (const [taskKey, task] of Object.entries(seen.tasks)) {
    if (task.status === "RUNNING") actions.push({ kind: "finish", taskKey });
    if (task.status === "SCHEDULED" && status === "RUNNING") actions.push({ kind: "claim", taskKey });
  }
  if (status === "RUNNING" && budget.pauses < 2) actions.push({ kind: "pause" });
  if (status === "PAUSED") actions.push({ kind: "resume" });
  if ((status === "RUNNING" || status === "PAUSED") && scenario.allowTerminate && !budget.terminated) actions.push({ kind: "terminate" });
  if ((isTerminalExecutionStatus(status) || status === "PAUSED") && budget.reopenings < 2) {
    const from = pick(scenario.tasks.length);
    actions.push({ kind: "retry" }, { kind: "rerun", taskKey: taskKeyOf(from) }, { kind: "rerun", taskKey: taskKeyOf((from + 1) % scenario.tasks.length) });
  }
  if (isTerminalExecutionStatus(status) && actions.length > 0) actions.push({ kind: "stop" });
  return actions;
}

async function runScenario(scenario: Scenario): Promise<void> {
  const tag = randomBytes(4).toString("hex");
  const raw = definitionOf(scenario, tag);
  const reference = new ReferenceRun(parsedDefinition(raw));
  const real = await RealRun.start(raw, tag);
  const log: string[] = [];
  const context = () => `\nworkflow: ${JSON.stringify(raw.tasks)}\nscenario: ${JSON.stringify({ ...scenario, choices: undefined })}\nactions: ${log.join(" → ")}`;
  const agree = async (): Promise<Observation> => {
    await reference.settle();
    await real.settle();
    const expected = JSON.parse(JSON.stringify(reference.observe())) as Observation;
    expect(await real.observe(), `the runtime and the reference disagree after: ${log.at(-1) ?? "start"}${context()}`).toEqual(expected);
    return expected;
  };
  const agreeOn = (action: string, realResult: ActionResult, referenceResult: ActionResult) => {
    expect(realResult.refused, `${action}: refused by the runtime (${realResult.refused ? realResult.message : "no"}) vs the reference (${referenceResult.refused ? referenceResult.message : "no"})${context()}`).toBe(referenceResult.refused);
    if (realResult.refused && referenceResult.refused && !/still live|^it is/.test(referenceResult.message)) {
      expect(realResult.message, `${action}: the runtime's refusal names the planner's reason${context()}`).toContain(referenceResult.message);
    }
    if (realResult.refused) log.push(`(refused)`);
  };

  try {
    let seen = await agree();
    let cursor = 0;
    const pick = (n: number) => scenario.choices[cursor++ % scenario.choices.length]! % n;
    const runsOf = new Map<string, number>();
    const holding = new Map<string, { outcome: Outcome; n: number }>();
    const budget: Budget = { pauses: 0, reopenings: 0, terminated: false };

    for (let step = 0; step < MAX_ACTIONS; step++) {
      const actions = enabledActions(scenario, seen, budget, pick);
      if (actions.length === 0) break;
      const action = actions[pick(actions.length)]!;
      if (action.kind === "stop") break;
      log.push(describeAction(action));
      switch (action.kind) {
        case "claim": {
          // The n-th run of a task, counted across reruns, gets the n-th outcome of its script.
          const n = (runsOf.get(action.taskKey) ?? 0) + 1;
          runsOf.set(action.taskKey, n);
          const index = Number(action.taskKey.slice(1));
          holding.set(action.taskKey, { outcome: scenario.tasks[index]!.script[n - 1] ?? "ok", n });
          reference.claim(action.taskKey);
          await real.claim(action.taskKey);
          break;
        }
        case "finish": {
          const { outcome, n } = holding.get(action.taskKey)!;
          holding.delete(action.taskKey);
          log[log.length - 1] += ` (${outcome})`;
          reference.finish(action.taskKey, outcome, n);
          await real.finish(action.taskKey, outcome, n);
          break;
        }
        case "pause":
          budget.pauses++;
          reference.pause();
          agreeOn("pause", await real.pause(), { refused: false });
          break;
        case "resume":
          reference.resume();
          agreeOn("resume", await real.resume(), { refused: false });
          break;
        case "terminate":
          budget.terminated = true;
          reference.terminate();
          agreeOn("terminate", await real.terminate(), { refused: false });
          for (const key of holding.keys()) holding.delete(key); // the worker's leases are gone
          break;
        case "retry":
          budget.reopenings++;
          agreeOn("retry", await real.retry(), reference.retry());
          break;
        case "rerun":
          budget.reopenings++;
          agreeOn(`rerun ${action.taskKey}`, await real.rerun(action.taskKey), reference.rerun(action.taskKey));
          break;
      }
      seen = await agree();
    }

    // Whatever happened, the execution ended with every task it reached ended.
    expect(isTerminalExecutionStatus(seen.status as ExecutionStatus), `the execution ended${context()}`).toBe(true);
    for (const [taskKey, task] of Object.entries(seen.tasks)) {
      expect(isTerminalTaskStatus(task.status as TaskStatus), `${taskKey} ended (${task.status})${context()}`).toBe(true);
    }
  } finally {
    await real.cleanup();
  }
}

describe("the real runtime on SQLite agrees with the pure reference", () => {
  it(`random workflows, failures, retries, pauses and reruns (${RUNS} cases)`, async () => {
    await fc.assert(fc.asyncProperty(scenarioArbitrary, runScenario), {
      numRuns: RUNS,
      ...(SEED !== undefined ? { seed: SEED } : {}),
      ...(PATH ? { path: PATH } : {}),
      // A failure is shrunk (each try runs the runtime) until this much time has passed, then
      // reported as shrunk so far. A case takes about 0.3 s, so passing runs never get near it.
      interruptAfterTimeLimit: TIME_LIMIT_MS,
    });
  }, TIME_LIMIT_MS + 60_000);
});
