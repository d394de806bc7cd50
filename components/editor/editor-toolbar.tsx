"use client";

import { AlertTriangle, CheckCircle2, CircleDashed, Download, FlaskConical, Keyboard, LayoutGrid, Loader2, Maximize, Play, Redo2, Save, Undo2, Upload } from "lucide-react";
import { VersionsMenu, type EditorVersion } from "@/components/editor/versions-menu";
import { RestoreVersionButton } from "@/components/editor/restore-version-button";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/auth/viewer-context";
import { cn } from "@/components/ui/cn";

/** What the editor is waiting for; while it waits, Save does nothing. */
export type EditorBusy = "save" | "run" | "layout";
/** The editor's dialogs. */
export type EditorDialog = "import" | "export" | "run" | "shortcuts";

type EditorToolbarProps = {
  /** The workflow's name, or "untitled workflow". */
  title: string;
  /** The stored version shown; undefined for a workflow not saved yet. */
  version: number | undefined;
  latestVersion: number | undefined;
  readOnly: boolean;
  /** Changes since the last save. */
  dirty: boolean;
  validating: boolean;
  /** A new workflow nothing was done to yet: not checked, so neither valid nor in error. */
  pristine: boolean;
  problemCount: number;
  /** Warnings (saved anyway, e.g. a sub-workflow that does not exist): named beside "Valid". */
  warningCount: number;
  onToggleProblems: () => void;
  /** The name the workflow was saved under (the version menu and Run need one). */
  savedName: string | undefined;
  versions: EditorVersion[];
  canUndo: boolean;
  canRedo: boolean;
  onUndo: () => void;
  onRedo: () => void;
  taskCount: number;
  busy: EditorBusy | null;
  onLayout: () => void;
  /** "Zoom to fit": the whole graph when readable so, else its start (use-opening-view.ts). */
  onFit: () => void;
  onOpenDialog: (dialog: EditorDialog) => void;
  /** Shows or hides the Test panel (a test run of the unsaved draft). */
  onToggleTest: () => void;
  testOpen: boolean;
  onSave: () => void;
};

/** The designer's toolbar: name, version and state, validation, history, layout, import/export, run and save. */
export function EditorToolbar({
  title,
  version,
  latestVersion,
  readOnly,
  dirty,
  validating,
  pristine,
  problemCount,
  warningCount,
  onToggleProblems,
  savedName,
  versions,
  canUndo,
  canRedo,
  onUndo,
  onRedo,
  taskCount,
  busy,
  onLayout,
  onFit,
  onOpenDialog,
  onToggleTest,
  testOpen,
  onSave,
}: EditorToolbarProps) {
  const canRun = useCan("operator");
  const canTest = useCan("designer");
  return (
    <header className="flex h-14 shrink-0 items-center gap-3 border-b border-zinc-200 bg-white px-4 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex min-w-0 items-center gap-2">
        <h1 className="truncate text-[15px] font-semibold tracking-tight" data-testid="editor-title">
          {title}
        </h1>
        {version ? <Badge tone="accent">v{version}</Badge> : <Badge tone="outline">new</Badge>}
        {readOnly ? <Badge tone="outline" className="whitespace-nowrap">read-only{latestVersion ? ` · latest is v${latestVersion}` : ""}</Badge> : null}
        {dirty ? (
          <span className="text-xs text-zinc-500" data-testid="unsaved">
            • unsaved changes
          </span>
        ) : null}
      </div>
      <button
        type="button"
        onClick={onToggleProblems}
        data-testid="validation-state"
        data-state={pristine ? "pristine" : validating ? "checking" : problemCount > 0 ? "invalid" : "valid"}
        className={cn(
          "inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-xs font-medium",
          validating || pristine
            ? "text-zinc-500"
            : problemCount > 0
              ? "bg-red-50 text-red-700 hover:bg-red-100 dark:bg-red-500/10 dark:text-red-300"
              : "text-emerald-700 dark:text-emerald-400",
        )}
      >
        {pristine ? (
          <CircleDashed className="size-3.5" aria-hidden />
        ) : validating ? (
          <Loader2 className="size-3.5 animate-spin" aria-hidden />
        ) : problemCount > 0 ? (
          <AlertTriangle className="size-3.5" aria-hidden />
        ) : (
          <CheckCircle2 className="size-3.5" aria-hidden />
        )}
        {pristine
          ? "Not checked yet"
          : validating
          ? "Checking…"
          : problemCount > 0
            ? `${problemCount} problem${problemCount === 1 ? "" : "s"}`
            : warningCount > 0
              ? `Valid · ${warningCount} warning${warningCount === 1 ? "" : "s"}`
              : "Valid"}
      </button>
      <div className="ml-auto flex items-center gap-1">
        {savedName && versions.length > 0 ? <VersionsMenu name={savedName} versions={versions} current={version} /> : null}
        <Button variant="ghost" aria-label="Undo" title="Undo (Ctrl/Cmd+Z)" disabled={readOnly || !canUndo} onClick={onUndo} className="px-2">
          <Undo2 className="size-4" aria-hidden />
        </Button>
        <Button variant="ghost" aria-label="Redo" title="Redo (Shift+Ctrl/Cmd+Z)" disabled={readOnly || !canRedo} onClick={onRedo} className="px-2">
          <Redo2 className="size-4" aria-hidden />
        </Button>
        <span className="mx-1 h-5 w-px bg-zinc-200 dark:bg-zinc-700" aria-hidden />
        <Button variant="ghost" title="Auto-layout (left to right)" disabled={readOnly || taskCount === 0 || busy === "layout"} onClick={onLayout}>
          <LayoutGrid className="size-4" aria-hidden /> Layout
        </Button>
        <Button variant="ghost" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => onOpenDialog("shortcuts")} className="px-2">
          <Keyboard className="size-4" aria-hidden />
        </Button>
        <Button variant="ghost" aria-label="Zoom to fit" title="Zoom to fit" onClick={onFit} className="px-2">
          <Maximize className="size-4" aria-hidden />
        </Button>
        <span className="mx-1 h-5 w-px bg-zinc-200 dark:bg-zinc-700" aria-hidden />
        <Button variant="ghost" disabled={readOnly} onClick={() => onOpenDialog("import")}>
          <Upload className="size-4" aria-hidden /> Import
        </Button>
        <Button variant="ghost" onClick={() => onOpenDialog("export")}>
          <Download className="size-4" aria-hidden /> Export
        </Button>
        <span className="mx-1 h-5 w-px bg-zinc-200 dark:bg-zinc-700" aria-hidden />
        {canTest && !readOnly ? (
          <Button variant="ghost" aria-pressed={testOpen} title="Run the unsaved draft with mocked tasks; nothing is recorded" disabled={taskCount === 0} onClick={onToggleTest} className={testOpen ? "bg-zinc-100 dark:bg-zinc-800" : undefined}>
            <FlaskConical className="size-4" aria-hidden /> Test
          </Button>
        ) : null}
        {canRun ? (
        <Button
          disabled={!savedName || dirty}
          title={!savedName ? "Save the workflow first" : dirty ? "Save your changes first" : "Start an execution"}
          onClick={() => onOpenDialog("run")}
        >
          <Play className="size-4" aria-hidden /> Run
        </Button>
        ) : null}
        {readOnly && savedName && version !== undefined && version !== latestVersion ? <RestoreVersionButton name={savedName} version={version} /> : null}
        {readOnly ? null : (
          <Button variant="primary" onClick={onSave} disabled={busy === "save"} title="Save as a new version (Ctrl/Cmd+S)">
            {busy === "save" ? <Loader2 className="size-4 animate-spin" aria-hidden /> : <Save className="size-4" aria-hidden />} Save
          </Button>
        )}
      </div>
    </header>
  );
}
