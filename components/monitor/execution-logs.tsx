"use client";

import { useEffect, useState } from "react";
import { LogLines } from "@/components/monitor/log-lines";
import { useLogStream } from "@/components/monitor/use-log-stream";

// The execution's Logs tab: every attempt's lines in order, live while it runs, narrowed to one
// task and to lines containing a text (searched on the server, GET /api/executions/{id}/logs?q=).

const inputClass =
  "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100";

export function ExecutionLogs({ executionId, taskKeys }: { executionId: string; taskKeys: readonly string[] }) {
  const [task, setTask] = useState("");
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  // Search as the reader types, once they pause.
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 300);
    return () => clearTimeout(timer);
  }, [text]);
  const state = useLogStream(executionId, { task: task || undefined, q: q || undefined });
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2" role="search" aria-label="Search the logs">
        <input
          type="search"
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder="Search the logs…"
          aria-label="Search the logs"
          maxLength={200}
          className={`${inputClass} w-64`}
        />
        <select value={task} onChange={(event) => setTask(event.target.value)} aria-label="Task" className={inputClass}>
          <option value="">All tasks</option>
          {taskKeys.map((key) => (
            <option key={key} value={key}>
              {key}
            </option>
          ))}
        </select>
      </div>
      <LogLines state={state} showTask q={q || undefined} label="Execution logs" className="h-72" empty={q ? `No line contains “${q}”.` : "No task has logged anything yet."} />
    </div>
  );
}
