"use client";

import { useEffect } from "react";

type Shortcuts = {
  readOnly: boolean;
  /** Whether tasks are selected (copy and cut need some). */
  hasSelection: boolean;
  save: () => void;
  undo: () => void;
  redo: () => void;
  copy: () => void;
  /** Removes the selected tasks (after `copy`, for cut). */
  removeSelection: () => void;
  paste: () => void;
  duplicate: () => void;
  selectAll: () => void;
};

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/**
 * The designer's Ctrl/Cmd shortcuts: S saves everywhere; Z, Shift+Z or Y, C, X, V, D and A act on
 * the canvas unless the focus is in a field (where they keep their text meaning) or it is read-only.
 */
export function useEditorShortcuts({ readOnly, hasSelection, save, undo, redo, copy, removeSelection, paste, duplicate, selectAll }: Shortcuts) {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const mod = event.metaKey || event.ctrlKey;
      if (!mod) return;
      const key = event.key.toLowerCase();
      if (key === "s") {
        event.preventDefault();
        save();
        return;
      }
      if (isTypingTarget(event.target) || readOnly) return;
      if (key === "z" && !event.shiftKey) {
        event.preventDefault();
        undo();
      } else if ((key === "z" && event.shiftKey) || key === "y") {
        event.preventDefault();
        redo();
      } else if (key === "c" || key === "x") {
        if (!hasSelection) return;
        event.preventDefault();
        copy();
        if (key === "x") removeSelection();
      } else if (key === "v") {
        event.preventDefault();
        paste();
      } else if (key === "d") {
        event.preventDefault();
        duplicate();
      } else if (key === "a") {
        event.preventDefault();
        selectAll();
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [readOnly, hasSelection, save, undo, redo, copy, removeSelection, paste, duplicate, selectAll]);
}
