"use client";

import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { createReplay, type ReplayEvent, type ReplayMoment } from "@/lib/canvas/replay";

/** The events API's page size (listExecutionEvents). */
const PAGE = 1000;
export const REPLAY_SPEEDS = [1, 10, 100] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];
/** While playing, a quiet stretch of the history longer than this (in real time at the chosen speed) is skipped. */
const MAX_IDLE_MS = 1000;

async function fetchEventsAfter(executionId: string, after: string | null, signal: AbortSignal): Promise<ReplayEvent[]> {
  const all: ReplayEvent[] = [];
  let cursor = after;
  for (;;) {
    const query = cursor ? `?after=${cursor}` : "";
    const response = await fetch(`/api/executions/${encodeURIComponent(executionId)}/events${query}`, { cache: "no-store", signal });
    if (!response.ok) throw new Error(`loading the event history failed (${response.status})`);
    const page = ((await response.json()) as { events: ReplayEvent[] }).events;
    all.push(...page);
    if (page.length < PAGE) return all;
    cursor = page[page.length - 1]!.id;
  }
}

/** The scrubber's state: live (following the live view) or a moment of the history. */
export type ReplayControls = {
  /** Events loaded so far (the slider's maximum). */
  length: number;
  /** The slider's position: events applied; `length` when live. */
  count: number;
  live: boolean;
  /** The moment shown, or null while live (the view then draws the live execution). */
  moment: ReplayMoment | null;
  playing: boolean;
  speed: ReplaySpeed;
  error: string | null;
  seek(count: number): void;
  step(delta: -1 | 1): void;
  goLive(): void;
  togglePlay(): void;
  setSpeed(speed: ReplaySpeed): void;
};

/**
 * The history of one execution for the replay scrubber: all of its events (paged from
 * GET /api/executions/{id}/events, then only the new ones each time the live view changes,
 * `revision`), folded once into checkpoints (lib/canvas/replay.ts), so a drag computes one moment
 * from the nearest checkpoint. At the end the scrubber is live. The URL's `?at=<event id>` is kept in
 * step with window.history.replaceState (no navigation, no server render).
 */
export function useReplay({ executionId, revision, taskTypes, initialAt }: { executionId: string; revision: string; taskTypes: Readonly<Record<string, string>>; initialAt: string | null }): ReplayControls {
  const [events, setEvents] = useState<ReplayEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [position, setPosition] = useState<number | "live">("live");
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<ReplaySpeed>(10);
  const pendingAt = useRef(initialAt);
  const lastId = events.length > 0 ? events[events.length - 1]!.id : null;

  useEffect(() => {
    const controller = new AbortController();
    fetchEventsAfter(executionId, lastId, controller.signal)
      .then((more) => {
        if (more.length > 0) setEvents((current) => ((current[current.length - 1]?.id ?? null) === lastId ? [...current, ...more] : current));
      })
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError((caught as Error).message);
      });
    return () => controller.abort();
    // `revision` is the live view's: read what was added whenever it changes.
  }, [executionId, revision, lastId]);

  const replay = useMemo(() => createReplay(events, { taskTypes }), [events, taskTypes]);

  // A shared ?at= is applied once the history it names is loaded.
  useEffect(() => {
    if (pendingAt.current === null || events.length === 0) return;
    const count = replay.countUpTo(pendingAt.current);
    pendingAt.current = null;
    if (count !== null && count < replay.length) setTimeout(() => setPosition(count), 0);
  }, [replay, events.length]);

  const live = position === "live" || position >= replay.length;
  const count = live ? replay.length : (position as number);
  // The slider moves at once; the graph follows in a deferred render, which React drops for a newer
  // position while a drag outruns it (so a slow frame never queues a backlog of moments).
  const shown = useDeferredValue(live ? null : count);
  const moment = useMemo(() => (live || shown === null ? null : replay.stateAt(shown)), [live, replay, shown]);

  // The player: a clock in history time, advanced each frame by the elapsed time × speed.
  const clock = useRef<number | null>(null);
  const countRef = useRef(count);
  useEffect(() => {
    countRef.current = live ? replay.length : count;
  }, [count, live, replay.length]);

  const seek = useCallback((next: number) => {
    clock.current = null;
    setPosition(next >= replay.length ? "live" : Math.max(0, Math.floor(next)));
  }, [replay.length]);
  const step = useCallback((delta: -1 | 1) => {
    setPlaying(false);
    seek(count + delta);
  }, [count, seek]);
  const goLive = useCallback(() => {
    setPlaying(false);
    setPosition("live");
  }, []);
  const togglePlay = useCallback(() => {
    clock.current = null;
    if (!playing && live) {
      countRef.current = 0;
      setPosition(0); // play from the start
    }
    setPlaying(!playing);
  }, [playing, live]);

  useEffect(() => {
    if (!playing) return;
    const times = replay.times;
    let handle = 0;
    let last = performance.now();
    const tick = (frameAt: number) => {
      const elapsed = frameAt - last;
      last = frameAt;
      const at = countRef.current;
      if (at >= replay.length) {
        setPlaying(false);
        setPosition("live");
        return;
      }
      let historyAt = (clock.current ?? (at > 0 ? times[at - 1]! : times[0]!)) + elapsed * speed;
      // Skip a quiet stretch (a retry's backoff, the hours before a rerun) instead of waiting through it.
      if (times[at]! - historyAt > MAX_IDLE_MS * speed) historyAt = times[at]!;
      clock.current = historyAt;
      let next = at;
      while (next < replay.length && times[next]! <= historyAt) next++;
      if (next !== at) {
        countRef.current = next;
        setPosition(next >= replay.length ? "live" : next);
      }
      handle = requestAnimationFrame(tick);
    };
    handle = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(handle);
  }, [playing, replay, speed]);

  // ?at=<event id> follows the scrubber (debounced; replaceState neither navigates nor renders on the server).
  const atId = live ? null : count === 0 ? "0" : events[count - 1]!.id;
  useEffect(() => {
    const timer = setTimeout(() => {
      if (pendingAt.current !== null) return; // a shared ?at= not applied yet: keep it
      const url = new URL(window.location.href);
      if ((url.searchParams.get("at") ?? null) === atId) return;
      if (atId === null) url.searchParams.delete("at");
      else url.searchParams.set("at", atId);
      window.history.replaceState(window.history.state, "", url);
    }, 150);
    return () => clearTimeout(timer);
  }, [atId]);

  return { length: replay.length, count, live, moment, playing, speed, error, seek, step, goLive, togglePlay, setSpeed };
}
