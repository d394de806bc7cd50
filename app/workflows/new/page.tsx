import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/app-shell";
import { WorkflowEditor } from "@/components/editor/workflow-editor";
import { TemplateGallery } from "@/components/workflows/template-gallery";
import { getDb } from "@/lib/db/client";
import { requirePage } from "@/lib/server/page-auth";
import { listTemplateCards, templateDraft } from "@/lib/services/workflow-templates";
import { BLANK_TEMPLATE_ID } from "@/lib/workflow/templates";
import { Forbidden } from "@/components/forbidden";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "New workflow" };

type Props = { searchParams: Promise<{ template?: string | string[] }> };

/**
 * "New workflow": without `?template=` the gallery (blank, common shapes, the examples); with
 * `?template=blank` an empty designer; with a template's id the designer on its unsaved draft.
 */
export default async function NewWorkflowPage({ searchParams }: Props) {
  const { template } = await searchParams;
  const templateId = typeof template === "string" ? template : undefined;
  const access = await requirePage("designer", templateId ? `/workflows/new?template=${encodeURIComponent(templateId)}` : "/workflows/new");
  if (!access.allowed) return <Forbidden needs={access.needs} role={access.principal.role} />;
  if (templateId === undefined) {
    return (
      <>
        <PageHeader title="New workflow" description="Start from a blank canvas, a common shape or one of the examples." />
        <TemplateGallery templates={await listTemplateCards()} />
      </>
    );
  }
  if (templateId === BLANK_TEMPLATE_ID) return <WorkflowEditor key={BLANK_TEMPLATE_ID} />;
  const draft = await templateDraft(getDb(), templateId);
  if (!draft) notFound();
  return <WorkflowEditor key={templateId} template={draft} />;
}
