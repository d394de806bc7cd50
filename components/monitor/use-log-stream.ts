"use client";

import { useEffect, useState } from "react";
import type { TaskLogLineView } from "@/lib/services/task-logs";

/** Most lines a log view keeps in the page; the API and `flowdeck logs` give them all. */
export const MAX_SHOWN_LINES = 5000;

export type LogFilter = { taskRunId?: string; task?: string; q?: string };
export type LogStreamState = {
  lines: TaskLogLineView[];
  /** loading: nothing arrived yet; live: following; ended: every line was sent; error: the stream failed. */
  phase: "loading" | "live" | "ended" | "error";
  /** More lines matched than MAX_SHOWN_LINES: the first ones are shown. */
  capped: boolean;
};

/**
 * The execution's log lines matching `filter`, from GET /api/executions/{id}/logs as a live
 * text/event-stream: everything stored first, then each line as a running attempt appends it,
 * until the execution ends (`end`). Lines arriving together are added once per animation frame.
 * `enabled` false opens nothing (a tab not shown).
 */
export function useLogStream(executionId: string, filter: LogFilter, enabled = true): LogStreamState {
  const { taskRunId, task, q } = filter;
  const key = JSON.stringify([executionId, taskRunId, task, q]);
  // The state of the stream of `key`: a new filter starts from nothing (derived below, not reset in the effect).
  const [state, setState] = useState<LogStreamState & { key: string }>({ key, lines: [], phase: "loading", capped: false });
  useEffect(() => {
    if (!enabled) return;
    const params = new URLSearchParams();
    if (taskRunId) params.set("taskRunId", taskRunId);
    if (task) params.set("task", task);
    if (q) params.set("q", q);
    const source = new EventSource(`/api/executions/${encodeURIComponent(executionId)}/logs?${params}`);
    let pending: TaskLogLineView[] = [];
    let frame: number | null = null;
    const fresh = (previous: LogStreamState & { key: string }) => (previous.key === key ? previous : { key, lines: [], phase: "loading" as const, capped: false });
    const commit = (phase?: LogStreamState["phase"]) => {
      frame = null;
      const batch = pending;
      pending = [];
      setState((before) => {
        const previous = fresh(before);
        const room = MAX_SHOWN_LINES - previous.lines.length;
        const lines = batch.length === 0 || room <= 0 ? previous.lines : [...previous.lines, ...batch.slice(0, room)];
        return { key, lines, phase: phase ?? (previous.phase === "loading" ? "live" : previous.phase), capped: previous.capped || batch.length > room };
      });
    };
    source.onopen = () => setState((before) => {
      const previous = fresh(before);
      return previous.phase === "loading" ? { ...previous, phase: "live" } : previous;
    });
    source.onmessage = (message) => {
      pending.push(JSON.parse(message.data) as TaskLogLineView);
      frame ??= requestAnimationFrame(() => commit());
    };
    source.addEventListener("end", () => {
      source.close();
      if (frame !== null) cancelAnimationFrame(frame);
      commit("ended");
    });
    // EventSource reconnects by itself (resuming after the last line id); a closed source is final.
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) setState((before) => ({ ...fresh(before), phase: "error" }));
    };
    return () => {
      source.close();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [key, executionId, taskRunId, task, q, enabled]);
  return state.key === key ? state : { lines: [], phase: "loading", capped: false };
}
