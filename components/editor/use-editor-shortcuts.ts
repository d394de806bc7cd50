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
  /** Opens the list of shortcuts (`?`). */
  showHelp: () => void;
};

/** Every shortcut of the designer, as the help dialog (`?`) lists them; the handler below implements these. */
export const EDITOR_SHORTCUTS: readonly { keys: string[]; what: string; editsOnly?: boolean }[] = [
  { keys: ["Ctrl/⌘", "S"], what: "Save as a new version" },
  { keys: ["Ctrl/⌘", "Z"], what: "Undo", editsOnly: true },
  { keys: ["Ctrl/⌘", "Shift", "Z"], what: "Redo (also Ctrl/⌘ Y)", editsOnly: true },
  { keys: ["Ctrl/⌘", "C"], what: "Copy the selected tasks", editsOnly: true },
  { keys: ["Ctrl/⌘", "X"], what: "Cut the selected tasks", editsOnly: true },
  { keys: ["Ctrl/⌘", "V"], what: "Paste tasks", editsOnly: true },
  { keys: ["Ctrl/⌘", "D"], what: "Duplicate the selected tasks", editsOnly: true },
  { keys: ["Ctrl/⌘", "A"], what: "Select every task", editsOnly: true },
  { keys: ["Delete"], what: "Delete the selected tasks or connections (also Backspace)", editsOnly: true },
  { keys: ["Shift", "drag"], what: "Select several tasks with a box" },
  { keys: ["Shift", "click"], what: "Add a task to the selection (also Ctrl/⌘ click)" },
  { keys: ["Ctrl/⌘", "K"], what: "Find a task by key, name or type, and jump to it (also Ctrl/⌘ F on the canvas)" },
  { keys: ["?"], what: "Show these shortcuts" },
];

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/**
 * The designer's Ctrl/Cmd shortcuts: S saves everywhere; Z, Shift+Z or Y, C, X, V, D and A act on
 * the canvas unless the focus is in a field (where they keep their text meaning) or it is read-only.
 * `?` outside a field lists them (EDITOR_SHORTCUTS).
 */
export function useEditorShortcuts({ readOnly, hasSelection, save, undo, redo, copy, removeSelection, paste, duplicate, selectAll, showHelp }: Shortcuts) {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const mod = event.metaKey || event.ctrlKey;
      if (event.key === "?" && !mod && !event.altKey && !isTypingTarget(event.target)) {
        event.preventDefault();
        showHelp();
        return;
      }
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
  }, [readOnly, hasSelection, save, undo, redo, copy, removeSelection, paste, duplicate, selectAll, showHelp]);
}
