"use client";

import { useEffect, useRef } from "react";
import type { TaskLogLineView } from "@/lib/services/task-logs";
import { cn } from "@/components/ui/cn";
import { MAX_SHOWN_LINES, type LogStreamState } from "@/components/monitor/use-log-stream";

// A log as a terminal-like pane: time, stream and message per line; stderr and errors in red,
// warnings in amber, the truncation marker as a banner. It follows the end while lines arrive,
// unless the reader scrolled up.

/** The reader's local time with milliseconds (lines render only in the browser, after the stream opened). */
const clock = (iso: string) => {
  const date = new Date(iso);
  return `${date.toLocaleTimeString(undefined, { hour12: false })}.${String(date.getMilliseconds()).padStart(3, "0")}`;
};

const STREAM_LABEL: Record<string, string> = { stdout: "out", stderr: "err", worker: "worker", http: "http", engine: "engine" };

function Highlighted({ text, q }: { text: string; q?: string }) {
  if (!q) return <>{text}</>;
  const parts: React.ReactNode[] = [];
  const lower = text.toLowerCase();
  const needle = q.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, from)) {
    parts.push(text.slice(from, at), <mark key={at} className="rounded-sm bg-amber-200 text-zinc-900 dark:bg-amber-500/60 dark:text-zinc-50">{text.slice(at, at + q.length)}</mark>);
    from = at + q.length;
  }
  parts.push(text.slice(from));
  return <>{parts}</>;
}

function LogLine({ line, showTask, q }: { line: TaskLogLineView; showTask: boolean; q?: string }) {
  if (line.truncation) {
    return (
      <div role="note" data-testid="log-truncated" className="my-1 rounded border border-amber-300 bg-amber-50 px-2 py-1 font-sans text-amber-900 dark:border-amber-700 dark:bg-amber-950/60 dark:text-amber-200">
        Truncated: {line.message}
      </div>
    );
  }
  const tone = line.stream === "stderr" || line.level === "error" ? "text-red-700 dark:text-red-400" : line.level === "warn" ? "text-amber-700 dark:text-amber-300" : "text-zinc-800 dark:text-zinc-200";
  return (
    <div className="flex gap-2 whitespace-pre-wrap break-all leading-5" data-stream={line.stream}>
      <time className="shrink-0 select-none text-zinc-500 dark:text-zinc-400" dateTime={line.time} title={line.time}>
        {clock(line.time)}
      </time>
      {showTask ? (
        <span className="shrink-0 text-accent-700 dark:text-accent-300">
          {line.mapIndex >= 0 ? `${line.taskKey}[${line.mapIndex}]` : line.taskKey}#{line.attempt}
        </span>
      ) : null}
      <span className="w-12 shrink-0 select-none text-zinc-500 dark:text-zinc-400">{STREAM_LABEL[line.stream] ?? line.stream}</span>
      <span className={cn("min-w-0", tone)}>
        <Highlighted text={line.message} q={q} />
      </span>
    </div>
  );
}

export function LogLines({
  state,
  showTask = false,
  q,
  empty,
  className,
  label,
}: {
  state: LogStreamState;
  /** Prefix each line with its task and attempt (the execution-wide view). */
  showTask?: boolean;
  q?: string;
  empty: string;
  className?: string;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  useEffect(() => {
    const element = box.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [state.lines]);
  const onScroll = () => {
    const element = box.current;
    if (element) following.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
  };
  return (
    <div className="flex flex-col gap-1">
      <div
        ref={box}
        onScroll={onScroll}
        role="log"
        aria-label={label}
        aria-live="polite"
        tabIndex={0}
        data-testid="log-lines"
        data-phase={state.phase}
        className={cn("overflow-auto rounded-md border border-zinc-200 bg-zinc-50 p-2 font-mono text-[11px] dark:border-zinc-800 dark:bg-zinc-950", className)}
      >
        {state.lines.length === 0 ? (
          <p className="font-sans text-xs text-zinc-500 dark:text-zinc-400">{state.phase === "loading" ? "Loading…" : state.phase === "error" ? "The log could not be loaded." : empty}</p>
        ) : (
          state.lines.map((line) => <LogLine key={line.id} line={line} showTask={showTask} q={q} />)
        )}
      </div>
      <p className="flex items-center justify-between text-[11px] text-zinc-500 dark:text-zinc-400">
        <span>{state.lines.length === 1 ? "1 line" : `${state.lines.length.toLocaleString()} lines`}</span>
        <span data-testid="log-phase">
          {state.capped ? `showing the first ${MAX_SHOWN_LINES.toLocaleString()} lines · ` : ""}
          {state.phase === "live" ? "following" : state.phase === "ended" ? "complete" : ""}
        </span>
      </p>
    </div>
  );
}
