"use client";

import { Dialog } from "radix-ui";
import { Search } from "lucide-react";
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { findTasks, type SearchableTask } from "@/lib/canvas/find-tasks";
import { cn } from "@/components/ui/cn";

/** Options drawn at once; typing narrows the rest. @default 50 */
const SHOWN = 50;

/**
 * "Find a task" (Ctrl/⌘+K, or Ctrl/⌘+F on the canvas; see use-node-search.ts): a combobox over the
 * graph's tasks filtered by key, name and type (lib/canvas/find-tasks.ts). Arrow keys move, Enter
 * or a click picks, Escape closes.
 */
export function NodeSearch({ open, onOpenChange, tasks, onPick }: { open: boolean; onOpenChange: (open: boolean) => void; tasks: readonly SearchableTask[]; onPick: (key: string) => void }) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/20" />
        <Dialog.Content
          aria-describedby={undefined}
          className="fixed top-24 left-1/2 z-50 w-[min(32rem,calc(100vw-2rem))] -translate-x-1/2 overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-xl dark:border-zinc-700 dark:bg-zinc-900"
        >
          <Dialog.Title className="sr-only">Find a task</Dialog.Title>
          {open ? <SearchBody tasks={tasks} onPick={(key) => { onOpenChange(false); onPick(key); }} /> : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function SearchBody({ tasks, onPick }: { tasks: readonly SearchableTask[]; onPick: (key: string) => void }) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const listId = useId();
  const list = useRef<HTMLUListElement>(null);
  const found = useMemo(() => findTasks(tasks, query), [tasks, query]);
  const shown = found.slice(0, SHOWN);
  const current = Math.min(active, shown.length - 1);
  useEffect(() => {
    list.current?.querySelector(`[data-index="${current}"]`)?.scrollIntoView({ block: "nearest" });
  }, [current]);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((Math.max(current, 0) + step + shown.length) % Math.max(shown.length, 1));
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      setActive(event.key === "Home" ? 0 : shown.length - 1);
    } else if (event.key === "Enter" && shown[current]) {
      event.preventDefault();
      onPick(shown[current].taskKey);
    }
  };
  const optionId = (index: number) => `${listId}-${index}`;
  return (
    <>
      <div className="flex items-center gap-2 border-b border-zinc-200 px-3 dark:border-zinc-700">
        <Search className="size-4 shrink-0 text-zinc-500" aria-hidden />
        <input
          autoFocus
          role="combobox"
          aria-label="Find a task by key, name or type"
          aria-expanded
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={shown[current] ? optionId(current) : undefined}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          placeholder="Find a task by key, name or type…"
          className="h-11 w-full bg-transparent text-sm outline-none placeholder:text-zinc-500"
        />
      </div>
      <ul ref={list} id={listId} role="listbox" aria-label="Tasks" className="max-h-80 overflow-y-auto p-1">
        {shown.map((task, index) => (
          <li
            key={task.taskKey}
            id={optionId(index)}
            data-index={index}
            role="option"
            aria-selected={index === current}
            onMouseMove={() => setActive(index)}
            onClick={() => onPick(task.taskKey)}
            className={cn("flex cursor-pointer items-baseline gap-2 rounded-md px-2.5 py-1.5 text-sm", index === current ? "bg-zinc-100 dark:bg-zinc-800" : null)}
          >
            <span className="font-mono text-xs font-semibold text-zinc-900 dark:text-zinc-100">{task.taskKey}</span>
            {task.label !== task.taskKey ? <span className="truncate text-zinc-700 dark:text-zinc-300">{task.label}</span> : null}
            <span className="ml-auto shrink-0 text-xs text-zinc-600 dark:text-zinc-400">{task.taskType}</span>
          </li>
        ))}
      </ul>
      <p className="border-t border-zinc-200 px-3 py-1.5 text-xs text-zinc-600 dark:border-zinc-700 dark:text-zinc-400" aria-live="polite">
        {found.length === 0 ? "No task matches." : found.length > SHOWN ? `${SHOWN} of ${found.length} shown; type to narrow.` : `${found.length} task${found.length === 1 ? "" : "s"}`} · ↑↓ to move, Enter to go
      </p>
    </>
  );
}
