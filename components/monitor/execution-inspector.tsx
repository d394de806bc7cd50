"use client";

import Link from "next/link";
import { useState } from "react";
import { formatDurationMs, formatUtc } from "@/lib/canvas/execution-overlay";
import type { ExecutionView as Execution, TaskView } from "@/lib/services/executions";
import type { SupersededAttempt } from "@/lib/services/execution-history";
import { JsonView } from "@/components/monitor/json-view";
import { StatusBadge, isFinishedExecution } from "@/components/monitor/status-visual";
import { InputHistory, SupersededAttempts } from "@/components/monitor/run-history";
import { AttemptInputView } from "@/components/monitor/http-exchange-view";
import { AttemptLogs } from "@/components/monitor/attempt-logs";

// The monitor's side panel: the execution's overview, or the selected task with its attempts.

/**
 * The execution's timings. A paused execution's clock stops at its pause ("Ran for 41 s", then
 * "Paused for 12 s"): it is not running, whatever its tasks still finishing do.
 */
export function ExecutionOverview({ execution, now }: { execution: Execution; now: number }) {
  const started = execution.startedAt ? Date.parse(execution.startedAt) : null;
  const ended = execution.endedAt ? Date.parse(execution.endedAt) : null;
  const paused = execution.status === "PAUSED" && execution.pausedAt ? Date.parse(execution.pausedAt) : null;
  return (
    <div className="flex flex-col gap-4 p-4">
      <h2 className="text-sm font-semibold">Execution</h2>
      <p className="-mt-2 text-xs text-zinc-500">Select a task on the graph to inspect it.</p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-xs" aria-label="Timings">
        <dt className="text-zinc-500">Created</dt>
        <dd>{formatUtc(execution.createdAt)}</dd>
        <dt className="text-zinc-500">Started</dt>
        <dd>{execution.startedAt ? formatUtc(execution.startedAt) : "not yet"}</dd>
        <dt className="text-zinc-500">Ended</dt>
        <dd>{execution.endedAt ? formatUtc(execution.endedAt) : "—"}</dd>
        <dt className="text-zinc-500">{ended ? "Took" : paused ? "Ran for" : "Running for"}</dt>
        <dd className="tabular-nums" data-testid="execution-duration">
          {started ? formatDurationMs((ended ?? paused ?? now) - started) : "—"}
        </dd>
        {paused && !ended ? (
          <>
            <dt className="text-zinc-500">Paused for</dt>
            <dd className="tabular-nums" data-testid="execution-paused-for" title={`paused at ${formatUtc(execution.pausedAt!)}`}>
              {formatDurationMs(Math.max(0, now - paused))}
            </dd>
          </>
        ) : null}
        {execution.createdBy ? (
          <>
            <dt className="text-zinc-500">Started by</dt>
            <dd>{execution.createdBy}</dd>
          </>
        ) : null}
        {execution.trigger ? (
          <>
            <dt className="text-zinc-500">Trigger</dt>
            <dd data-testid="execution-trigger">
              {execution.trigger.type} <span className="font-mono text-xs">{execution.trigger.key}</span>
              <span className="block text-xs text-zinc-500">
                {execution.trigger.fireTime ? `fire time ${formatUtc(execution.trigger.fireTime)}` : execution.trigger.sourceExecution ? `after ${execution.trigger.sourceExecution}` : execution.trigger.requestId ? `request ${execution.trigger.requestId.slice(0, 8)}` : null}
              </span>
            </dd>
          </>
        ) : null}
      </dl>
      {execution.error ? <JsonView label="Error" value={execution.error} /> : null}
      <JsonView label="Input" value={execution.input} />
      <InputHistory inputs={execution.history.inputs} />
      <JsonView label="Output" value={execution.output} empty={isFinishedExecution(execution.status) ? "—" : "Not finished yet"} />
    </div>
  );
}

export function TaskInspector({
  executionId,
  live,
  logsUntil,
  taskKey,
  tasks,
  superseded,
  onClose,
  actions,
}: {
  executionId: string;
  /** The live view (not a replay moment): running attempts' logs are followed. */
  live: boolean;
  /** Replaying: only the log lines written by this moment (epoch ms). */
  logsUntil: number | null;
  taskKey: string;
  tasks: TaskView[];
  /** This task's attempts from before reruns (run-history.tsx). */
  superseded: readonly SupersededAttempt[];
  onClose: () => void;
  actions: React.ReactNode;
}) {
  const own = tasks.find((task) => task.mapIndex === -1);
  const items = tasks.filter((task) => task.mapIndex >= 0);
  const attempts = own?.attempts ?? [];
  const latest = attempts[attempts.length - 1];
  return (
    <div className="flex flex-col gap-4 p-4" data-testid="task-inspector">
      <div className="flex items-start justify-between gap-2">
        <div>
          <h2 className="font-mono text-sm font-semibold">{taskKey}</h2>
          <div className="mt-1">{own ? <StatusBadge status={own.status} /> : <StatusBadge status="PENDING" />}</div>
        </div>
        <button type="button" onClick={onClose} className="text-xs text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200">
          Close
        </button>
      </div>
      {actions}
      {!own ? <p className="text-sm text-zinc-500">Not reached yet.</p> : null}
      {latest ? (
        <>
          {latest.error ? <JsonView label="Error" value={latest.error} /> : null}
          <AttemptInputView input={latest.input} />
          <JsonView label="Output" value={latest.output} />
          {latest.heartbeatDetails !== null ? (
            <JsonView label={latest.heartbeatAt ? `Progress (last heartbeat ${new Date(latest.heartbeatAt).toLocaleTimeString()})` : "Progress"} value={latest.heartbeatDetails} />
          ) : null}
          <AttemptLogs executionId={executionId} attempts={attempts} live={live} until={logsUntil} />
          <section aria-label="Attempts">
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Attempts</h3>
            <ol className="flex flex-col gap-1.5">
              {attempts.map((attempt) => (
                <li key={attempt.id} className="rounded-md border border-zinc-100 px-2 py-1.5 text-xs dark:border-zinc-800">
                  <div className="flex items-center justify-between gap-2">
                    <span className="font-medium">#{attempt.attempt}</span>
                    <StatusBadge status={attempt.status} />
                  </div>
                  <div className="mt-1 text-zinc-500">
                    {attempt.startedAt ? new Date(attempt.startedAt).toLocaleTimeString() : "not started"}
                    {attempt.startedAt && attempt.endedAt ? ` · ${formatDurationMs(Date.parse(attempt.endedAt) - Date.parse(attempt.startedAt))}` : ""}
                    {attempt.worker ? ` · ${attempt.worker}` : ""}
                    {attempt.nextRunAt && attempt.status === "RETRYING" ? ` · due ${new Date(attempt.nextRunAt).toLocaleTimeString()}` : ""}
                  </div>
                  {attempt.childExecutionId ? (
                    <Link className="mt-1 inline-block text-accent-600 hover:underline" href={`/executions/${attempt.childExecutionId}`}>
                      child execution →
                    </Link>
                  ) : null}
                  {attempt.heartbeatDetails !== null && attempt !== latest ? (
                    <div className="mt-1 truncate font-mono text-zinc-500" title={JSON.stringify(attempt.heartbeatDetails)}>
                      progress {JSON.stringify(attempt.heartbeatDetails)}
                    </div>
                  ) : null}
                  {attempt.error && attempt !== latest ? (
                    <div className="mt-1 text-red-700 dark:text-red-400">{(attempt.error as { message?: string }).message}</div>
                  ) : null}
                  {attempt !== latest && attempt.input !== null ? (
                    <details className="mt-1">
                      <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">input</summary>
                      <AttemptInputView input={attempt.input} />
                    </details>
                  ) : null}
                </li>
              ))}
            </ol>
          </section>
        </>
      ) : null}
      {items.length > 0 ? <MapItems items={items} /> : null}
      <SupersededAttempts attempts={superseded} executionId={executionId} />
    </div>
  );
}

const ITEMS_PAGE = 20;

function MapItems({ items }: { items: TaskView[] }) {
  const [page, setPage] = useState(0);
  const pages = Math.ceil(items.length / ITEMS_PAGE);
  const shown = items.slice(page * ITEMS_PAGE, (page + 1) * ITEMS_PAGE);
  return (
    <section aria-label="Map items">
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Items ({items.length})</h3>
      <ul className="divide-y divide-zinc-100 text-xs dark:divide-zinc-800">
        {shown.map((item) => {
          const child = item.attempts[item.attempts.length - 1]?.childExecutionId;
          return (
            <li key={item.mapIndex} className="flex items-center justify-between gap-2 py-1">
              <span className="tabular-nums">#{item.mapIndex}</span>
              {child ? (
                <Link className="truncate text-accent-600 hover:underline" href={`/executions/${child}`}>
                  child
                </Link>
              ) : null}
              <StatusBadge status={item.status} />
            </li>
          );
        })}
      </ul>
      {pages > 1 ? (
        <div className="mt-2 flex items-center justify-between text-xs">
          <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)} className="disabled:opacity-40">
            Previous
          </button>
          <span className="text-zinc-500">
            {page + 1} / {pages}
          </span>
          <button type="button" disabled={page >= pages - 1} onClick={() => setPage(page + 1)} className="disabled:opacity-40">
            Next
          </button>
        </div>
      ) : null}
    </section>
  );
}
