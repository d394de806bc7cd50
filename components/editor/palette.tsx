"use client";

import { useState } from "react";
import { Search } from "lucide-react";
import { taskTypesByGroup, type TaskType } from "@/lib/workflow";
import { TASK_TYPE_VISUAL } from "@/components/graph/task-type-visual";
import { INPUT_CLASS } from "@/components/editor/fields";
import { cn } from "@/components/ui/cn";

/** The MIME type a palette item carries while dragged onto the canvas. */
export const TASK_TYPE_MIME = "application/x-flowdeck-task-type";

const GROUPS = taskTypesByGroup();

/** Every task type, grouped and searchable; drag one onto the canvas, or click to add it next to the selection. */
export function Palette({ onAdd, disabled }: { onAdd: (type: TaskType) => void; disabled?: boolean }) {
  const [query, setQuery] = useState("");
  const needle = query.trim().toLowerCase();
  const groups = GROUPS.map(({ group, types }) => ({
    group,
    types: types.filter(
      (info) => needle === "" || `${info.type} ${info.label} ${info.description} ${group}`.toLowerCase().includes(needle),
    ),
  })).filter(({ types }) => types.length > 0);
  return (
    <aside aria-label="Task palette" data-canvas-cover className="flex w-60 shrink-0 flex-col border-r border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div className="border-b border-zinc-200 p-3 dark:border-zinc-800">
        <div className="relative">
          <Search className="pointer-events-none absolute top-1/2 left-2 size-3.5 -translate-y-1/2 text-zinc-400" aria-hidden />
          <input
            type="search"
            aria-label="Search task types"
            placeholder="Search task types"
            className={cn(INPUT_CLASS, "pl-7")}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        </div>
      </div>
      <div className="flex-1 overflow-y-auto px-2 py-2">
        {groups.length === 0 ? <p className="px-2 py-4 text-xs text-zinc-500">No task type matches “{query}”.</p> : null}
        {groups.map(({ group, types }) => (
          <section key={group} className="mb-3">
            <h3 className="px-2 pb-1 text-[10px] font-semibold uppercase tracking-wider text-zinc-500 dark:text-zinc-400">{group}</h3>
            <ul className="flex flex-col gap-0.5">
              {types.map((info) => {
                const visual = TASK_TYPE_VISUAL[info.type];
                const Icon = visual.icon;
                return (
                  <li key={info.type}>
                    <button
                      type="button"
                      draggable={!disabled}
                      disabled={disabled}
                      data-palette-type={info.type}
                      title={`${info.description} — drag onto the canvas, or click to add`}
                      onDragStart={(event) => {
                        event.dataTransfer.setData(TASK_TYPE_MIME, info.type);
                        event.dataTransfer.setData("text/plain", info.type);
                        event.dataTransfer.effectAllowed = "copy";
                      }}
                      onClick={() => onAdd(info.type)}
                      className="flex w-full cursor-grab items-center gap-2.5 rounded-md px-2 py-1.5 text-left hover:bg-zinc-100 active:cursor-grabbing disabled:cursor-not-allowed disabled:opacity-50 dark:hover:bg-zinc-800"
                    >
                      <span className={`flex size-7 shrink-0 items-center justify-center rounded-md ${visual.iconTone}`}>
                        <Icon className="size-3.5" aria-hidden />
                      </span>
                      <span className="min-w-0">
                        <span className="block text-[13px] font-medium text-zinc-800 dark:text-zinc-100">{info.label}</span>
                        <span className="block truncate text-[11px] text-zinc-500">{info.description}</span>
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
      </div>
      <p className="border-t border-zinc-200 px-3 py-2 text-[11px] leading-snug text-zinc-500 dark:border-zinc-800">
        Drag a type onto the canvas or click it. Connect a card&apos;s right handle to another&apos;s left.
      </p>
    </aside>
  );
}
