"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { Pause, Play, Zap } from "lucide-react";
import { toast } from "sonner";
import { triggerAction } from "@/app/triggers/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { WebhookDetails } from "@/components/triggers/webhook-details";
import type { TriggerView } from "@/lib/triggers/service";
import { formatInTimezone } from "@/lib/workflow/schedule";

const STATE_TONE: Record<TriggerView["state"], "accent" | "neutral" | "outline"> = { active: "accent", paused: "neutral", disabled: "outline", ended: "outline", retired: "outline" };

/** What the trigger listens to, in a line. */
export function describeTrigger(trigger: TriggerView): string {
  const spec = trigger.spec;
  if (spec.type === "schedule") return spec.cron !== undefined ? `cron ${spec.cron} (${spec.timezone ?? "UTC"})` : `every ${spec.every}`;
  if (spec.type === "workflow") return `when ${spec.workflow} ends ${spec.status ? spec.status.join(" / ") : "(any status)"}`;
  return `POST ${trigger.hookPath}`;
}

function When({ iso, timezone }: { iso: string | null; timezone?: string }) {
  if (!iso) return <span className="text-zinc-400">—</span>;
  return (
    <time dateTime={iso} title={iso} className="tabular-nums">
      {formatInTimezone(new Date(iso), timezone)}
    </time>
  );
}

function Row({ trigger, showWorkflow, canOperate, canRotate }: { trigger: TriggerView; showWorkflow: boolean; canOperate: boolean; canRotate: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const timezone = trigger.spec.type === "schedule" ? trigger.spec.timezone : undefined;
  const act = (action: "pause" | "resume" | "run", done: string) =>
    startTransition(async () => {
      const result = await triggerAction(trigger.workflow, trigger.key, action);
      if (!result.ok) return void toast.error(result.error.message);
      toast.success(done);
      if (result.value.executionId) router.push(`/executions/${result.value.executionId}`);
      else router.refresh();
    });
  return (
    <tr className="border-t border-zinc-100 align-top dark:border-zinc-800" data-testid={`trigger-${trigger.workflow}-${trigger.key}`}>
      <td className="px-4 py-2">
        {showWorkflow ? (
          <Link href={`/workflows/${encodeURIComponent(trigger.workflow)}`} className="block text-xs text-zinc-500 hover:underline">
            {trigger.workflow}
          </Link>
        ) : null}
        <span className="font-mono text-xs font-semibold">{trigger.key}</span>
        {trigger.description ? <span className="block text-xs text-zinc-500">{trigger.description}</span> : null}
      </td>
      <td className="px-4 py-2">
        <Badge tone="outline">{trigger.type}</Badge>
        <span className="mt-1 block max-w-xs text-xs text-zinc-500">{describeTrigger(trigger)}</span>
        {trigger.type === "webhook" && trigger.hookPath ? (
          <div className="mt-2">
            <WebhookDetails workflow={trigger.workflow} triggerKey={trigger.key} hookPath={trigger.hookPath} canOperate={canOperate} canRotate={canRotate} />
          </div>
        ) : null}
      </td>
      <td className="px-4 py-2">
        <Badge tone={STATE_TONE[trigger.state]}>{trigger.state}</Badge>
        {trigger.pausedBy ? <span className="block text-xs text-zinc-500">by {trigger.pausedBy}</span> : null}
      </td>
      <td className="px-4 py-2 text-xs">{trigger.type === "schedule" ? <When iso={trigger.nextFireAt} timezone={timezone} /> : <span className="text-zinc-400">—</span>}</td>
      <td className="px-4 py-2 text-xs">
        <When iso={trigger.lastFireAt} timezone={timezone} />
        {trigger.lastExecution ? (
          <Link href={`/executions/${trigger.lastExecution.id}`} className="block font-mono text-accent-700 hover:underline dark:text-accent-100">
            {trigger.lastExecution.id.slice(0, 8)} · {trigger.lastExecution.status}
          </Link>
        ) : null}
      </td>
      <td className="px-4 py-2">
        {canOperate ? (
          <div className="flex flex-wrap gap-1.5">
            {trigger.state === "paused" ? (
              <Button className="h-7" disabled={pending} onClick={() => act("resume", "Resumed")}>
                <Play className="size-3.5" aria-hidden /> Resume
              </Button>
            ) : (
              <Button className="h-7" disabled={pending} onClick={() => act("pause", "Paused")}>
                <Pause className="size-3.5" aria-hidden /> Pause
              </Button>
            )}
            <Button className="h-7" disabled={pending} onClick={() => act("run", "Started")}>
              <Zap className="size-3.5" aria-hidden /> Run now
            </Button>
          </div>
        ) : null}
      </td>
    </tr>
  );
}

/** Triggers with their state, next and last fire, last execution and the operators' actions. */
export function TriggerTable({ triggers, showWorkflow, canOperate, canRotate }: { triggers: TriggerView[]; showWorkflow: boolean; canOperate: boolean; canRotate: boolean }) {
  return (
    <table className="w-full text-sm" aria-label="Triggers">
      <thead className="bg-zinc-50 text-left text-xs text-zinc-500 dark:bg-zinc-800/50">
        <tr>
          <th className="px-4 py-2 font-medium">Trigger</th>
          <th className="px-4 py-2 font-medium">Type</th>
          <th className="px-4 py-2 font-medium">State</th>
          <th className="px-4 py-2 font-medium">Next fire</th>
          <th className="px-4 py-2 font-medium">Last fire</th>
          <th className="px-4 py-2 font-medium">Actions</th>
        </tr>
      </thead>
      <tbody>
        {triggers.map((trigger) => (
          <Row key={trigger.id} trigger={trigger} showWorkflow={showWorkflow} canOperate={canOperate} canRotate={canRotate} />
        ))}
      </tbody>
    </table>
  );
}
