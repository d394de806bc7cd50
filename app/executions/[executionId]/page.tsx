import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/app-shell";
import { ExecutionView } from "@/components/monitor/execution-view";
import { LiveRelativeTime } from "@/components/ui/live-relative-time";
import { getDb } from "@/lib/db/client";
import { ensureReady } from "@/lib/server/bootstrap";
import { requestTime } from "@/lib/server/request-time";
import { ServiceError } from "@/lib/services/errors";
import { getExecution } from "@/lib/services/executions";
import { lastEventIdOf } from "@/lib/services/execution-delta";
import { laidOutGraph } from "@/lib/services/workflow-graphs";
import { getWorkflow } from "@/lib/services/workflows";
import { requirePage } from "@/lib/server/page-auth";

export const dynamic = "force-dynamic";

// `?at=<event id>`: the replay moment to open (the id of an event of GET /api/executions/{id}/events;
// the scrubber shows the execution right after it, `0` before the first event). See components/monitor/README.md.
type Props = { params: Promise<{ executionId: string }>; searchParams: Promise<{ at?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Execution ${(await params).executionId.slice(0, 8)}` };
}

export default async function ExecutionPage({ params, searchParams }: Props) {
  await requirePage("viewer", `/executions/${(await params).executionId}`);
  await ensureReady();
  const { executionId } = await params;
  const db = getDb();
  let execution;
  // Read before the view (as GET /api/executions/{id} does): the live stream continues from it.
  const lastEventId = await lastEventIdOf(db, executionId);
  try {
    execution = await getExecution(db, executionId);
  } catch (error) {
    if (error instanceof ServiceError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
  // The monitor always draws the exact version the execution pinned.
  const workflow = await getWorkflow(db, execution.workflowName, execution.workflowVersion);
  const graph = await laidOutGraph(workflow.definition);
  const maxAttempts = Object.fromEntries(workflow.definition.tasks.map((task) => [task.key, task.retry?.maximumAttempts ?? 1]));
  const now = requestTime();
  const at = (await searchParams).at;
  const initialAt = typeof at === "string" && /^\d{1,30}$/.test(at) ? at : null;
  return (
    <>
      <PageHeader
        title={`${execution.workflowName}`}
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <Link className="hover:text-accent-600" href={`/workflows/${encodeURIComponent(execution.workflowName)}?version=${execution.workflowVersion}`}>
              v{execution.workflowVersion}
            </Link>
            <span className="font-mono text-xs" title="execution id">
              {execution.id}
            </span>
            <span>
              started <LiveRelativeTime iso={execution.startedAt ?? execution.createdAt} serverNow={now} />
            </span>
            {execution.correlationId ? <span>correlation {execution.correlationId}</span> : null}
            {execution.parentExecutionId ? (
              <Link className="text-accent-600 hover:underline" href={`/executions/${execution.parentExecutionId}`}>
                ← parent execution
              </Link>
            ) : null}
          </span>
        }
      />
      <ExecutionView key={execution.id} initial={execution} nodes={graph.nodes} edges={graph.edges} maxAttempts={maxAttempts} definition={workflow.definition} serverNow={now} initialAt={initialAt} initialEventId={lastEventId} />
    </>
  );
}
