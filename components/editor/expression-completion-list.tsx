"use client";

import { useEffect, useRef } from "react";
import { cn } from "@/components/ui/cn";
import type { ExpressionCompletion } from "@/components/editor/use-expression-completion";

/**
 * The suggestions of an expression field (use-expression-completion.ts), right below it: a listbox
 * the field controls (`aria-activedescendant`), so the focus stays in the field while ↑/↓ move.
 * A press on an option accepts it without taking the focus from the field.
 */
export function ExpressionCompletionList({ completion }: { completion: ExpressionCompletion }) {
  const list = useRef<HTMLUListElement>(null);
  const { open, listId, optionId, accept, setActive } = completion;
  const activeIndex = open?.active ?? -1;
  useEffect(() => {
    if (activeIndex >= 0) list.current?.querySelector(`[data-index="${activeIndex}"]`)?.scrollIntoView({ block: "nearest" });
  }, [activeIndex]);
  if (!open) return null;
  return (
    <div
      className="absolute inset-x-0 top-full z-30 mt-1 overflow-hidden rounded-md border border-zinc-200 bg-white shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
      data-testid="expression-completion"
    >
      <ul ref={list} id={listId} role="listbox" aria-label="Suggestions" className="nodrag max-h-56 overflow-y-auto p-1">
        {open.completions.items.map((item, index) => (
          <li
            key={`${item.label}-${item.insert}`}
            id={optionId(index)}
            data-index={index}
            role="option"
            aria-selected={index === open.active}
            onMouseDown={(event) => {
              event.preventDefault();
              accept(item);
            }}
            onMouseMove={() => {
              if (index !== open.active) setActive(index);
            }}
            className={cn(
              "flex cursor-pointer items-baseline gap-2 rounded px-2 py-1 text-xs",
              index === open.active ? "bg-accent-50 text-accent-700 dark:bg-accent-500/15 dark:text-accent-100" : "text-zinc-800 dark:text-zinc-200",
            )}
          >
            <span className="shrink-0 font-mono">
              <span className="font-semibold">{item.label}</span>
              {/* What Enter adds beyond the name (a task completes to `<key>.output`). */}
              {item.insert.length > item.label.length && item.insert.startsWith(item.label) ? <span className="text-zinc-600 dark:text-zinc-400">{item.insert.slice(item.label.length)}</span> : null}
            </span>
            {item.detail ? <span className="min-w-0 truncate text-zinc-600 dark:text-zinc-400">{item.detail}</span> : null}
          </li>
        ))}
      </ul>
      <p className="border-t border-zinc-100 px-2 py-1 text-[11px] text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">↑↓ to move · Enter or Tab to insert · Esc to close</p>
    </div>
  );
}
