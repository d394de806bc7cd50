"use client";

import Link from "next/link";
import { Popover } from "radix-ui";
import { GitCompare, History } from "lucide-react";
import { cn } from "@/components/ui/cn";

export type EditorVersion = { version: number; createdAt: string; createdBy: string | null; restoredFrom?: number | null };

function when(iso: string): string {
  return new Date(iso).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" });
}

/** The version list: time and author; each opens in the designer (older ones read-only) or compares with the one shown. */
export function VersionsMenu({ name, versions, current }: { name: string; versions: EditorVersion[]; current?: number }) {
  const base = `/workflows/${encodeURIComponent(name)}`;
  const latest = versions[0]?.version;
  return (
    <Popover.Root>
      <Popover.Trigger className="inline-flex h-8 items-center gap-1.5 rounded-md px-3 text-sm font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100">
        <History className="size-4" aria-hidden /> Versions
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="end" sideOffset={6} className="z-50 w-80 rounded-lg border border-zinc-200 bg-white py-1 shadow-lg dark:border-zinc-800 dark:bg-zinc-900" aria-label="Versions">
          <p className="px-3 py-1.5 text-[11px] font-semibold uppercase tracking-wide text-zinc-500">Versions</p>
          <ol className="max-h-80 overflow-y-auto">
            {versions.map((v) => (
              <li key={v.version} className={cn("flex items-center gap-2 px-3 py-1.5 text-sm", v.version === current && "bg-accent-50/70 dark:bg-accent-700/15")}>
                <Link href={v.version === latest ? `${base}/edit` : `${base}/edit?version=${v.version}`} className="font-medium tabular-nums hover:text-accent-600">
                  v{v.version}
                </Link>
                <span className="min-w-0 flex-1 truncate text-xs text-zinc-500">
                  {when(v.createdAt)} · {v.createdBy ?? "unknown"}
                  {v.restoredFrom ? ` · restores v${v.restoredFrom}` : ""}
                </span>
                {current !== undefined && v.version !== current ? (
                  <Link
                    href={`${base}/diff?from=${Math.min(v.version, current)}&to=${Math.max(v.version, current)}`}
                    className="inline-flex items-center gap-1 text-xs text-zinc-500 hover:text-accent-600"
                    title={`Compare v${v.version} with v${current}`}
                  >
                    <GitCompare className="size-3.5" aria-hidden /> diff
                  </Link>
                ) : null}
              </li>
            ))}
          </ol>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
