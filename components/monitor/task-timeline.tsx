"use client";

import type { ExecutionView } from "@/lib/services/executions";
import { formatDurationMs } from "@/lib/canvas/execution-overlay";
import { statusLook } from "@/components/monitor/status-palette";
import { cn } from "@/components/ui/cn";
import { operationLabel } from "@/components/monitor/run-history";

const MIN_BAR_PERCENT = 0.6;

/**
 * A Gantt of the tasks: one row per task, one bar per attempt, from the execution's start — or
 * from its first attempt superseded by a rerun, whose bars stay, faded and dashed.
 */
export function TaskTimeline({ execution, order, now, onSelect }: { execution: ExecutionView; order: string[]; now: number; onSelect: (taskKey: string) => void }) {
  const superseded = execution.history.superseded.filter((attempt) => attempt.mapIndex === -1 && attempt.startedAt);
  const start = Math.min(Date.parse(execution.startedAt ?? execution.createdAt), ...superseded.map((attempt) => Date.parse(attempt.startedAt!)));
  const end = execution.endedAt ? Date.parse(execution.endedAt) : now;
  const span = Math.max(1, end - start);
  const rows = order.map((taskKey) => ({ taskKey, task: execution.tasks.find((t) => t.taskKey === taskKey && t.mapIndex === -1) }));
  return (
    <div className="flex flex-col gap-1" role="list" aria-label="Task timeline">
      {rows.map(({ taskKey, task }) => (
        <button
          key={taskKey}
          type="button"
          role="listitem"
          onClick={() => onSelect(taskKey)}
          className="grid grid-cols-[10rem_minmax(0,1fr)_4.5rem] items-center gap-3 rounded px-1 py-0.5 text-left text-xs hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
        >
          <span className="truncate font-mono">{taskKey}</span>
          <span className="relative h-3.5 rounded bg-zinc-100 dark:bg-zinc-800">
            {superseded
              .filter((attempt) => attempt.taskKey === taskKey)
              .map((attempt) => {
                const from = Date.parse(attempt.startedAt!);
                const right = attempt.endedAt ? Date.parse(attempt.endedAt) : from;
                const width = Math.max(MIN_BAR_PERCENT, ((right - from) / span) * 100);
                const left = Math.min(Math.max(0, ((from - start) / span) * 100), 100 - Math.min(width, 100));
                return (
                  <span
                    key={`${attempt.id}-${attempt.supersededBy?.eventId ?? ""}`}
                    className={cn("absolute inset-y-0 rounded opacity-40 outline-1 outline-dashed outline-zinc-500", statusLook(attempt.status).colors.bg)}
                    style={{ left: `${left}%`, width: `${Math.min(100 - left, width)}%` }}
                    title={`attempt ${attempt.attempt}: ${statusLook(attempt.status).label}, superseded by ${operationLabel(attempt.supersededBy)}`}
                    data-superseded="true"
                  />
                );
              })}
            {(task?.attempts ?? []).map((attempt) => {
              if (!attempt.startedAt) return null;
              const right = attempt.endedAt ? Date.parse(attempt.endedAt) : now;
              // Every attempt stays visible, however short: at least MIN_BAR_PERCENT wide, and an
              // attempt at the very end of the span is moved left to fit instead of being cut off.
              const width = Math.max(MIN_BAR_PERCENT, ((right - Date.parse(attempt.startedAt)) / span) * 100);
              const left = Math.min(Math.max(0, ((Date.parse(attempt.startedAt) - start) / span) * 100), 100 - Math.min(width, 100));
              return (
                <span
                  key={attempt.id}
                  className={cn("absolute inset-y-0 rounded", statusLook(attempt.status).colors.bg)}
                  style={{ left: `${left}%`, width: `${Math.min(100 - left, width)}%` }}
                  title={`attempt ${attempt.attempt}: ${statusLook(attempt.status).label}`}
                />
              );
            })}
          </span>
          <span className="text-right tabular-nums text-zinc-500">
            {task?.attempts[0]?.startedAt
              ? formatDurationMs((task.attempts.at(-1)?.endedAt ? Date.parse(task.attempts.at(-1)!.endedAt!) : now) - Date.parse(task.attempts[0].startedAt))
              : "—"}
          </span>
        </button>
      ))}
    </div>
  );
}
