"use client";

import { EditorDialog } from "@/components/editor/dialogs";
import { EDITOR_SHORTCUTS } from "@/components/editor/use-editor-shortcuts";

/** The designer's keyboard shortcuts (opened with `?`), from the list the shortcut handler implements. */
export function ShortcutsDialog({ open, onOpenChange, readOnly }: { open: boolean; onOpenChange: (open: boolean) => void; readOnly: boolean }) {
  return (
    <EditorDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Keyboard shortcuts"
      description={readOnly ? "This version is read-only: only the shortcuts that do not edit apply." : "Shortcuts act on the canvas; in a field, keys keep their usual meaning."}
    >
      <table className="w-full text-sm" aria-label="Keyboard shortcuts">
        <tbody>
          {EDITOR_SHORTCUTS.filter((shortcut) => !(readOnly && shortcut.editsOnly)).map((shortcut) => (
            <tr key={shortcut.what} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
              <td className="py-1.5 pr-4 whitespace-nowrap">
                {shortcut.keys.map((key, index) => (
                  <span key={key}>
                    {index > 0 ? <span className="px-0.5 text-zinc-500 dark:text-zinc-400">+</span> : null}
                    <kbd className="rounded border border-zinc-300 bg-zinc-50 px-1.5 py-0.5 font-mono text-xs text-zinc-700 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-200">
                      {key}
                    </kbd>
                  </span>
                ))}
              </td>
              <td className="py-1.5 text-zinc-700 dark:text-zinc-300">{shortcut.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </EditorDialog>
  );
}
