"use client";

import { useState } from "react";
import { formatDurationMs, formatUtc } from "@/lib/canvas/execution-overlay";
import type { InputRecord, SupersededAttempt, SupersedingOperation } from "@/lib/services/execution-history";
import { JsonView } from "@/components/monitor/json-view";
import { StatusBadge } from "@/components/monitor/status-visual";
import { AttemptInputView } from "@/components/monitor/http-exchange-view";
import { AttemptLogPane } from "@/components/monitor/attempt-logs";

/** "rerun from test_3", "retry", "skip of b": what superseded an attempt. */
export function operationLabel(operation: SupersedingOperation | null): string {
  if (!operation) return "an operator's reset";
  if (operation.type === "EXECUTION_RERUN") return `rerun from ${operation.taskKey}`;
  if (operation.type === "EXECUTION_RETRIED") return "retry";
  if (operation.type === "TASK_SKIPPED") return `skip of ${operation.taskKey}`;
  return operation.type.toLowerCase();
}

/**
 * A task's attempts from before a rerun, retry or skip (newest operation first), each marked with
 * the operation that superseded it: they stay readable with their input, output and error.
 */
export function SupersededAttempts({ attempts, executionId }: { attempts: readonly SupersededAttempt[]; executionId: string }) {
  if (attempts.length === 0) return null;
  const ordered = [...attempts].reverse();
  return (
    <section aria-label="Superseded attempts">
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Before reruns ({attempts.length})</h3>
      <ol className="flex flex-col gap-1.5">
        {ordered.map((attempt) => (
          <li key={`${attempt.id}-${attempt.supersededBy?.eventId ?? ""}`} className="rounded-md border border-dashed border-zinc-300 px-2 py-1.5 text-xs dark:border-zinc-700" data-superseded="true">
            <div className="flex items-center justify-between gap-2">
              <span className="font-medium">
                #{attempt.attempt}
                {attempt.mapIndex >= 0 ? ` item ${attempt.mapIndex}` : ""}
              </span>
              <StatusBadge status={attempt.status} />
            </div>
            <div className="mt-1 text-zinc-600 dark:text-zinc-400">
              {attempt.startedAt ? formatUtc(attempt.startedAt) : "not started"}
              {attempt.startedAt && attempt.endedAt ? ` · ${formatDurationMs(Date.parse(attempt.endedAt) - Date.parse(attempt.startedAt))}` : ""}
            </div>
            <div className="mt-1 text-zinc-700 dark:text-zinc-300">
              superseded by {operationLabel(attempt.supersededBy)}
              {attempt.supersededBy ? ` · ${formatUtc(attempt.supersededBy.at)}${attempt.supersededBy.actor ? ` · ${attempt.supersededBy.actor}` : ""}` : ""}
            </div>
            {attempt.error ? <div className="mt-1 text-red-700 dark:text-red-400">{(attempt.error as { message?: string }).message}</div> : null}
            {attempt.input !== null ? (
              <details className="mt-1">
                <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">input</summary>
                <AttemptInputView input={attempt.input} />
              </details>
            ) : null}
            {attempt.output !== null ? (
              <details className="mt-1">
                <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">output</summary>
                <JsonView label="Output" value={attempt.output} />
              </details>
            ) : null}
            {attempt.logBytes > 0 ? <SupersededLog executionId={executionId} taskRunId={attempt.id} /> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A superseded attempt's log, read only once opened. */
function SupersededLog({ executionId, taskRunId }: { executionId: string; taskRunId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="mt-1" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">log</summary>
      {open ? <AttemptLogPane executionId={executionId} taskRunId={taskRunId} running={false} until={null} /> : null}
    </details>
  );
}

/** Every input the execution ran with: the original, then each rerun's (shown when there was a change). */
export function InputHistory({ inputs }: { inputs: readonly InputRecord[] }) {
  if (inputs.length < 2) return null;
  return (
    <section aria-label="Input history" className="flex flex-col gap-2">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Input history</h3>
      {inputs.map((record, index) => (
        <JsonView
          key={record.eventId ?? "start"}
          label={
            record.kind === "start"
              ? `Original input (${formatUtc(record.at)}${record.actor ? `, ${record.actor}` : ""})`
              : `Rerun ${index} from ${record.taskKey} (${formatUtc(record.at)}${record.actor ? `, ${record.actor}` : ""})`
          }
          value={record.input}
        />
      ))}
    </section>
  );
}
