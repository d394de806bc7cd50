import type { Metadata } from "next";
import { Zap } from "lucide-react";
import { PageHeader } from "@/components/app-shell";
import { TriggerTable } from "@/components/triggers/trigger-table";
import { allows } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { ensureReady } from "@/lib/server/bootstrap";
import { requirePage } from "@/lib/server/page-auth";
import { listTriggers } from "@/lib/triggers/service";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Triggers" };

export default async function TriggersPage() {
  const { principal } = await requirePage("viewer", "/triggers");
  await ensureReady();
  const triggers = await listTriggers(getDb());
  return (
    <>
      <PageHeader title="Triggers" description={`${triggers.length} trigger${triggers.length === 1 ? "" : "s"}: schedules, webhooks and workflow events of the latest versions`} />
      <div className="p-8">
        {triggers.length === 0 ? (
          <div className="flex flex-col items-center rounded-xl border border-dashed border-zinc-300 px-6 py-16 text-center dark:border-zinc-700">
            <Zap className="size-8 text-zinc-400" aria-hidden />
            <p className="mt-3 font-medium">No triggers yet</p>
            <p className="mt-1 max-w-sm text-sm text-zinc-500">
              Add a <code className="font-mono text-xs">triggers</code> array to a workflow definition: a schedule, a webhook or another workflow&apos;s end.
            </p>
          </div>
        ) : (
          <section className="overflow-hidden rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <TriggerTable triggers={triggers} showWorkflow canOperate={allows(principal.role, "operator")} canRotate={allows(principal.role, "designer")} />
          </section>
        )}
      </div>
    </>
  );
}
