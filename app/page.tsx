import Link from "next/link";
import type { Metadata } from "next";
import { PageHeader } from "@/components/app-shell";
import { AutoRefresh } from "@/components/monitor/auto-refresh";
import { statusLook } from "@/components/monitor/status-palette";
import { StatusBadge, StatusIcon } from "@/components/monitor/status-visual";
import { RelativeTime } from "@/components/ui/relative-time";
import { getDb } from "@/lib/db/client";
import { EXECUTION_STATUSES } from "@/lib/engine/statuses";
import { ensureReady } from "@/lib/server/bootstrap";
import { requestTime } from "@/lib/server/request-time";
import { getDashboard } from "@/lib/services/dashboard";
import { requirePage } from "@/lib/server/page-auth";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Dashboard" };

const CARD = "rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900";

export default async function DashboardPage() {
  await requirePage("viewer", "/");
  await ensureReady();
  const now = requestTime();
  const data = await getDashboard(getDb(), new Date(now));
  const peak = Math.max(1, ...data.throughput.map((b) => b.completed + b.failed));
  const lastHour = data.throughput.reduce((sum, b) => sum + b.completed + b.failed, 0);
  return (
    <>
      <PageHeader title="Dashboard" description="Executions at a glance" actions={<AutoRefresh intervalMs={5000} />} />
      <div className="flex flex-col gap-6 p-8">
        <section aria-label="Executions by status" className="grid grid-cols-2 gap-3 sm:grid-cols-4 xl:grid-cols-7">
          {EXECUTION_STATUSES.map((status) => (
            <Link
              key={status}
              href={`/executions?status=${status}`}
              className={`${CARD} flex flex-col gap-1 px-4 py-3 transition-shadow hover:shadow-md`}
              data-status-count={status}
            >
              <span className="flex items-center gap-1.5 text-xs font-medium text-zinc-500">
                <StatusIcon status={status} />
                {statusLook(status).label}
              </span>
              <span className="text-2xl font-semibold tabular-nums">{data.countsByStatus[status] ?? 0}</span>
            </Link>
          ))}
        </section>
        <section aria-label="Throughput" className={`${CARD} p-4`}>
          <div className="mb-3 flex items-baseline justify-between">
            <h2 className="text-sm font-semibold">Finished in the last hour</h2>
            <span className="text-sm tabular-nums text-zinc-500">{lastHour} executions</span>
          </div>
          <div className="flex h-24 items-end gap-px" role="img" aria-label={`${lastHour} executions finished in the last hour, per minute`}>
            {data.throughput.map((bucket) => (
              <div key={bucket.minute} className="flex flex-1 flex-col justify-end" title={`${new Date(bucket.minute).toLocaleTimeString()}: ${bucket.completed} completed, ${bucket.failed} failed`}>
                <div className="bg-red-500" style={{ height: `${(bucket.failed / peak) * 96}px` }} />
                <div className="bg-emerald-500" style={{ height: `${(bucket.completed / peak) * 96}px` }} />
              </div>
            ))}
          </div>
          <div className="mt-1 flex justify-between text-[11px] text-zinc-500 dark:text-zinc-400">
            <span>60 min ago</span>
            <span className="flex gap-3">
              <span className="flex items-center gap-1">
                <span className="size-2 rounded-sm bg-emerald-500" /> completed
              </span>
              <span className="flex items-center gap-1">
                <span className="size-2 rounded-sm bg-red-500" /> failed, timed out or terminated
              </span>
            </span>
            <span>now</span>
          </div>
        </section>
        <div className="grid gap-6 lg:grid-cols-2">
          <section aria-label="Running now" className={CARD}>
            <h2 className="border-b border-zinc-100 px-4 py-2.5 text-sm font-semibold dark:border-zinc-800">Running now</h2>
            {data.running.length === 0 ? <p className="px-4 py-6 text-sm text-zinc-500">Nothing is running.</p> : null}
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {data.running.map((execution) => (
                <li key={execution.id} className="flex items-center justify-between gap-3 px-4 py-2 text-sm">
                  <Link href={`/executions/${execution.id}`} className="truncate hover:text-accent-600">
                    {execution.workflowName} <span className="text-zinc-500 dark:text-zinc-400">v{execution.workflowVersion}</span>
                  </Link>
                  <span className="flex items-center gap-3 text-xs text-zinc-500">
                    {execution.startedAt ? <RelativeTime iso={execution.startedAt} now={now} /> : null}
                    <StatusBadge status={execution.status} />
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <section aria-label="Recent failures" className={CARD}>
            <h2 className="border-b border-zinc-100 px-4 py-2.5 text-sm font-semibold dark:border-zinc-800">Recent failures</h2>
            {data.recentFailures.length === 0 ? <p className="px-4 py-6 text-sm text-zinc-500">No failures. </p> : null}
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {data.recentFailures.map((execution) => (
                <li key={execution.id} className="px-4 py-2 text-sm">
                  <div className="flex items-center justify-between gap-3">
                    <Link href={`/executions/${execution.id}`} className="truncate hover:text-accent-600">
                      {execution.workflowName} <span className="text-zinc-500 dark:text-zinc-400">v{execution.workflowVersion}</span>
                    </Link>
                    <span className="flex items-center gap-3 text-xs text-zinc-500">
                      {execution.endedAt ? <RelativeTime iso={execution.endedAt} now={now} /> : null}
                      <StatusBadge status={execution.status} />
                    </span>
                  </div>
                  {execution.error ? <p className="mt-0.5 truncate text-xs text-red-700 dark:text-red-400" title={execution.error}>{execution.error}</p> : null}
                </li>
              ))}
            </ul>
          </section>
        </div>
      </div>
    </>
  );
}
