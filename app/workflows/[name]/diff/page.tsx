import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ArrowLeft } from "lucide-react";
import { PageHeader } from "@/components/app-shell";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { DiffView } from "@/components/editor/diff-view";
import { getDb } from "@/lib/db/client";
import { ensureReady } from "@/lib/server/bootstrap";
import { ServiceError } from "@/lib/services/errors";
import { getWorkflow, getWorkflowVersions } from "@/lib/services/workflows";
import { autoLayout } from "@/lib/canvas/auto-layout";
import { describeDiff, diffDefinitions } from "@/lib/editor/diff";
import { diffGraph } from "@/lib/editor/diff-graph";
import { requirePage } from "@/lib/server/page-auth";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ name: string }>; searchParams: Promise<{ from?: string; to?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Compare ${decodeURIComponent((await params).name)}` };
}

const asVersion = (text: string | undefined) => (text && /^[1-9][0-9]*$/.test(text) ? Number(text) : undefined);

/** A semantic diff between two versions: as a list, and on one graph (added green, removed red, changed amber). */
export default async function DiffPage({ params, searchParams }: Props) {
  await requirePage("viewer", `/workflows/${(await params).name}/diff`);
  await ensureReady();
  const name = decodeURIComponent((await params).name);
  const query = await searchParams;
  const db = getDb();
  let versions;
  try {
    versions = await getWorkflowVersions(db, name);
  } catch (error) {
    if (error instanceof ServiceError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
  const to = asVersion(query.to) ?? versions[0]!.version;
  const from = asVersion(query.from) ?? versions.find((v) => v.version < to)?.version ?? to;
  let before, after;
  try {
    [before, after] = await Promise.all([getWorkflow(db, name, from), getWorkflow(db, name, to)]);
  } catch (error) {
    if (error instanceof ServiceError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
  const diff = diffDefinitions(before.definition, after.definition);
  const graph = diffGraph(before.definition, after.definition, diff);
  const nodes = await autoLayout(graph.nodes, graph.edges);
  const base = `/workflows/${encodeURIComponent(name)}`;
  return (
    <>
      <PageHeader
        title={`${name}: v${from} → v${to}`}
        description={
          <span className="flex items-center gap-2">
            {diff.identical ? <Badge tone="outline">identical</Badge> : diff.layoutOnly ? <Badge tone="outline">layout only</Badge> : <Badge tone="accent">{describeDiff(diff).length} changes</Badge>}
            <span>Semantic diff: tasks, fields and dependencies; moved nodes are reported separately.</span>
          </span>
        }
        actions={
          <>
            <ButtonLink href={base} variant="ghost">
              <ArrowLeft className="size-4" aria-hidden /> Back
            </ButtonLink>
          </>
        }
      />
      <div className="px-8 pt-4">
        <form className="flex items-center gap-2 text-sm" action={`${base}/diff`}>
          <label htmlFor="from" className="text-zinc-500">Compare</label>
          <select id="from" name="from" defaultValue={from} className="rounded-md border border-zinc-200 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900">
            {versions.map((v) => (
              <option key={v.version} value={v.version}>v{v.version}</option>
            ))}
          </select>
          <label htmlFor="to" className="text-zinc-500">with</label>
          <select id="to" name="to" defaultValue={to} className="rounded-md border border-zinc-200 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900">
            {versions.map((v) => (
              <option key={v.version} value={v.version}>v{v.version}</option>
            ))}
          </select>
          <button type="submit" className="rounded-md px-2 py-1 font-medium text-accent-600 hover:bg-accent-50">Show</button>
          <span className="ml-auto text-xs text-zinc-500">
            open <Link className="underline" href={`${base}/edit?version=${from}`}>v{from}</Link> or{" "}
            <Link className="underline" href={`${base}/edit${to === versions[0]!.version ? "" : `?version=${to}`}`}>v{to}</Link> in the designer
          </span>
        </form>
      </div>
      <DiffView diff={diff} nodes={nodes} edges={graph.edges} />
    </>
  );
}
