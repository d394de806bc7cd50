"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { validateDefinition, type ValidationIssue, type WorkflowDefinition } from "@/lib/workflow";
import { asDraft, onlyLayoutDiffers, type DraftDefinition } from "@/lib/editor/document";
import { errorsOnly, issueCountByTask, placeIssues, placeResult, type PlacedIssue } from "@/lib/editor/issues";

/** Delay between the last change and the validation run. @default 250 */
const VALIDATE_DEBOUNCE_MS = 250;

/**
 * The document's problems, checked again a moment after the last change. A stored workflow opens
 * with its problems already found; a new one is `pristine` until its first change, and is not
 * checked until then (an empty canvas is not "3 problems" in red before anything was typed; Save
 * still checks it). Problems are errors, or warnings when the
 * document is valid (a task running this very workflow; on opening and after a save, also the
 * server's warnings about workflows that do not exist, until the next change is checked).
 */
export function useDebouncedValidation(draft: DraftDefinition, initial: WorkflowDefinition | undefined, initialWarnings?: ValidationIssue[]) {
  const [issues, setIssues] = useState<PlacedIssue[]>(() => {
    if (!initial) return [];
    const result = validateDefinition(initial);
    // The server's warnings include the local ones (a task running this workflow) and those it alone can see.
    return result.ok && initialWarnings ? placeIssues(asDraft(initial), initialWarnings, "warning") : placeResult(asDraft(initial), result);
  });
  const [validatedDraft, setValidatedDraft] = useState<DraftDefinition | null>(initial ? draft : null);
  const [firstDraft] = useState(draft);
  const pristine = !initial && draft === firstDraft && validatedDraft === null;

  // A drag, its undo or an auto-layout moves cards only: the problems stay what they were.
  const layoutOnly = draft !== validatedDraft && validatedDraft !== null && onlyLayoutDiffers(draft, validatedDraft);
  useEffect(() => {
    if (draft === validatedDraft || layoutOnly || pristine) return;
    const timer = setTimeout(() => {
      const result = validateDefinition(draft);
      setIssues(placeResult(draft, result));
      setValidatedDraft(draft);
    }, VALIDATE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, validatedDraft, layoutOnly, pristine]);
  const validating = draft !== validatedDraft && !layoutOnly && !pristine;
  // The canvas marks a task for its errors; warnings are listed in the problems panel only.
  const issueCounts = useMemo(() => issueCountByTask(errorsOnly(issues)), [issues]);

  /** Shows problems found without waiting (a save's check, the server's answer) as those of `checked`. */
  const showIssues = useCallback((checked: DraftDefinition, found: PlacedIssue[]) => {
    setIssues(found);
    setValidatedDraft(checked);
  }, []);

  return { issues, issueCounts, validating, pristine, showIssues };
}
