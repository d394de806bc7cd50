"use client";

import { useMemo, useState } from "react";
import type { TaskAttemptView } from "@/lib/services/executions";
import { cn } from "@/components/ui/cn";
import { LogLines } from "@/components/monitor/log-lines";
import { useLogStream } from "@/components/monitor/use-log-stream";

// The task inspector's Logs section: one attempt's log (the latest by default), live while it
// runs. Shown once an attempt has logged or while one runs (its lines may come at any moment).

export function AttemptLogs({ executionId, attempts, live, until }: { executionId: string; attempts: readonly TaskAttemptView[]; live: boolean; until: number | null }) {
  const logged = attempts.filter((attempt) => attempt.logBytes > 0 || attempt.status === "RUNNING");
  const [chosen, setChosen] = useState<string | null>(null);
  const attempt = logged.find((a) => a.id === chosen) ?? logged[logged.length - 1];
  if (!attempt) return null;
  return (
    <section aria-label="Logs">
      <div className="mb-1 flex items-center justify-between gap-2">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">Logs</h3>
        {logged.length > 1 ? (
          <div role="tablist" aria-label="Attempt" className="flex gap-0.5">
            {logged.map((a) => (
              <button
                key={a.id}
                type="button"
                role="tab"
                aria-selected={a.id === attempt.id}
                onClick={() => setChosen(a.id)}
                className={cn("rounded px-1.5 py-0.5 text-[11px] font-medium", a.id === attempt.id ? "bg-zinc-200 text-zinc-900 dark:bg-zinc-700 dark:text-zinc-50" : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800")}
              >
                #{a.attempt}
              </button>
            ))}
          </div>
        ) : null}
      </div>
      <AttemptLogPane key={attempt.id} executionId={executionId} taskRunId={attempt.id} running={live && attempt.status === "RUNNING"} until={until} />
    </section>
  );
}

export function AttemptLogPane({ executionId, taskRunId, running, until }: { executionId: string; taskRunId: string; running: boolean; until: number | null }) {
  const stream = useLogStream(executionId, { taskRunId });
  // A replay moment shows the lines written by then.
  const state = useMemo(() => (until === null ? stream : { ...stream, lines: stream.lines.filter((line) => Date.parse(line.time) <= until) }), [stream, until]);
  return <LogLines state={state} label="Attempt log" className="max-h-72" empty={until !== null ? "Nothing logged by this moment." : running ? "No output yet." : "This attempt logged nothing."} />;
}
