"use client";

import { useEffect, useState } from "react";

/**
 * The clock for durations and relative times, starting at `initialNow` — the server's request
 * time — so the server's HTML and the browser's first render show the same text (reading
 * Date.now() in the first render gave React's hydration error #418 on every running execution).
 * While `active`, it ticks every `intervalMs`.
 */
export function useNow(initialNow: number, active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(initialNow);
  useEffect(() => {
    if (!active) return;
    const tick = () => setNow(Date.now());
    // At once after hydration (the page may have been rendered a while ago), then on the interval.
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, intervalMs);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [active, intervalMs]);
  return now;
}
