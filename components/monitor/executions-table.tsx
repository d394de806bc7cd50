"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Ban, RefreshCw, Undo2 } from "lucide-react";
import { toast } from "sonner";
import { bulkOperationAction } from "@/app/executions/actions";
import { useCan } from "@/components/auth/viewer-context";
import type { ExecutionSummary } from "@/lib/services/execution-search";
import { formatDurationMs } from "@/lib/canvas/execution-overlay";
import { StatusBadge } from "@/components/monitor/status-visual";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { RelativeTime } from "@/components/ui/relative-time";

type Bulk = { operation: "terminate" | "retry" | "rerun"; title: string; description: string };

const BULK: Record<Bulk["operation"], Bulk> = {
  terminate: { operation: "terminate", title: "Terminate", description: "Live executions among them end TERMINATED; pending tasks are cancelled." },
  retry: { operation: "retry", title: "Retry failed tasks", description: "In each finished execution, the failed tasks (and what they blocked) run again." },
  rerun: { operation: "rerun", title: "Rerun from a task", description: "In each execution, this task and everything after it run again; upstream results are kept." },
};

/** The executions list with multi-select and bulk terminate / retry / rerun. */
export function ExecutionsTable({ executions, now }: { executions: ExecutionSummary[]; now: number }) {
  const canOperate = useCan("operator");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulk, setBulk] = useState<Bulk | null>(null);
  const [reason, setReason] = useState("");
  const [taskKey, setTaskKey] = useState("");
  const [pending, startTransition] = useTransition();
  const router = useRouter();
  const all = executions.length > 0 && executions.every((e) => selected.has(e.id));
  const toggle = (id: string) => setSelected((current) => {
    const next = new Set(current);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  const run = () => {
    if (!bulk) return;
    const body = bulk.operation === "terminate" ? { reason } : bulk.operation === "rerun" ? { fromTaskKey: taskKey, ...(reason ? { reason } : {}) } : reason ? { reason } : {};
    startTransition(async () => {
      const outcome = await bulkOperationAction([...selected], bulk.operation, body);
      if (!outcome.ok) {
        toast.error(`${bulk.title} refused`, { description: outcome.error.message });
        return;
      }
      const results = outcome.value;
      const done = results.filter((r) => r.ok).length;
      const refused = results.filter((r) => !r.ok);
      if (done > 0) toast.success(`${bulk.title}: ${done} of ${results.length} done`);
      if (refused.length > 0) toast.error(`${refused.length} refused`, { description: refused.slice(0, 5).map((r) => r.message).join("\n") });
      setBulk(null);
      setSelected(new Set());
      setReason("");
      router.refresh();
    });
  };
  return (
    <>
      {selected.size > 0 ? (
        <div className="flex flex-wrap items-center gap-2 rounded-lg border border-accent-100 bg-accent-50 px-3 py-2 text-sm dark:border-accent-700/40 dark:bg-accent-700/10" aria-label="Bulk actions">
          <span className="mr-2 font-medium">{selected.size} selected</span>
          <Button onClick={() => setBulk(BULK.retry)}>
            <RefreshCw className="size-4" aria-hidden /> Retry failed
          </Button>
          <Button onClick={() => setBulk(BULK.rerun)}>
            <Undo2 className="size-4" aria-hidden /> Rerun from…
          </Button>
          <Button onClick={() => setBulk(BULK.terminate)} className="text-red-700 dark:text-red-400">
            <Ban className="size-4" aria-hidden /> Terminate
          </Button>
          <Button variant="ghost" onClick={() => setSelected(new Set())}>
            Clear selection
          </Button>
        </div>
      ) : null}
      <div className="overflow-hidden rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <table className="w-full text-sm">
          <thead className="bg-zinc-50 text-left text-xs text-zinc-500 dark:bg-zinc-800/50">
            <tr>
              <th className="w-10 px-4 py-2">
                {canOperate ? (
                  <input type="checkbox" aria-label="Select all" checked={all} onChange={() => setSelected(all ? new Set() : new Set(executions.map((e) => e.id)))} />
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
              <tr key={execution.id} className="border-t border-zinc-100 hover:bg-zinc-50/60 dark:border-zinc-800 dark:hover:bg-zinc-800/40" data-execution={execution.id}>
                <td className="px-4 py-2">
                  {canOperate ? (
                    <input type="checkbox" aria-label={`Select ${execution.id}`} checked={selected.has(execution.id)} onChange={() => toggle(execution.id)} />
                  ) : null}
                </td>
                <td className="px-2 py-2">
                  <StatusBadge status={execution.status} />
                </td>
                <td className="px-4 py-2">
                  {execution.workflowName} <span className="text-zinc-500 dark:text-zinc-400">v{execution.workflowVersion}</span>
                  {execution.parentExecutionId ? <span className="ml-2 text-xs text-zinc-500 dark:text-zinc-400">child</span> : null}
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
      <Dialog
        open={bulk !== null}
        onOpenChange={(open) => !open && setBulk(null)}
        title={bulk ? `${bulk.title}: ${selected.size} execution${selected.size === 1 ? "" : "s"}` : ""}
        description={bulk?.description}
        footer={
          <>
            <Button onClick={() => setBulk(null)}>Cancel</Button>
            <Button
              variant="primary"
              disabled={pending || (bulk?.operation === "terminate" && reason.trim() === "") || (bulk?.operation === "rerun" && taskKey.trim() === "")}
              onClick={run}
            >
              {bulk?.title}
            </Button>
          </>
        }
      >
        {bulk?.operation === "rerun" ? (
          <label className="flex flex-col gap-1 text-sm">
            Task key to rerun from
            <input className="h-8 rounded-md border border-zinc-200 px-2 font-mono dark:border-zinc-700 dark:bg-zinc-950" value={taskKey} onChange={(e) => setTaskKey(e.target.value)} placeholder="e.g. test_3" />
          </label>
        ) : null}
        <label className="flex flex-col gap-1 text-sm">
          {bulk?.operation === "terminate" ? "Reason (required, recorded in each history)" : "Reason (optional)"}
          <textarea className="w-full rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-700 dark:bg-zinc-950" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
      </Dialog>
    </>
  );
}
