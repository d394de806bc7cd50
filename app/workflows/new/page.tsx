import type { Metadata } from "next";
import { WorkflowEditor } from "@/components/editor/workflow-editor";
import { requirePage } from "@/lib/server/page-auth";
import { Forbidden } from "@/components/forbidden";

export const metadata: Metadata = { title: "New workflow" };

export default async function NewWorkflowPage() {
  const access = await requirePage("designer", "/workflows/new");
  if (!access.allowed) return <Forbidden needs={access.needs} role={access.principal.role} />;
  return <WorkflowEditor />;
}
