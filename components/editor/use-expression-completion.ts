"use client";

import { createContext, useCallback, useContext, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { applyCompletion, expressionCompletions, type CompletionItem, type Completions } from "@/lib/editor/expression-completion";
import type { DraftDefinition } from "@/lib/editor/document";

/** What the inspector's fields complete against: the document and the task being edited (none: the workflow's settings). */
export type CompletionContextValue = { draft: DraftDefinition; taskKey: string | undefined };

export const ExpressionCompletionContext = createContext<CompletionContextValue | null>(null);

type Field = HTMLInputElement | HTMLTextAreaElement;

/** Keys that move the cursor without changing the text: the suggestions follow the cursor. */
const CURSOR_KEYS = new Set(["ArrowLeft", "ArrowRight", "Home", "End", "Backspace", "Delete"]);

export type ExpressionCompletion = {
  /** The suggestions shown, and the one the keyboard is on; null when the list is closed. */
  open: { completions: Completions; active: number } | null;
  listId: string;
  optionId: (index: number) => string;
  accept: (item: CompletionItem) => void;
  setActive: (index: number) => void;
  /** Spread onto the input or textarea (`onChange` stays the field's own: call `follow` from it). */
  fieldProps: {
    ref: (element: Field | null) => void;
    onKeyDown: (event: KeyboardEvent<Field>) => void;
    onKeyUp: (event: KeyboardEvent<Field>) => void;
    onClick: () => void;
    onBlur: () => void;
    "aria-autocomplete"?: "list";
    "aria-controls"?: string;
    "aria-activedescendant"?: string;
  };
  /** Looks for suggestions at the cursor; call it from the field's onChange. */
  follow: () => void;
};

/**
 * Completion for an expression field (lib/editor/expression-completion.ts says what is suggested
 * where): the list opens as you type a `$` path inside `{% … %}`; ↑/↓ move, Enter or Tab accepts,
 * Escape closes; a click on a suggestion accepts it. `field` is the field's path in the task or
 * the workflow (`when`, `params.url`); `onAccept` receives the field's new text.
 */
export function useExpressionCompletion(field: string, enabled: boolean, onAccept: (text: string) => void): ExpressionCompletion {
  const scope = useContext(ExpressionCompletionContext);
  const element = useRef<Field | null>(null);
  const [open, setOpen] = useState<ExpressionCompletion["open"]>(null);
  const pendingCursor = useRef<number | null>(null);
  const listId = useId();
  const active = enabled && scope !== null;

  const follow = useCallback(() => {
    const target = element.current;
    if (!active || !target || target.selectionStart === null || target.selectionStart !== target.selectionEnd) {
      setOpen(null);
      return;
    }
    const found = expressionCompletions(target.value, target.selectionStart, { draft: scope.draft, taskKey: scope.taskKey, field });
    setOpen(found ? { completions: found, active: 0 } : null);
  }, [active, scope, field]);

  const accept = useCallback(
    (item: CompletionItem) => {
      const target = element.current;
      if (!target || !open) return;
      const next = applyCompletion(target.value, open.completions, item);
      pendingCursor.current = next.cursor;
      setOpen(null);
      onAccept(next.text);
    },
    [onAccept, open],
  );

  // After an accepted suggestion re-rendered the field with its new text: the cursor goes after the insert.
  useLayoutEffect(() => {
    const cursor = pendingCursor.current;
    if (cursor === null || !element.current) return;
    pendingCursor.current = null;
    element.current.setSelectionRange(cursor, cursor);
  });

  const onKeyDown = (event: KeyboardEvent<Field>) => {
    if (!open) return;
    const count = open.completions.items.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setOpen({ ...open, active: (open.active + step + count) % count });
    } else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      accept(open.completions.items[open.active]!);
    } else if (event.key === "Escape") {
      // Closes the list only: nothing else (a dialog, the selection) hears this Escape.
      event.preventDefault();
      event.stopPropagation();
      setOpen(null);
    }
  };
  const onKeyUp = (event: KeyboardEvent<Field>) => {
    if (CURSOR_KEYS.has(event.key)) follow();
  };

  const optionId = useCallback((index: number) => `${listId}-option-${index}`, [listId]);
  return {
    open,
    listId,
    optionId,
    accept,
    setActive: (index) => setOpen((current) => (current ? { ...current, active: index } : current)),
    follow,
    fieldProps: {
      ref: (node) => {
        element.current = node;
      },
      onKeyDown,
      onKeyUp,
      onClick: follow,
      onBlur: () => setOpen(null),
      ...(active ? { "aria-autocomplete": "list" as const } : {}),
      ...(open ? { "aria-controls": listId, "aria-activedescendant": optionId(open.active) } : {}),
    },
  };
}
