"use client";

import { AlertTriangle, CircleAlert } from "lucide-react";
import type { PlacedIssue } from "@/lib/editor/issues";

/**
 * The problems list below the canvas: errors (red; they stop a save) and warnings (amber; saved
 * anyway, e.g. a sub-workflow that does not exist yet). A problem of a task selects that task.
 */
export function ProblemsPanel({ issues, onFocus, onClose }: { issues: PlacedIssue[]; onFocus: (taskKey: string) => void; onClose: () => void }) {
  return (
    <section aria-label="Problems" className="flex max-h-56 shrink-0 flex-col border-t border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900" data-testid="errors-panel">
      <div className="flex items-center justify-between px-4 py-2">
        <h2 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">
          Problems <span className="ml-1 rounded bg-zinc-100 px-1.5 py-0.5 tabular-nums dark:bg-zinc-800">{issues.length}</span>
        </h2>
        <button type="button" onClick={onClose} className="text-xs text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200">
          Hide
        </button>
      </div>
      {issues.length === 0 ? (
        <p className="px-4 pb-3 text-sm text-emerald-700 dark:text-emerald-400">No problems: the workflow is valid.</p>
      ) : (
        <ul className="overflow-y-auto pb-2">
          {issues.map((issue, index) => (
            <li key={index}>
              <button
                type="button"
                disabled={!issue.taskKey}
                onClick={() => issue.taskKey && onFocus(issue.taskKey)}
                className="flex w-full items-baseline gap-3 px-4 py-1 text-left text-[13px] hover:bg-zinc-50 disabled:cursor-default dark:hover:bg-zinc-800/60"
                data-testid="problem"
                data-severity={issue.severity}
              >
                {issue.severity === "warning" ? (
                  <CircleAlert className="size-3.5 shrink-0 translate-y-0.5 text-amber-500" aria-label="warning" />
                ) : (
                  <AlertTriangle className="size-3.5 shrink-0 translate-y-0.5 text-red-500" aria-label="error" />
                )}
                <span className="w-28 shrink-0 truncate font-mono text-xs font-semibold text-zinc-700 dark:text-zinc-300">{issue.taskKey ?? "workflow"}</span>
                <span className="min-w-0 flex-1 text-zinc-700 dark:text-zinc-300">{issue.message}</span>
                <code className="shrink-0 font-mono text-[11px] text-zinc-500 dark:text-zinc-400">{issue.path || "(root)"}</code>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
