"use client";

import { Check, Copy } from "lucide-react";
import { useState } from "react";

/** JSON shown readably (2-space indent, wrapped), with a copy button. */
export function JsonView({ value, label, empty = "—" }: { value: unknown; label: string; empty?: string }) {
  const [copied, setCopied] = useState(false);
  const text = value === null || value === undefined ? null : JSON.stringify(value, null, 2);
  return (
    <section aria-label={label} className="min-w-0">
      <div className="mb-1 flex items-center justify-between">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">{label}</h3>
        {text ? (
          <button
            type="button"
            className="inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800 dark:hover:bg-zinc-800 dark:hover:text-zinc-200"
            onClick={() => {
              void navigator.clipboard?.writeText(text).then(() => {
                setCopied(true);
                setTimeout(() => setCopied(false), 1200);
              });
            }}
          >
            {copied ? <Check className="size-3" aria-hidden /> : <Copy className="size-3" aria-hidden />}
            {copied ? "Copied" : "Copy"}
          </button>
        ) : null}
      </div>
      {text ? (
        <pre className="max-h-72 overflow-auto rounded-md bg-zinc-50 p-2 font-mono text-[11px] leading-relaxed break-all whitespace-pre-wrap text-zinc-800 dark:bg-zinc-950 dark:text-zinc-200">
          {text}
        </pre>
      ) : (
        <p className="text-xs text-zinc-500 dark:text-zinc-400">{empty}</p>
      )}
    </section>
  );
}
