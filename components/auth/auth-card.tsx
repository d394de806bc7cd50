import type { ReactNode } from "react";
import { BrandMark } from "@/components/brand-mark";

/** The centred card of the sign-in and setup pages (shown without the app's sidebar). */
export function AuthCard({ title, description, children }: { title: string; description: ReactNode; children: ReactNode }) {
  return (
    <div className="flex min-h-screen items-center justify-center bg-zinc-50 px-4 dark:bg-zinc-950">
      <div className="w-full max-w-sm rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mb-6 flex items-center gap-2">
          <BrandMark />
          <span className="text-base font-semibold tracking-tight">Flowdeck</span>
        </div>
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        <div className="mt-1 mb-6 text-sm text-zinc-500 dark:text-zinc-400">{description}</div>
        {children}
      </div>
    </div>
  );
}

export const INPUT =
  "h-9 w-full rounded-md border border-zinc-300 bg-white px-3 text-sm outline-none focus-visible:border-accent-500 focus-visible:ring-2 focus-visible:ring-accent-500/30 dark:border-zinc-700 dark:bg-zinc-950";

/** A labelled input; the hint sits outside the label, so the input's accessible name is the label alone. */
export function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    <div className="flex flex-col gap-1">
      <label className="flex flex-col gap-1.5 text-sm font-medium text-zinc-700 dark:text-zinc-200">
        {label}
        {children}
      </label>
      {hint ? <span className="text-xs text-zinc-500 dark:text-zinc-400">{hint}</span> : null}
    </div>
  );
}

export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" data-testid="form-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-300">
      {message}
    </p>
  );
}
