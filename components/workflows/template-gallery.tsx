import Link from "next/link";
import { Plus } from "lucide-react";
import { WorkflowGraph } from "@/components/graph/workflow-graph";
import type { FlowEdge, FlowNode } from "@/lib/canvas/definition-to-flow";
import type { TemplateCategory } from "@/lib/workflow/templates";
import { cn } from "@/components/ui/cn";

export type GalleryTemplate = {
  id: string;
  title: string;
  summary: string;
  category: TemplateCategory;
  taskCount: number;
  /** Laid out on the server (lib/services/workflow-graphs.ts), so the preview draws in its final shape. */
  graph: { nodes: FlowNode[]; edges: FlowEdge[] };
};

/** The designer with a template's draft (or the blank one). */
export const templateHref = (templateId: string) => `/workflows/new?template=${encodeURIComponent(templateId)}`;

const CARD =
  "group flex h-full overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-xs transition hover:border-accent-500/50 hover:shadow-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-500 dark:border-zinc-800 dark:bg-zinc-900 dark:hover:border-accent-500/60";

/**
 * "New workflow": start blank or from a template (lib/workflow/templates.ts). Each card is one
 * link to the designer with that draft; its preview is a picture (hidden from screen readers, the
 * title and summary name the card).
 */
export function TemplateGallery({ templates }: { templates: GalleryTemplate[] }) {
  const patterns = templates.filter((template) => template.category === "pattern");
  const examples = templates.filter((template) => template.category === "example");
  return (
    <div className="flex flex-col gap-8 p-8">
      <section aria-labelledby="gallery-patterns">
        <h2 id="gallery-patterns" className="mb-1 text-sm font-semibold text-zinc-900 dark:text-zinc-100">
          Start blank or from a common shape
        </h2>
        <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">A template opens in the designer as an unsaved draft: name it, change what you need, then save.</p>
        <ul className="grid gap-5 lg:grid-cols-2" aria-label="Templates">
          <li className="lg:col-span-2">
            <Link href={templateHref("blank")} className={cn(CARD, "items-center gap-4 border-dashed px-4 py-3")} data-template="blank">
              <span aria-hidden className="flex size-10 shrink-0 items-center justify-center rounded-full border-2 border-dashed border-zinc-300 text-zinc-500 transition-colors group-hover:border-accent-500 group-hover:text-accent-600 dark:border-zinc-700">
                <Plus className="size-5" />
              </span>
              <span className="flex flex-col">
                <span className="font-semibold tracking-tight text-zinc-900 group-hover:text-accent-700 dark:text-zinc-50 dark:group-hover:text-accent-100">Blank workflow</span>
                <span className="text-sm text-zinc-600 dark:text-zinc-400">An empty canvas: drag tasks from the palette and connect them.</span>
              </span>
            </Link>
          </li>
          {patterns.map((template) => (
            <TemplateCard key={template.id} template={template} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="gallery-examples">
        <h2 id="gallery-examples" className="mb-1 text-sm font-semibold text-zinc-900 dark:text-zinc-100">
          Start from an example
        </h2>
        <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">The example workflows Flowdeck ships with, copied into a new workflow of your own.</p>
        <ul className="grid gap-5 lg:grid-cols-2" aria-label="Examples">
          {examples.map((template) => (
            <TemplateCard key={template.id} template={template} />
          ))}
        </ul>
      </section>
    </div>
  );
}

function TemplateCard({ template }: { template: GalleryTemplate }) {
  return (
    <li>
      <Link href={templateHref(template.id)} className={cn(CARD, "flex-col")} data-template={template.id}>
        <div aria-hidden>
          <WorkflowGraph nodes={template.graph.nodes} edges={template.graph.edges} className="h-44 border-b border-zinc-100 bg-zinc-50/60 dark:border-zinc-800 dark:bg-zinc-950/40" />
        </div>
        <CardText title={template.title} summary={template.summary} detail={`${template.taskCount} task${template.taskCount === 1 ? "" : "s"} · ${template.id}`} />
      </Link>
    </li>
  );
}

function CardText({ title, summary, detail }: { title: string; summary: string; detail?: string }) {
  return (
    <div className="flex flex-1 flex-col gap-1 px-4 pt-3 pb-4">
      <span className="font-semibold tracking-tight text-zinc-900 group-hover:text-accent-700 dark:text-zinc-50 dark:group-hover:text-accent-100">{title}</span>
      <span className="text-sm leading-snug text-zinc-600 dark:text-zinc-400">{summary}</span>
      {detail ? <span className="mt-auto pt-2 font-mono text-[11px] text-zinc-500 dark:text-zinc-400">{detail}</span> : null}
    </div>
  );
}
