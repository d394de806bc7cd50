"use client";

import { ChevronLeft, ChevronRight, Pause, Play, Radio } from "lucide-react";
import { formatUtc } from "@/lib/canvas/execution-overlay";
import { REPLAY_SPEEDS, type ReplayControls } from "@/components/monitor/use-replay";
import { cn } from "@/components/ui/cn";

/** "TASK_RETRY_SCHEDULED" → "Task retry scheduled". */
function eventLabel(type: string): string {
  const words = type.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const iconButton =
  "inline-flex size-7 items-center justify-center rounded-md border border-zinc-200 text-zinc-700 hover:bg-zinc-50 disabled:opacity-40 dark:border-zinc-700 dark:text-zinc-200 dark:hover:bg-zinc-800";

/**
 * The replay scrubber under the execution graph: a slider over the event history (drag, or the
 * arrow keys), previous / next event, play / pause at 1×, 10× or 100× the history's own pace, and
 * "Live" to follow the live view again. The slider's right end is live.
 */
export function ReplayBar({ controls }: { controls: ReplayControls }) {
  const { length, count, live, moment, playing, speed, error } = controls;
  const event = moment?.event ?? null;
  const description = live
    ? `Live: ${length} event${length === 1 ? "" : "s"}`
    : event
      ? `Event ${count} of ${length}: ${eventLabel(event.type)}${event.taskKey ? ` ${event.taskKey}${event.mapIndex !== null && event.mapIndex >= 0 ? `[${event.mapIndex}]` : ""}` : ""}, ${formatUtc(event.createdAt)}`
      : `Before the first event (0 of ${length})`;
  return (
    <div className="flex flex-wrap items-center gap-2 border-t border-zinc-100 px-4 py-2 dark:border-zinc-800" role="group" aria-label="Replay" data-testid="replay-bar" data-live={live} data-count={count}>
      <button type="button" className={iconButton} onClick={() => controls.step(-1)} disabled={count === 0 || length === 0} aria-label="Previous event" title="Previous event">
        <ChevronLeft className="size-4" aria-hidden />
      </button>
      <button type="button" className={iconButton} onClick={controls.togglePlay} disabled={length === 0} aria-label={playing ? "Pause replay" : "Play replay"} title={playing ? "Pause" : "Play"}>
        {playing ? <Pause className="size-4" aria-hidden /> : <Play className="size-4" aria-hidden />}
      </button>
      <button type="button" className={iconButton} onClick={() => controls.step(1)} disabled={live} aria-label="Next event" title="Next event">
        <ChevronRight className="size-4" aria-hidden />
      </button>
      <input
        type="range"
        min={0}
        max={length}
        step={1}
        value={count}
        disabled={length === 0}
        onChange={(change) => controls.seek(Number(change.target.value))}
        aria-label="Replay position"
        aria-valuetext={description}
        className="h-2 min-w-40 flex-1 cursor-pointer accent-accent-600"
        data-testid="replay-slider"
      />
      <div role="radiogroup" aria-label="Replay speed" className="flex overflow-hidden rounded-md border border-zinc-200 dark:border-zinc-700">
        {REPLAY_SPEEDS.map((value) => (
          <button
            key={value}
            type="button"
            role="radio"
            aria-checked={speed === value}
            onClick={() => controls.setSpeed(value)}
            className={cn("px-2 py-0.5 text-xs font-medium tabular-nums", speed === value ? "bg-zinc-800 text-white dark:bg-zinc-200 dark:text-zinc-900" : "text-zinc-700 hover:bg-zinc-50 dark:text-zinc-300 dark:hover:bg-zinc-800")}
          >
            {value}×
          </button>
        ))}
      </div>
      <button
        type="button"
        onClick={controls.goLive}
        disabled={live}
        className={cn("inline-flex items-center gap-1 rounded-md border px-2 py-0.5 text-xs font-medium", live ? "border-emerald-300 text-emerald-800 dark:border-emerald-700 dark:text-emerald-300" : "border-zinc-200 text-zinc-700 hover:bg-zinc-50 dark:border-zinc-700 dark:text-zinc-200 dark:hover:bg-zinc-800")}
      >
        <Radio className="size-3.5" aria-hidden />
        Live
      </button>
      <p className="basis-full text-xs text-zinc-600 tabular-nums dark:text-zinc-400" aria-live={playing ? "off" : "polite"} data-testid="replay-moment">
        {error ? <span className="text-red-700" role="alert">{error}</span> : description}
        {!live ? <span className="ml-2 text-zinc-500">· replaying: actions are in the live view</span> : null}
      </p>
    </div>
  );
}
