"use client";

import { useCallback, useMemo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { validateDefinition, type WorkflowDefinition } from "@/lib/workflow";
import { asDraft, toSubmission, type DraftDefinition } from "@/lib/editor/document";
import { placeIssues, type PlacedIssue } from "@/lib/editor/issues";
import { saveWorkflowAction } from "@/app/workflows/actions";
import type { SaveConflict, SavePrecondition } from "@/lib/services/save-precondition";
import { workflowVersionsKey } from "@/components/editor/use-workflow-versions";
import type { EditorBusy } from "@/components/editor/editor-toolbar";

type SaveOptions = {
  /** The definition opened, undefined for a new workflow. */
  initial: WorkflowDefinition | undefined;
  /** The stored version opened, if any. */
  initialVersion: number | undefined;
  draft: DraftDefinition;
  readOnly: boolean;
  /** What the editor is busy with; a save waits for nothing and starts only when it is idle. */
  busy: EditorBusy | null;
  setBusy: (busy: EditorBusy | null) => void;
  /**
   * Problems found by a save (those that stopped it, or the server's warnings after it), to show
   * below the canvas; `open` false keeps the panel as it is (a save with nothing to say).
   */
  onProblems: (checked: DraftDefinition, issues: PlacedIssue[], open?: boolean) => void;
  /** Replaces the document (the save conflict's "take theirs"), as one undoable step. */
  onReplaceDraft: (definition: WorkflowDefinition) => void;
};

/** A refused save, with the document that was refused ("mine"). */
export type PendingConflict = SaveConflict & { mine: WorkflowDefinition };

const problems = (count: number) => `${count} problem${count === 1 ? "" : "s"}`;

/**
 * Saving: the stored version and name, whether the document differs from what was saved last, and
 * `save`, which checks the document first and then saves it as a new version (saveWorkflowAction).
 * A save says what it is based on: a new workflow (refused when the name exists) or the stored
 * version shown (refused when someone saved another since); a refusal is kept as `conflict` for
 * the SaveConflictDialog, which resolves it with `keepMine` or `takeTheirs`.
 */
export function useSaveWorkflow({ initial, initialVersion, draft, readOnly, busy, setBusy, onProblems, onReplaceDraft }: SaveOptions) {
  const queryClient = useQueryClient();
  const [version, setVersion] = useState<number | undefined>(initialVersion);
  const [savedText, setSavedText] = useState<string>(() => (initial ? JSON.stringify(toSubmission(asDraft(initial))) : ""));
  const [savedName, setSavedName] = useState<string | undefined>(initial?.name);
  const [conflict, setConflict] = useState<PendingConflict | null>(null);

  const currentText = useMemo(() => JSON.stringify(toSubmission(draft)), [draft]);
  const dirty = !readOnly && currentText !== savedText && draft.tasks.length + (draft.name ? 1 : 0) > 0;

  const save = useCallback(async (override?: SavePrecondition) => {
    if (readOnly || busy) return;
    const result = validateDefinition(draft);
    if (!result.ok) {
      onProblems(draft, placeIssues(draft, result.errors));
      toast.error("Not saved", { description: `The workflow has ${problems(result.errors.length)}; see the list below the canvas.` });
      return;
    }
    setBusy("save");
    try {
      const submission = toSubmission(draft);
      // Another name than the stored one is a new workflow ("save as"): it must not exist yet.
      const basedOn: SavePrecondition = override ?? (savedName === draft.name && version ? { baseVersion: version } : { create: true });
      const saved = await saveWorkflowAction(submission, basedOn);
      if (!saved.ok && "conflict" in saved) {
        setConflict({ ...saved.conflict, mine: submission as WorkflowDefinition });
        return;
      }
      if (!saved.ok) {
        const details = saved.error.details;
        if (details.length > 0) onProblems(draft, placeIssues(draft, details.map((detail) => ({ ...detail, code: "server" }))));
        toast.error("Not saved", { description: saved.error.message });
        return;
      }
      const { created, name, version: savedVersion, warnings } = saved.value;
      // The server's warnings (e.g. a sub-workflow that does not exist) replace the local check's.
      onProblems(draft, placeIssues(draft, warnings, "warning"), warnings.length > 0);
      setVersion(savedVersion);
      setSavedText(JSON.stringify(submission));
      setSavedName(name);
      setConflict(null);
      if (created) void queryClient.invalidateQueries({ queryKey: workflowVersionsKey(name) });
      if (created && warnings.length > 0) toast.warning(`Saved v${savedVersion}`, { description: `With ${warnings.length} warning${warnings.length === 1 ? "" : "s"}; see the list below the canvas.` });
      else if (created) toast.success(`Saved v${savedVersion}`);
      else toast.info(`No changes — still v${savedVersion}`);
      const editPath = `/workflows/${encodeURIComponent(name)}/edit`;
      if (window.location.pathname !== editPath) window.history.replaceState(null, "", editPath);
    } catch (error) {
      toast.error("Not saved", { description: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(null);
    }
  }, [busy, draft, onProblems, queryClient, readOnly, savedName, setBusy, version]);

  /** Saves the document as the next version after the latest one (theirs stays in the history). */
  const keepMine = useCallback(() => {
    if (conflict?.latest) void save({ baseVersion: conflict.latest.version });
  }, [conflict, save]);

  /** Loads the latest version into the canvas (one undo brings the refused document back). */
  const takeTheirs = useCallback(() => {
    const latest = conflict?.latest;
    if (!latest) return;
    onReplaceDraft(latest.definition);
    setVersion(latest.version);
    setSavedName(latest.name);
    setSavedText(JSON.stringify(toSubmission(asDraft(latest.definition))));
    setConflict(null);
    toast.info(`Now editing v${latest.version}`, { description: "Your changes are one undo away (Ctrl/Cmd+Z)." });
  }, [conflict, onReplaceDraft]);

  const dismissConflict = useCallback(() => setConflict(null), []);

  return { version, savedName, dirty, save, conflict, keepMine, takeTheirs, dismissConflict };
}
