"use client";

import { useQuery } from "@tanstack/react-query";
import { formatUtc } from "@/lib/canvas/execution-overlay";
import type { ExecutionEventView } from "@/lib/services/executions";

/** The API's page size for the JSON event history (listExecutionEvents). */
const PAGE = 1000;

async function fetchEvents(executionId: string): Promise<ExecutionEventView[]> {
  const response = await fetch(`/api/executions/${encodeURIComponent(executionId)}/events`, { cache: "no-store" });
  if (!response.ok) throw new Error(`loading the event history failed (${response.status})`);
  return ((await response.json()) as { events: ExecutionEventView[] }).events;
}

/** "EXECUTION_RERUN" → "Execution rerun". */
function label(type: string): string {
  const words = type.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The execution's event history — who did what, when and why — as the monitor's Events tab,
 * read from GET /api/executions/{id}/events and read again whenever the live view changes
 * (`revision`).
 */
export function EventHistory({ executionId, revision }: { executionId: string; revision: string }) {
  const query = useQuery({ queryKey: ["execution-events", executionId, revision], queryFn: () => fetchEvents(executionId), placeholderData: (previous) => previous });
  if (query.isError) return <p className="text-sm text-red-700" role="alert">{(query.error as Error).message}</p>;
  const events = query.data;
  if (!events) return <p className="text-sm text-zinc-500">Loading the history…</p>;
  return (
    <div className="max-h-[28rem] overflow-auto">
      <table className="w-full text-left text-xs" aria-label="Event history">
        <thead className="sticky top-0 bg-white text-zinc-600 dark:bg-zinc-900 dark:text-zinc-300">
          <tr>
            <th className="py-1 pr-3 font-medium">When</th>
            <th className="py-1 pr-3 font-medium">What</th>
            <th className="py-1 pr-3 font-medium">Task</th>
            <th className="py-1 pr-3 font-medium">Who</th>
            <th className="py-1 font-medium">Why</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {events.map((event) => (
            <tr key={event.id} data-event-type={event.type}>
              <td className="py-1 pr-3 whitespace-nowrap tabular-nums text-zinc-600 dark:text-zinc-400">{formatUtc(event.createdAt)}</td>
              <td className="py-1 pr-3 whitespace-nowrap font-medium">{label(event.type)}</td>
              <td className="py-1 pr-3 font-mono">
                {event.taskKey ?? ""}
                {event.mapIndex !== null && event.mapIndex >= 0 ? `[${event.mapIndex}]` : ""}
              </td>
              <td className="py-1 pr-3">{event.actor ?? ""}</td>
              <td className="py-1 text-zinc-700 dark:text-zinc-300">{event.reason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {events.length >= PAGE ? <p className="mt-2 text-xs text-zinc-500">The first {PAGE} events; the rest are in GET /api/executions/{executionId}/events?after=…</p> : null}
    </div>
  );
}
