import type { Metadata } from "next";
import { Activity } from "lucide-react";
import { PageHeader } from "@/components/app-shell";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { getDb } from "@/lib/db/client";
import { ensureReady } from "@/lib/server/bootstrap";
import { requestTime } from "@/lib/server/request-time";
import { listRecentExecutions } from "@/lib/services/executions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Executions" };

export default async function ExecutionsPage() {
  await ensureReady();
  const executions = await listRecentExecutions(getDb());
  const now = requestTime();
  return (
    <>
      <PageHeader title="Executions" description="The most recent runs, newest first" />
      <div className="p-8">
        {executions.length === 0 ? (
          <div className="flex flex-col items-center rounded-xl border border-dashed border-zinc-300 px-6 py-16 text-center dark:border-zinc-700">
            <Activity className="size-8 text-zinc-400" aria-hidden />
            <p className="mt-3 font-medium">No executions yet</p>
            <p className="mt-1 max-w-md text-sm text-zinc-500">
              Runs of your workflows appear here. The execution engine that starts them is not part of this build yet.
            </p>
          </div>
        ) : (
          <table className="w-full overflow-hidden rounded-xl border border-zinc-200 bg-white text-sm dark:border-zinc-800 dark:bg-zinc-900">
            <thead className="bg-zinc-50 text-left text-xs text-zinc-500 dark:bg-zinc-800/50">
              <tr>
                <th className="px-4 py-2 font-medium">Execution</th>
                <th className="px-4 py-2 font-medium">Workflow</th>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2 font-medium">Correlation id</th>
                <th className="px-4 py-2 font-medium">Started</th>
              </tr>
            </thead>
            <tbody>
              {executions.map((execution) => (
                <tr key={execution.id} className="border-t border-zinc-100 dark:border-zinc-800">
                  <td className="px-4 py-2 font-mono text-xs">{execution.id}</td>
                  <td className="px-4 py-2">
                    {execution.workflowName} <span className="text-zinc-400">v{execution.workflowVersion}</span>
                  </td>
                  <td className="px-4 py-2">
                    <Badge>{execution.status}</Badge>
                  </td>
                  <td className="px-4 py-2 text-zinc-500">{execution.correlationId ?? "—"}</td>
                  <td className="px-4 py-2 text-zinc-500">
                    <RelativeTime iso={execution.createdAt} now={now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
