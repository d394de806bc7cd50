"use client";

import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useMemo, useRef, useState } from "react";
import { toast } from "sonner";
import { serializeDefinition, validateDefinition, type ValidationIssue, type WorkflowDefinition } from "@/lib/workflow";
import { canRedo, canUndo } from "@/lib/editor/history";
import { asDefinition, asDraft, removeTasks, renameTask, setTaskField, setWorkflowField, toSubmission, type DraftDefinition } from "@/lib/editor/document";
import { errorsOnly, type PlacedIssue } from "@/lib/editor/issues";
import { Palette } from "@/components/editor/palette";
import { TaskInspector, WorkflowInspector } from "@/components/editor/inspector";
import { ExportDialog, ImportDialog } from "@/components/editor/dialogs";
import { RunDialog } from "@/components/editor/run-dialog";
import { TestPanel } from "@/components/editor/test-panel";
import type { WorkflowTestResult } from "@/lib/services/workflow-test/schema";
import type { EditorVersion } from "@/components/editor/versions-menu";
import { DesignerCanvas, EmptyCanvasHint } from "@/components/editor/designer-canvas";
import { EditorToolbar, type EditorBusy, type EditorDialog } from "@/components/editor/editor-toolbar";
import { ProblemsPanel } from "@/components/editor/problems-panel";
import { SaveConflictDialog } from "@/components/editor/save-conflict-dialog";
import { useAutoLayout, withPlacedTasks } from "@/components/editor/use-auto-layout";
import { useCanvasHandlers } from "@/components/editor/use-canvas-handlers";
import { useClipboard } from "@/components/editor/use-clipboard";
import { useDebouncedValidation } from "@/components/editor/use-debounced-validation";
import { useDraftHistory } from "@/components/editor/use-draft-history";
import { useEditorShortcuts } from "@/components/editor/use-editor-shortcuts";
import { ShortcutsDialog } from "@/components/editor/shortcuts-dialog";
import { useFlowElements } from "@/components/editor/use-flow-elements";
import { useLeaveGuard } from "@/components/editor/use-leave-guard";
import { useOpeningView } from "@/components/editor/use-opening-view";
import { useSaveWorkflow } from "@/components/editor/use-save-workflow";
import { NO_SELECTION, useSelection } from "@/components/editor/use-selection";
import { useStartRun } from "@/components/editor/use-start-run";
import { useInspectorIdentity } from "@/components/editor/use-inspector-identity";
import { useWorkflowVersions } from "@/components/editor/use-workflow-versions";
import { NodeSearch } from "@/components/graph/node-search";
import { useNodeSearch } from "@/components/graph/use-node-search";
import { VIEW_UNPLACED } from "@/components/graph/use-fit-view";

export type WorkflowEditorProps = {
  /** The definition to edit; undefined for a new workflow. */
  initial?: WorkflowDefinition;
  /**
   * A new workflow's starting draft (a template of the gallery, lib/workflow/templates.ts): drawn
   * and checked at once like a stored workflow, but unsaved, and saved as a new workflow.
   */
  template?: WorkflowDefinition;
  /** The server's warnings about `initial` (e.g. a sub-workflow that does not exist), listed as problems. */
  initialWarnings?: ValidationIssue[];
  /** The stored version shown, if any. */
  version?: number;
  /** The latest stored version of this workflow (read-only when `version` is older). */
  latestVersion?: number;
  readOnly?: boolean;
  /** Every stored version, newest first (the version menu). */
  versions?: EditorVersion[];
};

export function WorkflowEditor(props: WorkflowEditorProps) {
  return (
    <ReactFlowProvider>
      <Editor {...props} />
    </ReactFlowProvider>
  );
}

/** The designer: wires the document, its checks, saving and the canvas to the toolbar, palette, inspector and dialogs. */
function Editor({ initial, template, initialWarnings, version: initialVersion, latestVersion, readOnly = false, versions = [] }: WorkflowEditorProps) {
  const canvasRef = useRef<HTMLDivElement>(null);
  const opened = initial ?? template;
  // A template's draft is named after the template: its Name field takes the focus once, selected, to be renamed.
  const focusTemplateNameRef = useRef(template !== undefined);
  const { history, draft, latestDraft, commit, undo, redo } = useDraftHistory(opened, readOnly);
  const [selection, setSelection] = useSelection(draft);
  const [errorsOpen, setErrorsOpen] = useState(false);
  const [dialog, setDialog] = useState<EditorDialog | null>(null);
  const [busy, setBusy] = useState<EditorBusy | null>(null);
  const [testOpen, setTestOpen] = useState(false);
  const [testStatuses, setTestStatuses] = useState<ReadonlyMap<string, string> | null>(null);
  const showTestResult = useCallback((result: WorkflowTestResult | null) => {
    setTestStatuses(result ? new Map(result.tasks.filter((task) => task.mapIndex < 0).map((task) => [task.key, task.status])) : null);
  }, []);

  const { issues, issueCounts, validating, pristine, showIssues } = useDebouncedValidation(draft, opened, initialWarnings);
  const showProblems = useCallback(
    (checked: DraftDefinition, found: PlacedIssue[], open = true) => {
      showIssues(checked, found);
      if (open) setErrorsOpen(true);
    },
    [showIssues],
  );
  const replaceDraft = useCallback((definition: WorkflowDefinition) => commit(asDraft(definition)), [commit]);
  const { version, savedName, dirty, save, conflict, keepMine, takeTheirs, dismissConflict } = useSaveWorkflow({ initial, initialVersion, draft, readOnly, busy, setBusy, onProblems: showProblems, onReplaceDraft: replaceDraft });
  const versionList = useWorkflowVersions(savedName, initial?.name, versions);
  useLeaveGuard(dirty);
  const closeDialog = useCallback(() => setDialog(null), []);
  const startRun = useStartRun({ savedName, version, setBusy, onStarted: closeDialog });

  const { onCanvasInit, requestFit, fitNow, placed } = useOpeningView(canvasRef, latestDraft);
  const opensFitted = (opened?.tasks.length ?? 0) > 0;
  const { graph, nodes, edges, onNodesChange, onEdgesChange } = useFlowElements({ draft, selection, setSelection, readOnly, issueCounts, testStatuses });
  const canvas = useCanvasHandlers({ draft, selection, setSelection, commit, readOnly, canvasRef });
  const runAutoLayout = useAutoLayout({ graph, latestDraft, commit, readOnly, setBusy, onPlaced: requestFit });

  const { copySelection, paste, duplicate } = useClipboard({ draft, selectedKeys: selection.nodes, commit, setSelection, canvasRef });
  const search = useNodeSearch(canvasRef);
  const searchable = useMemo(() => graph.nodes.map((node) => node.data), [graph.nodes]);
  const removeSelection = useCallback(() => {
    commit(removeTasks(draft, selection.nodes));
    setSelection(NO_SELECTION);
  }, [commit, draft, selection.nodes, setSelection]);
  const selectAll = useCallback(() => setSelection({ nodes: draft.tasks.map((task) => task.key), edges: [] }), [draft.tasks, setSelection]);
  const saveNow = useCallback(() => void save(), [save]);
  const copy = useCallback(() => void copySelection(), [copySelection]);
  const showHelp = useCallback(() => setDialog("shortcuts"), []);
  useEditorShortcuts({ readOnly, hasSelection: selection.nodes.length > 0, save: saveNow, undo, redo, copy, removeSelection, paste, duplicate, selectAll, showHelp });

  const selectedTask = selection.nodes.length === 1 ? draft.tasks.find((task) => task.key === selection.nodes[0]) : undefined;
  const inspector = useInspectorIdentity(selectedTask?.key);
  const exportText = useMemo(() => {
    if (dialog !== "export") return null;
    const result = validateDefinition(toSubmission(draft));
    // The stored version number is part of the file only while the canvas shows exactly that version.
    return result.ok ? serializeDefinition(version && !dirty ? { ...result.definition, version } : result.definition) : null;
  }, [dialog, draft, version, dirty]);
  // Warnings are listed in the problems panel; they neither block an export nor count as problems.
  const errors = useMemo(() => errorsOnly(issues), [issues]);
  const problemCount = errors.length;

  return (
    <div className="flex h-screen min-h-0 flex-col" data-testid="workflow-editor" data-dirty={dirty ? "true" : "false"}>
      <EditorToolbar
        title={draft.name || "untitled workflow"}
        version={version}
        latestVersion={latestVersion}
        readOnly={readOnly}
        dirty={dirty}
        validating={validating}
        pristine={pristine}
        problemCount={problemCount}
        warningCount={issues.length - problemCount}
        onToggleProblems={() => setErrorsOpen((open) => !open)}
        savedName={savedName}
        versions={versionList}
        canUndo={canUndo(history)}
        canRedo={canRedo(history)}
        onUndo={undo}
        onRedo={redo}
        taskCount={draft.tasks.length}
        busy={busy}
        onLayout={() => void runAutoLayout()}
        onFit={fitNow}
        onOpenDialog={setDialog}
        testOpen={testOpen}
        onToggleTest={() => setTestOpen((open) => !open)}
        onSave={saveNow}
      />

      <div className="flex min-h-0 flex-1">
        {readOnly ? null : <Palette onAdd={canvas.addFromPalette} />}

        {/* Canvas */}
        <div className="relative flex min-w-0 flex-1 flex-col">
          <div ref={canvasRef} className="min-h-0 flex-1 bg-zinc-50 dark:bg-zinc-950" onDragOver={canvas.onDragOver} onDrop={canvas.onDrop} data-testid="canvas">
            <DesignerCanvas
              nodes={nodes}
              edges={edges}
              readOnly={readOnly}
              onInit={opensFitted ? onCanvasInit : undefined}
              className={opensFitted && !placed ? VIEW_UNPLACED : undefined}
              onFit={fitNow}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onMoveEnd={canvas.onMoveEnd}
              onDelete={canvas.onDelete}
              onConnect={canvas.onConnect}
              onConnectEnd={canvas.onConnectEnd}
              isValidConnection={canvas.isValidConnection}
              onPaneClick={canvas.onPaneClick}
            />
            {draft.tasks.length === 0 ? <EmptyCanvasHint /> : null}
          </div>
          {testOpen ? (
            <TestPanel
              draft={draft}
              onResult={(result) => {
                showTestResult(result);
                // The panel took part of the canvas: bring the whole graph back into view.
                if (result) fitNow();
              }}
              onClose={() => {
                setTestOpen(false);
                showTestResult(null);
              }}
            />
          ) : null}
          {errorsOpen ? <ProblemsPanel issues={issues} onFocus={canvas.focusTask} onClose={() => setErrorsOpen(false)} /> : null}
        </div>

        {/* Inspector */}
        <aside aria-label="Inspector" data-canvas-cover className="w-[22rem] shrink-0 overflow-y-auto border-l border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          {selectedTask ? (
            <TaskInspector
              key={inspector.id}
              task={selectedTask}
              draft={draft}
              issues={errors}
              readOnly={readOnly}
              onSelectTask={canvas.focusTask}
              onChange={(path, value) => commit(setTaskField(draft, selectedTask.key, path, value), `${selectedTask.key}:${path.join(".")}`)}
              onRename={(newKey) => {
                inspector.renamed(newKey);
                commit(renameTask(draft, selectedTask.key, newKey));
                setSelection({ nodes: [newKey], edges: [] });
              }}
            />
          ) : selection.nodes.length > 1 ? (
            <div className="px-4 py-6 text-sm text-zinc-500">
              {selection.nodes.length} tasks selected. Copy (Ctrl/Cmd+C), duplicate (Ctrl/Cmd+D) or delete them.
            </div>
          ) : (
            <WorkflowInspector draft={draft} issues={errors} readOnly={readOnly} focusNameRef={focusTemplateNameRef} onChange={(path, value, coalesceKey) => commit(setWorkflowField(draft, path, value), coalesceKey === null ? undefined : `workflow:${coalesceKey ?? path.join(".")}`)} />
          )}
        </aside>
      </div>

      <ImportDialog
        open={dialog === "import"}
        onOpenChange={(open) => setDialog(open ? "import" : null)}
        onApply={async (definition) => {
          commit(await withPlacedTasks(asDraft(definition)));
          setSelection(NO_SELECTION);
          toast.success(`Imported ${definition.name}`, { description: `${definition.tasks.length} task${definition.tasks.length === 1 ? "" : "s"}; save to make it a version.` });
          requestFit();
        }}
      />
      <ExportDialog
        open={dialog === "export"}
        onOpenChange={(open) => setDialog(open ? "export" : null)}
        text={exportText}
        fileName={`${draft.name || "workflow"}.json`}
        problems={problemCount}
      />
      <SaveConflictDialog conflict={conflict} saving={busy === "save"} onKeepMine={keepMine} onTakeTheirs={takeTheirs} onClose={dismissConflict} />
      <NodeSearch open={search.open} onOpenChange={search.setOpen} tasks={searchable} onPick={canvas.focusTask} />
      <ShortcutsDialog open={dialog === "shortcuts"} onOpenChange={(open) => setDialog(open ? "shortcuts" : null)} readOnly={readOnly} />
      {dialog === "run" ? (
        <RunDialog
          open
          onOpenChange={(open) => setDialog(open ? "run" : null)}
          schema={asDefinition(draft).input}
          starting={busy === "run"}
          onStart={startRun}
        />
      ) : null}
    </div>
  );
}
