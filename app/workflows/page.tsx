import Link from "next/link";
import type { Metadata } from "next";
import { FileJson, Plus, Workflow as WorkflowIcon } from "lucide-react";
import { PageHeader } from "@/components/app-shell";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import { WorkflowGraph } from "@/components/graph/workflow-graph";
import { getDb } from "@/lib/db/client";
import { ensureReady } from "@/lib/server/bootstrap";
import { requestTime } from "@/lib/server/request-time";
import { laidOutGraph } from "@/lib/services/workflow-graphs";
import { listWorkflows } from "@/lib/services/workflows";
import { requirePage } from "@/lib/server/page-auth";
import { allows } from "@/lib/auth/roles";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Workflows" };

export default async function WorkflowsPage() {
  const { principal } = await requirePage("viewer", "/workflows");
  await ensureReady();
  const workflows = await listWorkflows(getDb());
  const graphs = await Promise.all(workflows.map((workflow) => laidOutGraph(workflow.definition)));
  const now = requestTime();
  return (
    <>
      <PageHeader
        title="Workflows"
        description={`${workflows.length} workflow${workflows.length === 1 ? "" : "s"}, each shown at its latest version`}
        actions={
          <>
            <ButtonLink href="/schema/workflow.json" variant="ghost">
              <FileJson className="size-4" aria-hidden /> JSON Schema
            </ButtonLink>
            {allows(principal.role, "designer") ? (
              <ButtonLink href="/workflows/new" variant="primary">
                <Plus className="size-4" aria-hidden /> New workflow
              </ButtonLink>
            ) : null}
          </>
        }
      />
      <div className="p-8">
        {workflows.length === 0 ? (
          <div className="flex flex-col items-center rounded-xl border border-dashed border-zinc-300 px-6 py-16 text-center dark:border-zinc-700">
            <WorkflowIcon className="size-8 text-zinc-400" aria-hidden />
            <p className="mt-3 font-medium">No workflows yet</p>
            <p className="mt-1 max-w-sm text-sm text-zinc-500">
              Save a definition with <code className="font-mono text-xs">POST /api/workflows</code> or import JSON files with{" "}
              <code className="font-mono text-xs">POST /api/workflows/import</code>.
            </p>
          </div>
        ) : (
          <ul className="grid gap-5 xl:grid-cols-2" aria-label="Workflows">
            {workflows.map((workflow, index) => {
              const graph = graphs[index]!;
              return (
                <li
                  key={workflow.name}
                  data-workflow={workflow.name}
                  className="group overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-xs transition-shadow hover:shadow-md dark:border-zinc-800 dark:bg-zinc-900"
                >
                  <div className="flex items-start justify-between gap-4 px-5 pt-4 pb-3">
                    <div className="min-w-0">
                      <Link
                        href={`/workflows/${encodeURIComponent(workflow.name)}`}
                        className="font-semibold tracking-tight text-zinc-900 hover:text-accent-600 dark:text-zinc-50"
                      >
                        {workflow.name}
                      </Link>
                      <p className="mt-0.5 line-clamp-2 text-sm text-zinc-500 dark:text-zinc-400">
                        {workflow.description ?? "No description"}
                      </p>
                    </div>
                    <Badge tone="accent" className="shrink-0">
                      v{workflow.version}
                    </Badge>
                  </div>
                  <div className="flex items-center gap-3 px-5 pb-3 text-xs text-zinc-500 dark:text-zinc-400">
                    <span data-testid="task-count">
                      {workflow.taskCount} task{workflow.taskCount === 1 ? "" : "s"}
                    </span>
                    <span aria-hidden>·</span>
                    <span>
                      {workflow.versionCount} version{workflow.versionCount === 1 ? "" : "s"}
                    </span>
                    <span aria-hidden>·</span>
                    <span>
                      updated <RelativeTime iso={workflow.createdAt} now={now} />
                    </span>
                  </div>
                  <Link href={`/workflows/${encodeURIComponent(workflow.name)}`} className="block">
                    <span className="sr-only">Open {workflow.name}</span>
                    {/* A picture of the graph: its card texts are not the link's name. */}
                    <div aria-hidden>
                      <WorkflowGraph
                        nodes={graph.nodes}
                        edges={graph.edges}
                        className="h-56 border-t border-zinc-100 bg-zinc-50/60 dark:border-zinc-800 dark:bg-zinc-950/40"
                      />
                    </div>
                  </Link>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </>
  );
}
