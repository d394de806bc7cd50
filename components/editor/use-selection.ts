"use client";

import { useMemo, useState } from "react";
import type { DraftDefinition } from "@/lib/editor/document";

/** The selected tasks (node ids are task keys) and edges of the canvas. */
export type Selection = { nodes: string[]; edges: string[] };
export const NO_SELECTION: Selection = { nodes: [], edges: [] };

/** The canvas selection. Undo can remove selected tasks: a selection only ever names tasks that exist. */
export function useSelection(draft: DraftDefinition) {
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const taskKeys = useMemo(() => new Set(draft.tasks.map((task) => task.key)), [draft.tasks]);
  if (selection.nodes.some((key) => !taskKeys.has(key))) {
    setSelection({ nodes: selection.nodes.filter((key) => taskKeys.has(key)), edges: [] });
  }
  return [selection, setSelection] as const;
}
