import type { Metadata } from "next";
import { WorkflowEditor } from "@/components/editor/workflow-editor";
import { loadWorkflowPageData } from "@/lib/server/page-data";
import { withCompleteLayout } from "@/lib/services/workflow-graphs";
import { requirePage } from "@/lib/server/page-auth";
import { Forbidden } from "@/components/forbidden";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ name: string }>; searchParams: Promise<{ version?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Edit ${decodeURIComponent((await params).name)}` };
}

/** The designer on a stored workflow: the latest version is editable, an older one opens read-only. */
export default async function EditWorkflowPage({ params, searchParams }: Props) {
  const access = await requirePage("designer", `/workflows/${(await params).name}/edit`);
  if (!access.allowed) return <Forbidden needs={access.needs} role={access.principal.role} />;
  const { name, workflow, versions, latest, warnings } = await loadWorkflowPageData((await params).name, (await searchParams).version);
  return (
    <WorkflowEditor
      key={`${name}@${workflow.version}`}
      initial={await withCompleteLayout(workflow.definition)}
      initialWarnings={warnings}
      version={workflow.version}
      latestVersion={latest}
      readOnly={workflow.version !== latest}
      versions={versions.map((v) => ({ version: v.version, createdAt: v.createdAt, createdBy: v.createdBy, restoredFrom: v.restoredFrom }))}
    />
  );
}
