"use client";

import { useQuery } from "@tanstack/react-query";
import type { ExecutionEventView } from "@/lib/services/executions";

/** Events a person or a token caused (start, pause, terminate, rerun, skip, approve…), not the engine's or a worker's own. */
export function isHumanEvent(event: Pick<ExecutionEventView, "actor">): boolean {
  const actor = event.actor;
  if (!actor || actor === "engine" || actor.startsWith("engine:")) return false;
  return !/@(token:|user:|admin-token$)/.test(actor); // a worker's lease identity (lib/auth/principal.ts)
}

/** Changes when an operator's action can have added an event: the status, or any task's attempts or status. */
export function historyKey(execution: { status: string; tasks: { status: string; attempts: unknown[] }[] }): string {
  let attempts = 0;
  let skipped = 0;
  for (const task of execution.tasks) {
    attempts += task.attempts.length;
    if (task.status === "SKIPPED" || task.status === "PENDING") skipped++;
  }
  return `${execution.status}:${attempts}:${skipped}`;
}

const LABELS: Record<string, string> = {
  EXECUTION_CREATED: "started the execution",
  EXECUTION_PAUSED: "paused",
  EXECUTION_RESUMED: "resumed",
  EXECUTION_TERMINATED: "terminated",
  EXECUTION_RESTARTED: "restarted",
  TASK_RESET: "reset for a rerun",
  TASK_SKIPPED: "skipped",
  TASK_COMPLETED: "completed",
  TASK_FAILED: "failed",
  TASK_FAILED_FINAL: "failed",
};

/**
 * Who did what to this execution, newest first: the audit trail of operator actions with their
 * reasons. Re-read when the execution changes (`changeKey`). The full history: /api/…/events.
 */
export function ExecutionHistory({ executionId, changeKey }: { executionId: string; changeKey: string }) {
  const { data } = useQuery({
    queryKey: ["execution-history", executionId, changeKey],
    queryFn: async (): Promise<ExecutionEventView[]> => {
      const response = await fetch(`/api/executions/${executionId}/events`, { cache: "no-store" });
      if (!response.ok) return [];
      return ((await response.json()) as { events: ExecutionEventView[] }).events;
    },
  });
  const events = (data ?? []).filter(isHumanEvent).reverse().slice(0, 20);
  if (events.length === 0) return null;
  return (
    <section aria-label="Who did what" className="flex flex-col gap-1.5">
      <h3 className="text-xs font-semibold text-zinc-600 dark:text-zinc-300">Who did what</h3>
      <ol className="flex flex-col gap-1 text-xs">
        {events.map((event) => (
          <li key={event.id} className="rounded-md bg-zinc-50 px-2 py-1 dark:bg-zinc-800/60" data-testid="history-event">
            <span className="font-medium">{event.actor}</span> {LABELS[event.type] ?? event.type.toLowerCase().replaceAll("_", " ")}
            {event.taskKey ? <span className="font-mono"> {event.taskKey}</span> : null}
            <span className="text-zinc-500"> · {new Date(event.createdAt).toISOString().slice(11, 19)} UTC</span>
            {event.reason ? <div className="text-zinc-600 dark:text-zinc-300">“{event.reason}”</div> : null}
          </li>
        ))}
      </ol>
      <a href={`/api/executions/${executionId}/events`} className="text-xs text-accent-700 hover:underline dark:text-accent-100">
        Full event history (JSON)
      </a>
    </section>
  );
}
