"use client";

import { useCallback } from "react";
import { toast } from "sonner";
import { copyTasks, fragmentToText, parseFragment, pasteFragment } from "@/lib/editor/clipboard";
import type { DraftDefinition } from "@/lib/editor/document";
import type { Selection } from "@/components/editor/use-selection";

const PASTE_OFFSET = { x: 40, y: 40 };

/** A clipboard kept in the page when the browser refuses clipboard access (no permission, http). */
let pageClipboard: string | null = null;

type ClipboardOptions = {
  draft: DraftDefinition;
  /** The selected tasks: what copy and duplicate take. */
  selectedKeys: string[];
  commit: (next: DraftDefinition) => void;
  setSelection: (selection: Selection) => void;
};

/**
 * Copy, paste and duplicate of tasks, as definition JSON on the system clipboard (so they paste
 * into another tab or a text editor), with a page clipboard when the browser refuses access.
 */
export function useClipboard({ draft, selectedKeys, commit, setSelection }: ClipboardOptions) {
  /** Copies the selected tasks; false when none is selected. */
  const copySelection = useCallback(async () => {
    if (selectedKeys.length === 0) return false;
    const text = fragmentToText(copyTasks(draft, selectedKeys));
    pageClipboard = text;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // The page clipboard still has it.
    }
    return true;
  }, [draft, selectedKeys]);

  const pasteText = useCallback(
    (text: string | null) => {
      const fragment = text ? parseFragment(text) : undefined;
      if (!fragment) {
        toast.error("Nothing to paste", { description: "The clipboard holds no Flowdeck tasks (definition JSON with a tasks array)." });
        return;
      }
      const pasted = pasteFragment(draft, fragment, { offset: PASTE_OFFSET });
      commit(pasted.draft);
      setSelection({ nodes: pasted.taskKeys, edges: [] });
    },
    [commit, draft, setSelection],
  );

  /** Pastes the system clipboard's tasks, or the page clipboard's when that is empty or refused. */
  const paste = useCallback(() => {
    navigator.clipboard
      .readText()
      .then((text) => pasteText(text || pageClipboard))
      .catch(() => pasteText(pageClipboard));
  }, [pasteText]);

  const duplicate = useCallback(() => {
    if (selectedKeys.length === 0) return;
    const pasted = pasteFragment(draft, copyTasks(draft, selectedKeys), { offset: PASTE_OFFSET });
    commit(pasted.draft);
    setSelection({ nodes: pasted.taskKeys, edges: [] });
  }, [commit, draft, selectedKeys, setSelection]);

  return { copySelection, paste, duplicate };
}
