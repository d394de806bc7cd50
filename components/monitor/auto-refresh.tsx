"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

/** Re-renders the server page every few seconds (a list of many executions, cheap to re-query). */
export function AutoRefresh({ intervalMs }: { intervalMs: number }) {
  const router = useRouter();
  const [on, setOn] = useState(true);
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => router.refresh(), intervalMs);
    return () => clearInterval(timer);
  }, [on, intervalMs, router]);
  return (
    <label className="flex items-center gap-2 text-xs text-zinc-500">
      <input type="checkbox" checked={on} onChange={(event) => setOn(event.target.checked)} />
      Auto-refresh
    </label>
  );
}
