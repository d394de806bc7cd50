"use client";

import { useCallback, useEffect, type RefObject } from "react";
import { toast } from "sonner";
import { layoutPositionsInBrowser, warmUpAutoLayout } from "@/lib/canvas/auto-layout-client";
import type { LayoutGraph } from "@/lib/canvas/layout-options";
import { asDefinition, setLayout, type DraftDefinition } from "@/lib/editor/document";
import { definitionToFlow } from "@/lib/canvas/definition-to-flow";
import type { EditorBusy } from "@/components/editor/editor-toolbar";

type AutoLayoutOptions = {
  /** The document's graph, as the canvas draws it. */
  graph: LayoutGraph;
  latestDraft: RefObject<DraftDefinition>;
  commit: (next: DraftDefinition) => void;
  readOnly: boolean;
  setBusy: (busy: EditorBusy | null) => void;
  /** The tasks moved: show them. */
  onPlaced: () => void;
};

/** The Layout button: places every task left to right with ELK (in a worker), as one undo step. */
export function useAutoLayout({ graph, latestDraft, commit, readOnly, setBusy, onPlaced }: AutoLayoutOptions) {
  // Load the layout worker while the page is idle (a read-only view has no Layout button).
  useEffect(() => {
    if (readOnly) return;
    const idle = window.requestIdleCallback ?? ((callback: () => void) => window.setTimeout(callback, 200));
    idle(() => warmUpAutoLayout());
  }, [readOnly]);

  return useCallback(async () => {
    if (graph.nodes.length === 0) return;
    setBusy("layout");
    try {
      const positions = await layoutPositionsInBrowser(graph);
      // ELK's worker may take a moment: place the tasks of the document as it is now.
      commit(setLayout(latestDraft.current, positions));
      onPlaced();
    } catch (error) {
      toast.error("Layout failed", { description: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(null);
    }
  }, [commit, graph, latestDraft, onPlaced, setBusy]);
}

/**
 * The draft with a position for every task: tasks without one (an imported file that carries no
 * layout, or only part of one) are placed by the auto-layout, and the others keep theirs; without
 * this they would all stack on one spot. A draft whose tasks are all placed is returned as it is.
 */
export async function withPlacedTasks(draft: DraftDefinition): Promise<DraftDefinition> {
  const unplaced = draft.tasks.filter((task) => !draft.layout?.[task.key]);
  if (unplaced.length === 0) return draft;
  let positions: Record<string, { x: number; y: number }>;
  try {
    positions = await layoutPositionsInBrowser(definitionToFlow(asDefinition(draft)));
  } catch (error) {
    toast.warning("Imported without placing the new cards", { description: `The auto-layout failed (${error instanceof Error ? error.message : String(error)}); press Layout to place them.` });
    return draft;
  }
  const missing = Object.fromEntries(unplaced.flatMap((task) => (positions[task.key] ? [[task.key, positions[task.key]!]] : [])));
  return setLayout(draft, missing);
}
