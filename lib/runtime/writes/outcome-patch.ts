/**
 * An attempt's outcome as the row's patch and its events (resultPatch of lib/engine/patches.ts plus
 * the lease columns), and a state with such patches applied. Shared by the outcomes a holder
 * reports (record-outcome.ts) and those of attempts run ahead in a transaction (inline-steps.ts).
 */
import { resultPatch, type AttemptResult } from "@/lib/engine/patches";
import type { JsonValue } from "@/lib/workflow/schema";
import type { NewEvent } from "@/lib/runtime/events";
import { toJsonText } from "@/lib/runtime/json";
import type { TaskRunRow } from "@/lib/runtime/snapshots";
import type { AttemptOutcome, ExecutionState, OutcomeItem } from "@/lib/runtime/state";
import { rowColumns } from "./columns";
import type { RunPatch } from "./types";

function asResult(outcome: AttemptOutcome): AttemptResult {
  switch (outcome.status) {
    case "COMPLETED":
      return { status: "COMPLETED", output: (outcome.output ?? null) as JsonValue };
    case "FAILED":
      return outcome;
    case "SKIPPED":
      return { status: "SKIPPED" };
    case "WAITING":
      return { status: "WAITING", until: outcome.until, ...(outcome.output !== undefined ? { output: outcome.output as JsonValue } : {}) };
  }
}

/** The attempt's patch (the same object goes to the database and into the engine's state) and its events. */
export function prepareOutcome({ holder, outcome, extra = {}, run }: OutcomeItem, now: Date): { patch: RunPatch; events: NewEvent[] } {
  // The fence admits only SCHEDULED, RETRYING (not started: runs inside its claim) or RUNNING.
  const moved = resultPatch(run.startedAt ? "RUNNING" : "SCHEDULED", asResult(outcome), now);
  if (!moved.ok) throw new Error(`attempt ${holder.taskRunId}: ${moved.error.message}`);
  const patch: RunPatch = {
    ...rowColumns(moved.patch),
    // An ended attempt keeps lockedBy as the record of who ran it (the monitor shows it); no
    // claim looks at lockedBy of an ended attempt. A waiting one is released for its timer.
    ...(outcome.status === "WAITING" ? { lockedBy: null } : {}),
    leaseExpiresAt: null,
    // When the holder picked it up (a wait counts its duration from then).
    startedAt: run.startedAt ?? extra.startedAt ?? now,
    ...(extra.input !== undefined ? { input: toJsonText(extra.input) } : {}),
  };
  const base = { executionId: run.executionId, taskKey: run.taskKey, mapIndex: run.mapIndex, taskRunId: holder.taskRunId, actor: extra.actor ?? "engine", createdAt: now };
  const events: NewEvent[] = [];
  // For the metrics (lib/metrics/observe.ts), counted once the transaction has committed.
  const labels = run.workflow !== undefined && run.taskType !== undefined ? { workflow: run.workflow, taskType: run.taskType, startedAt: patch.startedAt } : undefined;
  // The row's startedAt is when the holder picked the attempt up (extra.startedAt), which can be before
  // this write: the event says so, so a replay of the history stamps the attempt as its row is.
  if (!run.startedAt && outcome.status !== "SKIPPED") events.push({ ...base, type: "TASK_STARTED", payload: { attempt: run.attempt, startedAt: patch.startedAt!.toISOString() } });
  if (outcome.status === "COMPLETED") events.push({ ...base, type: "TASK_COMPLETED", payload: { attempt: run.attempt }, labels });
  if (outcome.status === "FAILED") events.push({ ...base, type: "TASK_FAILED", payload: { attempt: run.attempt, ...outcome.error }, labels });
  if (outcome.status === "SKIPPED") events.push({ ...base, type: "TASK_SKIPPED", reason: outcome.reason });
  if (outcome.status === "WAITING") events.push({ ...base, type: "TASK_WAITING", payload: outcome.until ? { until: outcome.until.toISOString() } : undefined });
  return { patch, events };
}

/** The state with the outcomes' patches applied, in one pass; null if it lacks one of their attempts. */
export function withOutcomes(state: ExecutionState, outcomes: readonly { item: OutcomeItem; patch: RunPatch }[], now: Date): ExecutionState | null {
  const patches = new Map(outcomes.map(({ item, patch }) => [item.holder.taskRunId, patch]));
  let found = 0;
  const runs = state.runs.map((row) => {
    const patch = patches.get(row.id);
    if (!patch) return row;
    found++;
    return { ...row, ...patch, updatedAt: now } as TaskRunRow;
  });
  return found === patches.size ? { ...state, runs } : null;
}

