"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState, type MouseEvent } from "react";
import type { BulkTarget } from "@/app/executions/actions";
import { useCan } from "@/components/auth/viewer-context";
import type { ExecutionSummary } from "@/lib/services/execution-search";
import { formatDurationMs } from "@/lib/canvas/execution-overlay";
import { ExecutionsBulkBar } from "@/components/monitor/executions-bulk";
import { StatusBadge } from "@/components/monitor/status-visual";
import { RelativeTime } from "@/components/ui/relative-time";

type Props = {
  executions: ExecutionSummary[];
  now: number;
  /** How many executions the filters match, across all pages. */
  total: number;
  /** The list's filters (no paging), for a bulk action on "all N matching". */
  filters: Record<string, string>;
};

/** The executions list: rows open their monitor; multi-select and bulk terminate / retry / rerun. */
export function ExecutionsTable({ executions, now, total, filters }: Props) {
  const canOperate = useCan("operator");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const router = useRouter();
  const pageSelected = executions.length > 0 && executions.every((e) => selected.has(e.id));
  const target = useMemo<BulkTarget>(() => (allMatching ? { search: filters } : { executionIds: [...selected] }), [allMatching, filters, selected]);
  const clear = () => {
    setSelected(new Set());
    setAllMatching(false);
  };
  const toggle = (id: string) => {
    setAllMatching(false);
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  const open = (event: MouseEvent, id: string) => {
    // The checkbox and the id link keep their own meaning; anywhere else on the row opens it.
    if ((event.target as HTMLElement).closest("input, a, button, label")) return;
    if (window.getSelection()?.toString()) return;
    router.push(`/executions/${id}`);
  };
  return (
    <>
      {selected.size > 0 || allMatching ? <ExecutionsBulkBar target={target} count={allMatching ? total : selected.size} onDone={clear} onClear={clear} /> : null}
      {canOperate && pageSelected && total > executions.length ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400" aria-live="polite">
          {allMatching ? (
            <>
              All {total} executions matching the filters are selected.{" "}
              <button type="button" className="font-medium text-accent-600 hover:underline" onClick={clear}>
                Clear selection
              </button>
            </>
          ) : (
            <>
              The {executions.length} on this page are selected.{" "}
              <button type="button" className="font-medium text-accent-600 hover:underline" onClick={() => setAllMatching(true)}>
                Select all {total} matching
              </button>
            </>
          )}
        </p>
      ) : null}
      <div className="overflow-hidden rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <table className="w-full text-sm">
          <thead className="bg-zinc-50 text-left text-xs text-zinc-500 dark:bg-zinc-800/50">
            <tr>
              <th className="w-10 px-4 py-2">
                {canOperate ? (
                  <input
                    type="checkbox"
                    aria-label="Select all on this page"
                    checked={pageSelected}
                    onChange={() => {
                      setAllMatching(false);
                      setSelected(pageSelected ? new Set() : new Set(executions.map((e) => e.id)));
                    }}
                  />
                ) : null}
              </th>
              <th className="px-2 py-2 font-medium">Status</th>
              <th className="px-4 py-2 font-medium">Workflow</th>
              <th className="px-4 py-2 font-medium">Execution</th>
              <th className="px-4 py-2 font-medium">Correlation id</th>
              <th className="px-4 py-2 font-medium">Started</th>
              <th className="px-4 py-2 text-right font-medium">Duration</th>
            </tr>
          </thead>
          <tbody>
            {executions.map((execution) => (
              <tr
                key={execution.id}
                className="cursor-pointer border-t border-zinc-100 hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-800/40"
                data-execution={execution.id}
                onClick={(event) => open(event, execution.id)}
              >
                <td className="px-4 py-2">
                  {canOperate ? (
                    <input type="checkbox" aria-label={`Select ${execution.id}`} checked={allMatching || selected.has(execution.id)} onChange={() => toggle(execution.id)} />
                  ) : null}
                </td>
                <td className="px-2 py-2">
                  <StatusBadge status={execution.status} />
                </td>
                <td className="px-4 py-2">
                  {execution.workflowName} <span className="text-zinc-500 dark:text-zinc-400">v{execution.workflowVersion}</span>
                  {execution.parentExecutionId ? <span className="ml-2 text-xs text-zinc-500 dark:text-zinc-400">child</span> : null}
                  {execution.trigger ? <span className="ml-2 text-xs text-zinc-500 dark:text-zinc-400">by {execution.trigger.type} {execution.trigger.key}</span> : null}
                </td>
                <td className="px-4 py-2">
                  <Link href={`/executions/${execution.id}`} className="font-mono text-xs text-accent-600 hover:underline">
                    {execution.id.slice(0, 8)}
                  </Link>
                </td>
                <td className="px-4 py-2 text-zinc-500">{execution.correlationId ?? "—"}</td>
                <td className="px-4 py-2 text-zinc-500">
                  <RelativeTime iso={execution.createdAt} now={now} />
                </td>
                <td className="px-4 py-2 text-right tabular-nums text-zinc-500">
                  {execution.startedAt ? formatDurationMs((execution.endedAt ? Date.parse(execution.endedAt) : now) - Date.parse(execution.startedAt)) : "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
