"use client";

import { useSyncExternalStore } from "react";
import { CalendarClock, Webhook } from "lucide-react";
import { curlExample } from "@/components/triggers/webhook-details";
import type { DraftDefinition } from "@/lib/editor/document";
import { formatInTimezone, nextFireTimes } from "@/lib/workflow/schedule";
import { scheduleTriggerSchema } from "@/lib/workflow/schema";

const noChange = () => () => {};

/** The next five fire times of a schedule as typed (or why there are none), in its time zone. */
function ScheduleTimes({ trigger }: { trigger: Record<string, unknown> }) {
  // Computed in the browser only: "now" on the server and at hydration differ.
  const inBrowser = useSyncExternalStore(noChange, () => true, () => false);
  if (!inBrowser) return null;
  const parsed = scheduleTriggerSchema.safeParse(trigger);
  if (!parsed.success) return <p className="text-xs text-amber-700 dark:text-amber-400">Not a valid schedule yet (see Problems)</p>;
  const times = nextFireTimes(parsed.data, 5, new Date());
  const zone = parsed.data.timezone ?? "UTC";
  return (
    <ol className="mt-1 flex flex-col gap-0.5 font-mono text-xs tabular-nums" aria-label={`Next fire times of ${parsed.data.key}`}>
      {times.length === 0 ? <li className="text-zinc-500">no fire time left (end passed)</li> : null}
      {times.map((time) => (
        <li key={time.toISOString()}>{parsed.data.every !== undefined ? time.toISOString().replace("T", " ").slice(0, 19) + " UTC" : formatInTimezone(time, zone)}</li>
      ))}
    </ol>
  );
}

/**
 * Below the workflow settings: what the draft's triggers will do — each schedule's next five fire
 * times as you type, each webhook's URL and a curl example (the secret is on the Triggers page once
 * the version is saved).
 */
export function TriggerPreview({ draft }: { draft: DraftDefinition }) {
  const origin = useSyncExternalStore(noChange, () => window.location.origin, () => "");
  const triggers = Array.isArray(draft.triggers) ? (draft.triggers as unknown[]).filter((t): t is Record<string, unknown> => typeof t === "object" && t !== null) : [];
  if (triggers.length === 0) return null;
  return (
    <div className="flex flex-col gap-3 px-4 pb-4" data-testid="trigger-preview">
      {triggers.map((trigger, index) => (
        <div key={index} className="rounded-md border border-zinc-200 p-2 dark:border-zinc-700">
          <p className="flex items-center gap-1.5 text-xs font-semibold">
            {trigger.type === "webhook" ? <Webhook className="size-3.5" aria-hidden /> : <CalendarClock className="size-3.5" aria-hidden />}
            {String(trigger.type ?? "?")} · <span className="font-mono">{String(trigger.key ?? "?")}</span>
          </p>
          {trigger.type === "schedule" ? <ScheduleTimes trigger={trigger} /> : null}
          {trigger.type === "webhook" && typeof trigger.key === "string" ? (
            <pre className="mt-1 overflow-auto whitespace-pre-wrap break-all font-mono text-[11px] text-zinc-600 dark:text-zinc-400" data-testid="trigger-curl">
              {curlExample(`${origin}/api/hooks/${encodeURIComponent(draft.name)}/${encodeURIComponent(trigger.key)}`, "$SECRET")}
            </pre>
          ) : null}
          {trigger.type === "workflow" ? <p className="mt-1 text-xs text-zinc-500">starts when {String(trigger.workflow ?? "?")} ends</p> : null}
        </div>
      ))}
    </div>
  );
}
