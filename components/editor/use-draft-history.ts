"use client";

import { useCallback, useEffect, useReducer, useRef } from "react";
import type { WorkflowDefinition } from "@/lib/workflow";
import { createHistory, historyReducer } from "@/lib/editor/history";
import { asDraft, type DraftDefinition } from "@/lib/editor/document";

/**
 * The document being edited and its undo history. `latestDraft` is the document as it is now, for
 * callbacks that finish later (a layout from ELK's worker) and must not place an older one.
 */
export function useDraftHistory(initial: WorkflowDefinition | undefined, readOnly: boolean) {
  const [history, dispatch] = useReducer(
    historyReducer<DraftDefinition>,
    undefined,
    () => createHistory<DraftDefinition>(initial ? asDraft(initial) : { name: "", tasks: [], layout: {} }),
  );
  const draft = history.present;

  const latestDraft = useRef(draft);
  useEffect(() => {
    latestDraft.current = draft;
  }, [draft]);

  /** A change to the document; changes with the same `coalesceKey` in a row make one undo step. */
  const commit = useCallback(
    (next: DraftDefinition, coalesceKey?: string) => {
      if (readOnly) return;
      dispatch({ type: "commit", present: next, coalesceKey, at: Date.now() });
    },
    [readOnly],
  );
  const undo = useCallback(() => dispatch({ type: "undo" }), []);
  const redo = useCallback(() => dispatch({ type: "redo" }), []);

  return { history, draft, latestDraft, commit, undo, redo };
}
