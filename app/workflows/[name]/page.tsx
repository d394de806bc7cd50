import Link from "next/link";
import type { Metadata } from "next";
import { Download, FileJson, GitCompare, Pencil } from "lucide-react";
import { PageHeader } from "@/components/app-shell";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import { cn } from "@/components/ui/cn";
import { WorkflowGraph } from "@/components/graph/workflow-graph";
import { loadWorkflowPageData } from "@/lib/server/page-data";
import { requestTime } from "@/lib/server/request-time";
import { laidOutGraph } from "@/lib/services/workflow-graphs";
import { serializeDefinition, summarizeTask, TASK_TYPE_INFO } from "@/lib/workflow";
import { requirePage } from "@/lib/server/page-auth";
import { allows } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { searchExecutions } from "@/lib/services/execution-search";
import { RunWorkflowButton } from "@/components/workflows/run-workflow-button";
import { RecentExecutions } from "@/components/workflows/recent-executions";

/** How many of the workflow's latest executions its page lists. */
const RECENT_EXECUTIONS = 10;

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ name: string }>; searchParams: Promise<{ version?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

export default async function WorkflowPage({ params, searchParams }: Props) {
  const { principal } = await requirePage("viewer", `/workflows/${(await params).name}`);
  const { name, workflow, versions, latest } = await loadWorkflowPageData((await params).name, (await searchParams).version);
  const graph = await laidOutGraph(workflow.definition);
  const recent = await searchExecutions(getDb(), { workflow: name, limit: RECENT_EXECUTIONS });
  const exportHref = `/api/workflows/${encodeURIComponent(name)}/export?version=${workflow.version}`;
  const now = requestTime();
  return (
    <>
      <PageHeader
        title={workflow.name}
        description={
          <span className="flex items-center gap-2">
            <Badge tone="accent">v{workflow.version}</Badge>
            {workflow.version !== latest ? <Badge tone="outline">read-only · latest is v{latest}</Badge> : null}
            <span>{workflow.description ?? "No description"}</span>
          </span>
        }
        actions={
          <>
            <ButtonLink href={`/api/workflows/${encodeURIComponent(name)}?version=${workflow.version}`} variant="ghost">
              <FileJson className="size-4" aria-hidden /> API
            </ButtonLink>
            <ButtonLink href={exportHref} download>
              <Download className="size-4" aria-hidden /> Export JSON
            </ButtonLink>
            {versions.length > 1 ? (
              <ButtonLink
                href={`/workflows/${encodeURIComponent(name)}/diff?from=${workflow.version === latest ? versions[1]!.version : workflow.version}&to=${latest}`}
              >
                <GitCompare className="size-4" aria-hidden /> Compare versions
              </ButtonLink>
            ) : null}
            {allows(principal.role, "operator") ? <RunWorkflowButton name={name} version={workflow.version} input={workflow.definition.input} /> : null}
            {allows(principal.role, "designer") ? (
              <ButtonLink
                href={`/workflows/${encodeURIComponent(name)}/edit${workflow.version === latest ? "" : `?version=${workflow.version}`}`}
                variant="primary"
              >
                <Pencil className="size-4" aria-hidden /> {workflow.version === latest ? "Edit" : "Open in designer"}
              </ButtonLink>
            ) : null}
          </>
        }
      />
      <div className="grid gap-6 p-8 lg:grid-cols-[1fr_18rem]">
        <section aria-label="Graph" className="min-w-0 overflow-hidden rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <WorkflowGraph nodes={graph.nodes} edges={graph.edges} interactive className="h-[28rem]" />
        </section>
        <aside className="flex flex-col gap-6">
          <section aria-label="Versions" className="rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <h2 className="border-b border-zinc-100 px-4 py-2.5 text-sm font-semibold dark:border-zinc-800">Versions</h2>
            <ol className="max-h-80 overflow-auto py-1">
              {versions.map((v) => (
                <li key={v.version}>
                  <Link
                    href={`/workflows/${encodeURIComponent(name)}?version=${v.version}`}
                    className={cn(
                      "flex items-center justify-between gap-2 px-4 py-1.5 text-sm hover:bg-zinc-50 dark:hover:bg-zinc-800/60",
                      v.version === workflow.version && "bg-accent-50/70 dark:bg-accent-700/15",
                    )}
                  >
                    <span className="font-medium tabular-nums">v{v.version}</span>
                    <span className="truncate text-xs text-zinc-500">
                      <RelativeTime iso={v.createdAt} now={now} /> · {v.createdBy ?? "unknown"}
                    </span>
                  </Link>
                </li>
              ))}
            </ol>
          </section>
          <section aria-label="Details" className="rounded-xl border border-zinc-200 bg-white p-4 text-sm dark:border-zinc-800 dark:bg-zinc-900">
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2">
              <dt className="text-zinc-500">Tasks</dt>
              <dd className="tabular-nums">{workflow.taskCount}</dd>
              <dt className="text-zinc-500">Saved</dt>
              <dd>
                <RelativeTime iso={workflow.createdAt} now={now} /> by {workflow.createdBy ?? "unknown"}
              </dd>
              <dt className="text-zinc-500">Checksum</dt>
              <dd className="truncate font-mono text-xs" title={workflow.checksum}>
                {workflow.checksum.slice(0, 12)}
              </dd>
            </dl>
          </section>
        </aside>
        <RecentExecutions name={name} executions={recent.executions} now={now} hasMore={recent.nextCursor !== null} />
        <section
          aria-label="Tasks"
          className="overflow-hidden rounded-xl border border-zinc-200 bg-white lg:col-span-2 dark:border-zinc-800 dark:bg-zinc-900"
        >
          <table className="w-full text-sm">
            <thead className="bg-zinc-50 text-left text-xs text-zinc-500 dark:bg-zinc-800/50">
              <tr>
                <th className="px-4 py-2 font-medium">Task</th>
                <th className="px-4 py-2 font-medium">Type</th>
                <th className="px-4 py-2 font-medium">Depends on</th>
                <th className="px-4 py-2 font-medium">Does</th>
              </tr>
            </thead>
            <tbody>
              {workflow.definition.tasks.map((task) => (
                <tr key={task.key} className="border-t border-zinc-100 align-top dark:border-zinc-800">
                  <td className="px-4 py-2">
                    <span className="font-mono text-xs font-semibold">{task.key}</span>
                    {task.name ? <span className="block text-xs text-zinc-500">{task.name}</span> : null}
                  </td>
                  <td className="px-4 py-2 text-zinc-600 dark:text-zinc-300">{TASK_TYPE_INFO[task.type].label}</td>
                  <td className="px-4 py-2 font-mono text-xs text-zinc-500">{task.dependsOn?.join(", ") || "—"}</td>
                  <td className="max-w-md truncate px-4 py-2 text-zinc-500" title={summarizeTask(task)}>
                    {summarizeTask(task)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section aria-label="Definition" className="lg:col-span-2">
          <details className="rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <summary className="cursor-pointer px-4 py-2.5 text-sm font-semibold">Definition JSON</summary>
            <pre className="max-h-[32rem] overflow-auto border-t border-zinc-100 px-4 py-3 font-mono text-xs leading-relaxed dark:border-zinc-800">
              {serializeDefinition(workflow.definition)}
            </pre>
          </details>
        </section>
      </div>
    </>
  );
}
