import type { ReactNode } from "react";

export const FIELD = "h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-950";
export const TH = "px-3 py-2 text-left text-xs font-medium text-zinc-600 dark:text-zinc-300";
export const TD = "px-3 py-2 align-middle";

export function Section({ title, description, children }: { title: string; description: ReactNode; children: ReactNode }) {
  return (
    <section aria-label={title} className="rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <header className="border-b border-zinc-200 px-5 py-4 dark:border-zinc-800">
        <h2 className="text-base font-semibold">{title}</h2>
        <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-300">{description}</p>
      </header>
      <div className="flex flex-col gap-4 p-5">{children}</div>
    </section>
  );
}

export function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC" : "—";
}
