import Link from "next/link";
import type { ExecutionSummary } from "@/lib/services/execution-search";
import { formatDurationMs } from "@/lib/canvas/execution-overlay";
import { StatusBadge } from "@/components/monitor/status-visual";
import { RelativeTime } from "@/components/ui/relative-time";

/** The workflow page's latest executions (any version), each linked to its monitor, and a link to all of them. */
export function RecentExecutions({ name, executions, now, hasMore }: { name: string; executions: ExecutionSummary[]; now: number; hasMore: boolean }) {
  const all = `/executions?workflow=${encodeURIComponent(name)}`;
  return (
    <section aria-label="Recent executions" className="overflow-hidden rounded-xl border border-zinc-200 bg-white lg:col-span-2 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex items-center justify-between border-b border-zinc-100 px-4 py-2.5 dark:border-zinc-800">
        <h2 className="text-sm font-semibold">Recent executions</h2>
        {executions.length > 0 ? (
          <Link href={all} className="text-xs font-medium text-accent-700 hover:underline dark:text-accent-400">
            {hasMore ? "All executions →" : "In the executions list →"}
          </Link>
        ) : null}
      </div>
      {executions.length === 0 ? (
        <p className="px-4 py-6 text-sm text-zinc-500">No executions yet.</p>
      ) : (
        <table className="w-full text-sm">
          <thead className="bg-zinc-50 text-left text-xs text-zinc-500 dark:bg-zinc-800/50">
            <tr>
              <th className="px-4 py-2 font-medium">Status</th>
              <th className="px-4 py-2 font-medium">Execution</th>
              <th className="px-4 py-2 font-medium">Version</th>
              <th className="px-4 py-2 font-medium">Created</th>
              <th className="px-4 py-2 font-medium">Took</th>
              <th className="px-4 py-2 font-medium">By</th>
            </tr>
          </thead>
          <tbody>
            {executions.map((execution) => (
              <tr key={execution.id} className="border-t border-zinc-100 dark:border-zinc-800" data-execution={execution.id}>
                <td className="px-4 py-2">
                  <StatusBadge status={execution.status} />
                </td>
                <td className="px-4 py-2 font-mono text-xs">
                  <Link href={`/executions/${execution.id}`} className="text-accent-700 hover:underline dark:text-accent-400">
                    {execution.id.slice(0, 8)}
                  </Link>
                </td>
                <td className="px-4 py-2 tabular-nums">v{execution.workflowVersion}</td>
                <td className="px-4 py-2 text-zinc-600 dark:text-zinc-400">
                  <RelativeTime iso={execution.createdAt} now={now} />
                </td>
                <td className="px-4 py-2 tabular-nums text-zinc-600 dark:text-zinc-400">
                  {execution.startedAt && execution.endedAt ? formatDurationMs(Date.parse(execution.endedAt) - Date.parse(execution.startedAt)) : "—"}
                </td>
                <td className="truncate px-4 py-2 text-zinc-600 dark:text-zinc-400">{execution.createdBy ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
