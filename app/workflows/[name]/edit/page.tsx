import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { WorkflowEditor } from "@/components/editor/workflow-editor";
import { getDb } from "@/lib/db/client";
import { ensureReady } from "@/lib/server/bootstrap";
import { ServiceError } from "@/lib/services/errors";
import { getWorkflow, getWorkflowVersions } from "@/lib/services/workflows";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ name: string }>; searchParams: Promise<{ version?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Edit ${decodeURIComponent((await params).name)}` };
}

/** The designer on a stored workflow: the latest version is editable, an older one opens read-only. */
export default async function EditWorkflowPage({ params, searchParams }: Props) {
  await ensureReady();
  const name = decodeURIComponent((await params).name);
  const requested = (await searchParams).version;
  const version = requested && /^[1-9][0-9]*$/.test(requested) ? Number(requested) : undefined;
  const db = getDb();
  let workflow;
  try {
    workflow = await getWorkflow(db, name, version);
  } catch (error) {
    if (error instanceof ServiceError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
  const versions = await getWorkflowVersions(db, name);
  const latest = versions[0]!.version;
  return (
    <WorkflowEditor
      key={`${name}@${workflow.version}`}
      initial={workflow.definition}
      version={workflow.version}
      latestVersion={latest}
      readOnly={workflow.version !== latest}
      versions={versions.map((v) => ({ version: v.version, createdAt: v.createdAt, createdBy: v.createdBy }))}
    />
  );
}
