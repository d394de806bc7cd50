"use client";

import { RelativeTime } from "@/components/ui/relative-time";
import { useNow } from "@/components/ui/use-now";

/**
 * A RelativeTime that keeps itself true while the page stays open ("started 2 minutes ago", not
 * "just now" forever); it renders the server's text first, so hydration matches.
 */
export function LiveRelativeTime({ iso, serverNow }: { iso: string; serverNow: number }) {
  const now = useNow(serverNow, true, 5000);
  return <RelativeTime iso={iso} now={now} />;
}
