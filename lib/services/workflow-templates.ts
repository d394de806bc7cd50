// The template gallery of "New workflow" (lib/workflow/templates.ts): its cards with laid-out
// previews, and a template as the designer's unsaved draft, named so that saving it creates a
// new workflow instead of colliding with a stored one (which the save refuses with 409).
import type { Db } from "@/lib/db/client";
import { listWorkflowNames } from "@/lib/db/workflow-repository";
import { workflowDefinitionSchema, type WorkflowDefinition } from "@/lib/workflow";
import { findTemplate, uniqueWorkflowName, workflowTemplates, type TemplateCategory } from "@/lib/workflow/templates";
import { laidOutGraph, withCompleteLayout, type LaidOutGraph } from "@/lib/services/workflow-graphs";

export type TemplateCardView = { id: string; title: string; summary: string; category: TemplateCategory; taskCount: number; graph: LaidOutGraph };

/** Every template of the gallery, in its order, with its graph laid out left to right. */
export async function listTemplateCards(): Promise<TemplateCardView[]> {
  return Promise.all(
    workflowTemplates.map(async (template) => {
      const definition = workflowDefinitionSchema.parse(template.definition);
      const { id, title, summary, category } = template;
      return { id, title, summary, category, taskCount: definition.tasks.length, graph: await laidOutGraph(definition) };
    }),
  );
}

/**
 * The template's definition as a new draft: named after the template, or `<id>-2`, `<id>-3`, …
 * when a workflow of that name is stored; undefined for an unknown template.
 */
export async function templateDraft(db: Db, templateId: string): Promise<WorkflowDefinition | undefined> {
  const template = findTemplate(templateId);
  if (!template) return undefined;
  const definition = workflowDefinitionSchema.parse(template.definition);
  const name = uniqueWorkflowName(definition.name, await listWorkflowNames(db));
  return withCompleteLayout({ ...definition, name });
}
