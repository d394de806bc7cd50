"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { LAST_EVENT_ID_HEADER, eventIdBefore, mergeExecutionDeltas } from "@/lib/canvas/live-merge";
import type { ExecutionDelta } from "@/lib/services/execution-delta";
import type { ExecutionView } from "@/lib/services/executions";

const TERMINAL = new Set(["COMPLETED", "FAILED", "TERMINATED", "TIMED_OUT"]);
/** A finished execution's page looks this often whether someone reopened it (a rerun or retry from elsewhere). */
const FINISHED_RECHECK_MS = 10_000;

export type LiveMode = "connecting" | "live" | "polling" | "finished";

async function fetchExecution(executionId: string): Promise<{ view: ExecutionView; lastEventId: string | null }> {
  const response = await fetch(`/api/executions/${executionId}`, { cache: "no-store" });
  if (!response.ok) throw new Error(`loading the execution failed (${response.status})`);
  return { view: (await response.json()) as ExecutionView, lastEventId: response.headers.get(LAST_EVENT_ID_HEADER) };
}

/**
 * The execution, kept live: the server's delta stream (GET /api/executions/{id}/live, SSE, resumed
 * by the browser with Last-Event-ID after a drop) sends what each batch of events changed — the
 * execution's fields and the tasks they named — and the deltas of one animation frame are merged
 * into the TanStack Query cache at once (lib/canvas/live-merge.ts), so a change costs the tasks it
 * touched, not a read of the whole execution (megabytes for a map of 10,000 items). The whole
 * execution is read again only when a delta says so (a retry, rerun or restart rewrote tasks and
 * history), once when the stream ends, and every 2 s if the stream cannot be held. Once the
 * execution has finished the page still looks every 10 s while it is in view, so a rerun or retry
 * started elsewhere (another operator, the CLI, the API) brings it back to life.
 *
 * `initialEventId` is the last event the server-rendered `initial` view reflects (read before it):
 * the stream starts after it.
 */
export function useLiveExecution(executionId: string, initial: ExecutionView, initialEventId: string | null = null) {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<LiveMode>("connecting");
  // A finished execution's stream ends; when an operator reopens it (retry, rerun), listen again.
  const [generation, setGeneration] = useState(0);
  // The last event merged: where a new stream (a reopened execution) starts.
  const cursor = useRef(initialEventId);
  const queryKey = useMemo(() => ["execution", executionId], [executionId]);
  const query = useQuery({
    queryKey,
    queryFn: async () => {
      const { view, lastEventId } = await fetchExecution(executionId);
      // A whole read older than deltas merged meanwhile would undo them: stream again from its event.
      if (eventIdBefore(lastEventId, cursor.current)) {
        cursor.current = lastEventId;
        setGeneration((g) => g + 1);
      }
      return view;
    },
    initialData: initial,
    refetchInterval: mode === "polling" ? 2000 : mode === "finished" ? FINISHED_RECHECK_MS : false,
  });

  useEffect(() => {
    if (typeof EventSource === "undefined") return; // every browser Flowdeck supports has it
    const after = cursor.current;
    const source = new EventSource(`/api/executions/${executionId}/live${after ? `?after=${after}` : ""}`);
    let pending: ExecutionDelta[] = [];
    let frame: number | null = null;
    const flush = () => {
      frame = null;
      const deltas = pending;
      pending = [];
      const current = queryClient.getQueryData<ExecutionView>(queryKey);
      const merged = current ? mergeExecutionDeltas(current, deltas) : null;
      if (merged) queryClient.setQueryData(queryKey, merged);
      else void queryClient.invalidateQueries({ queryKey });
      cursor.current = deltas[deltas.length - 1]?.lastEventId ?? cursor.current;
    };
    source.onopen = () => setMode("live");
    source.onmessage = (message: MessageEvent<string>) => {
      pending.push(JSON.parse(message.data) as ExecutionDelta);
      frame ??= requestAnimationFrame(flush);
    };
    source.addEventListener("end", () => {
      if (frame !== null) cancelAnimationFrame(frame);
      if (pending.length > 0) flush();
      // The finished execution once in full (its output, and anything no event names).
      void queryClient.invalidateQueries({ queryKey });
      setMode("finished");
      source.close();
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) setMode((current) => (current === "finished" ? current : "polling"));
    };
    return () => {
      if (frame !== null) cancelAnimationFrame(frame);
      source.close();
    };
  }, [executionId, queryClient, queryKey, generation]);

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
