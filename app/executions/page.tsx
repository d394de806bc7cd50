import type { Metadata } from "next";
import { Activity } from "lucide-react";
import { PageHeader } from "@/components/app-shell";
import { AutoRefresh } from "@/components/monitor/auto-refresh";
import { ExecutionsTable } from "@/components/monitor/executions-table";
import { ButtonLink } from "@/components/ui/button";
import { getDb } from "@/lib/db/client";
import { EXECUTION_STATUSES } from "@/lib/engine/statuses";
import { ensureReady } from "@/lib/server/bootstrap";
import { requestTime } from "@/lib/server/request-time";
import { executionSearchSchema, searchExecutions } from "@/lib/services/execution-search";
import { requirePage } from "@/lib/server/page-auth";
import { statusLook } from "@/components/monitor/status-palette";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Executions" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const PAGE_SIZE = 50;
const FIELD = "h-8 rounded-md border border-zinc-200 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";

export default async function ExecutionsPage({ searchParams }: Props) {
  await requirePage("viewer", "/executions");
  await ensureReady();
  const raw = Object.fromEntries(Object.entries(await searchParams).filter(([, v]) => typeof v === "string" && v !== "")) as Record<string, string>;
  const parsed = executionSearchSchema.safeParse(raw);
  const search = parsed.success ? parsed.data : {};
  const { executions, nextCursor, prevCursor, total } = await searchExecutions(getDb(), { ...search, limit: PAGE_SIZE });
  const now = requestTime();
  const { cursor: _cursor, newerThan: _newerThan, limit: _limit, ...filters } = raw;
  const older = nextCursor ? `/executions?${new URLSearchParams({ ...filters, cursor: nextCursor })}` : null;
  const newer = prevCursor ? `/executions?${new URLSearchParams({ ...filters, newerThan: prevCursor })}` : null;
  return (
    <>
      <PageHeader title="Executions" description="Every run, newest first; the list refreshes by itself" actions={<AutoRefresh intervalMs={3000} />} />
      <div className="flex flex-col gap-4 p-8">
        <form className="flex flex-wrap items-end gap-2" aria-label="Filters">
          <label className="flex flex-col gap-1 text-xs text-zinc-500">
            Status
            <select name="status" defaultValue={raw.status ?? ""} className={FIELD}>
              <option value="">Any</option>
              {EXECUTION_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {statusLook(status).label}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1 text-xs text-zinc-500">
            Workflow
            <input name="workflow" defaultValue={raw.workflow ?? ""} className={FIELD} placeholder="name" />
          </label>
          <label className="flex flex-col gap-1 text-xs text-zinc-500">
            Version
            <input name="version" defaultValue={raw.version ?? ""} className={`${FIELD} w-20`} inputMode="numeric" />
          </label>
          <label className="flex flex-col gap-1 text-xs text-zinc-500">
            Correlation id
            <input name="correlationId" defaultValue={raw.correlationId ?? ""} className={FIELD} />
          </label>
          <label className="flex flex-col gap-1 text-xs text-zinc-500">
            Trigger
            <input name="trigger" defaultValue={raw.trigger ?? ""} className={`${FIELD} w-28`} placeholder="key or *" title="A trigger key, or * for any trigger" />
          </label>
          <label className="flex flex-col gap-1 text-xs text-zinc-500">
            Search
            <input name="q" defaultValue={raw.q ?? ""} className={FIELD} placeholder="id, workflow, correlation" />
          </label>
          <button type="submit" className="h-8 rounded-md bg-accent-600 px-3 text-sm font-medium text-white hover:bg-accent-700">
            Apply
          </button>
          {Object.keys(raw).length > 0 ? (
            <ButtonLink href="/executions" variant="ghost">
              Clear
            </ButtonLink>
          ) : null}
        </form>
        {!parsed.success ? (
          <p className="text-sm text-red-600">{parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}</p>
        ) : null}
        {executions.length === 0 ? (
          <div className="flex flex-col items-center rounded-xl border border-dashed border-zinc-300 px-6 py-16 text-center dark:border-zinc-700">
            <Activity className="size-8 text-zinc-400" aria-hidden />
            <p className="mt-3 font-medium">No executions match</p>
            <p className="mt-1 max-w-md text-sm text-zinc-500">
              Start one with <code className="font-mono text-xs">POST /api/executions</code> or from a workflow&apos;s page.
            </p>
          </div>
        ) : (
          <>
            <p className="text-sm text-zinc-500" data-testid="executions-count">
              {total === 1 ? "1 execution matches" : `${total.toLocaleString("en")} executions match`}
              {older || newer ? ` · page of ${PAGE_SIZE}` : ""}
            </p>
            <ExecutionsTable executions={executions} now={now} total={total} filters={parsed.success ? filters : {}} />
          </>
        )}
        {older || newer ? (
          <nav className="flex justify-end gap-2" aria-label="Pages">
            {newer ? <ButtonLink href={newer}>← Newer</ButtonLink> : null}
            {older ? <ButtonLink href={older}>Older →</ButtonLink> : null}
          </nav>
        ) : null}
      </div>
    </>
  );
}
