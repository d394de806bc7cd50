"use client";

import Link from "next/link";
import { useState, useSyncExternalStore, useTransition } from "react";
import { Copy, Eye } from "lucide-react";
import { toast } from "sonner";
import { triggerAction } from "@/app/triggers/actions";
import { useCan } from "@/components/auth/viewer-context";
import { copyText, curlExample } from "@/components/triggers/webhook-details";
import { Button } from "@/components/ui/button";
import type { DraftTrigger } from "@/lib/editor/trigger-form";
import { formatInTimezone, nextFireTimes } from "@/lib/workflow/schedule";
import { scheduleTriggerSchema } from "@/lib/workflow/schema";

const noChange = () => () => {};

/** The next five fire times of a schedule as typed (or why there are none), in its time zone. */
function ScheduleTimes({ trigger }: { trigger: DraftTrigger }) {
  // Computed in the browser only: "now" on the server and at hydration differ.
  const inBrowser = useSyncExternalStore(noChange, () => true, () => false);
  if (!inBrowser) return null;
  const parsed = scheduleTriggerSchema.safeParse(trigger);
  if (!parsed.success) return <p className="text-xs text-amber-700 dark:text-amber-400">Not a valid schedule yet (see Problems)</p>;
  const times = nextFireTimes(parsed.data, 5, new Date());
  const zone = parsed.data.timezone ?? "UTC";
  return (
    <>
      <p className="text-[11px] font-medium text-zinc-600 dark:text-zinc-400">Next fire times{parsed.data.every === undefined ? ` (${zone})` : ""}</p>
      <ol className="flex flex-col gap-0.5 font-mono text-xs tabular-nums" aria-label={`Next fire times of ${parsed.data.key}`}>
        {times.length === 0 ? <li className="text-zinc-500">no fire time left (end passed)</li> : null}
        {times.map((time) => (
          <li key={time.toISOString()}>{parsed.data.every !== undefined ? time.toISOString().replace("T", " ").slice(0, 19) + " UTC" : formatInTimezone(time, zone)}</li>
        ))}
      </ol>
    </>
  );
}

/**
 * A webhook's URL and curl example, each copyable, and — once its version is saved — its secret on
 * request (operators; reading it is recorded), which the curl example then uses.
 */
function WebhookPreview({ workflow, trigger }: { workflow: string; trigger: DraftTrigger }) {
  const origin = useSyncExternalStore(noChange, () => window.location.origin, () => "");
  const url = `${origin}/api/hooks/${encodeURIComponent(workflow)}/${encodeURIComponent(trigger.key)}`;
  const canOperate = useCan("operator");
  const [shown, setShown] = useState<{ key: string; secret: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const secret = shown && shown.key === trigger.key ? shown.secret : null;
  const reveal = () =>
    startTransition(async () => {
      const result = await triggerAction(workflow, trigger.key, "secret");
      if (!result.ok) return void toast.error(result.error.code === "NOT_FOUND" ? `save the workflow first: the server makes the secret of '${trigger.key}' when the version is saved` : result.error.message);
      if (result.value.secret) setShown({ key: trigger.key, secret: result.value.secret });
    });
  const curl = curlExample(url, secret ?? "$SECRET");
  return (
    <div className="flex flex-col gap-1.5 text-xs">
      <div className="flex items-center gap-1">
        <code className="min-w-0 flex-1 font-mono text-[11px] break-all" data-testid="trigger-url">POST {url}</code>
        <Button variant="ghost" className="h-6 shrink-0 px-1.5" onClick={() => copyText(url, "URL")} aria-label={`Copy the URL of ${trigger.key}`}>
          <Copy className="size-3.5" aria-hidden />
        </Button>
      </div>
      <div className="flex items-start gap-1">
        <pre className="min-w-0 flex-1 overflow-x-auto rounded border border-zinc-200 bg-white p-1.5 font-mono text-[11px] text-zinc-600 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-400" data-testid="trigger-curl">
          {curl}
        </pre>
        <Button variant="ghost" className="h-6 shrink-0 px-1.5" onClick={() => copyText(curl, "curl example")} aria-label={`Copy the curl example of ${trigger.key}`}>
          <Copy className="size-3.5" aria-hidden />
        </Button>
      </div>
      {secret ? (
        <div className="flex items-center gap-1">
          <code className="min-w-0 flex-1 rounded bg-white px-1.5 py-0.5 font-mono text-[11px] break-all dark:bg-zinc-900" data-testid="trigger-secret">{secret}</code>
          <Button variant="ghost" className="h-6 shrink-0 px-1.5" onClick={() => copyText(secret, "Secret")} aria-label={`Copy the secret of ${trigger.key}`}>
            <Copy className="size-3.5" aria-hidden />
          </Button>
        </div>
      ) : (
        <div className="flex flex-wrap items-center gap-2">
          {canOperate ? (
            <Button className="h-6 px-2 text-[11px]" disabled={pending} onClick={reveal}>
              <Eye className="size-3.5" aria-hidden /> Show secret
            </Button>
          ) : null}
          <p className="text-[11px] text-zinc-500">
            $SECRET: the server makes the secret when the version is saved; it is rotated on the{" "}
            <Link href="/triggers" className="underline hover:text-zinc-800 dark:hover:text-zinc-200">Triggers page</Link>.
          </p>
        </div>
      )}
    </div>
  );
}

/**
 * Below a trigger's form: what it will do — a schedule's next five fire times as you type, a
 * webhook's URL and curl example, the workflow a workflow event listens to.
 */
export function TriggerPreview({ workflow, trigger }: { workflow: string; trigger: DraftTrigger }) {
  return (
    <div className="flex flex-col gap-1 rounded-md bg-zinc-50/80 p-2 dark:bg-zinc-800/40" data-testid="trigger-preview">
      {trigger.type === "schedule" ? <ScheduleTimes trigger={trigger} /> : null}
      {trigger.type === "webhook" ? <WebhookPreview workflow={workflow} trigger={trigger} /> : null}
      {trigger.type === "workflow" ? (
        <p className="text-xs text-zinc-500">
          Starts when an execution of {typeof trigger.workflow === "string" && trigger.workflow !== "" ? <span className="font-mono">{trigger.workflow}</span> : "…"} ends
          {Array.isArray(trigger.status) && trigger.status.length > 0 ? ` ${trigger.status.join(" or ")}` : ""}
        </p>
      ) : null}
    </div>
  );
}
