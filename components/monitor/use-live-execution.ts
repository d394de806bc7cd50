"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { ExecutionView } from "@/lib/services/executions";

const TERMINAL = new Set(["COMPLETED", "FAILED", "TERMINATED", "TIMED_OUT"]);
/** A finished execution's page looks this often whether someone reopened it (a rerun or retry from elsewhere). */
const FINISHED_RECHECK_MS = 10_000;

export type LiveMode = "connecting" | "live" | "polling" | "finished";

async function fetchExecution(executionId: string): Promise<ExecutionView> {
  const response = await fetch(`/api/executions/${executionId}`, { cache: "no-store" });
  if (!response.ok) throw new Error(`loading the execution failed (${response.status})`);
  return (await response.json()) as ExecutionView;
}

/**
 * The execution, kept live: the server's event stream (SSE, resumed by the browser with
 * Last-Event-ID after a drop) tells the TanStack Query cache to refetch the moment anything
 * changes; if the stream cannot be held, the query polls every 2 s instead. Once the execution has
 * finished (its stream ended) the page still looks every 10 s while it is in view, so a rerun or
 * retry started elsewhere (another operator, the CLI, the API) brings it back to life.
 */
export function useLiveExecution(executionId: string, initial: ExecutionView) {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<LiveMode>("connecting");
  // A finished execution's stream ends; when an operator reopens it (retry, rerun), listen again.
  const [generation, setGeneration] = useState(0);
  const query = useQuery({
    queryKey: ["execution", executionId],
    queryFn: () => fetchExecution(executionId),
    initialData: initial,
    refetchInterval: mode === "polling" ? 2000 : mode === "finished" ? FINISHED_RECHECK_MS : false,
  });

  useEffect(() => {
    if (typeof EventSource === "undefined") return; // every browser Flowdeck supports has it
    const source = new EventSource(`/api/executions/${executionId}/events`);
    let scheduled: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      // Coalesce bursts (a fan-out completing) into one refetch; 30 ms keeps the view well under 0.5 s.
      scheduled ??= setTimeout(() => {
        scheduled = null;
        void queryClient.invalidateQueries({ queryKey: ["execution", executionId] });
      }, 30);
    };
    source.onopen = () => setMode("live");
    source.onmessage = refresh;
    source.addEventListener("end", () => {
      refresh();
      setMode("finished");
      source.close();
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) setMode((current) => (current === "finished" ? current : "polling"));
    };
    return () => {
      if (scheduled) clearTimeout(scheduled);
      source.close();
    };
  }, [executionId, queryClient, generation]);

  const reopened = mode === "finished" && !TERMINAL.has(query.data.status);
  useEffect(() => {
    if (!reopened) return;
    const timer = setTimeout(() => {
      setMode("connecting");
      setGeneration((g) => g + 1);
    }, 0);
    return () => clearTimeout(timer);
  }, [reopened]);

  return { execution: query.data, mode, refetch: query.refetch };
}
