"use client";

import {
  Background,
  BackgroundVariant,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type ReactFlowState,
} from "@xyflow/react";
import { memo, useCallback, useEffect, useMemo, useReducer, useRef, useState, type DragEvent } from "react";
import { useRouter } from "next/navigation";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import {
  AlertTriangle,
  CheckCircle2,
  Download,
  LayoutGrid,
  Loader2,
  Maximize,
  Play,
  Redo2,
  Save,
  Undo2,
  Upload,
} from "lucide-react";
import { serializeDefinition, validateDefinition, type TaskType, type WorkflowDefinition } from "@/lib/workflow";
import { definitionToFlow, TASK_NODE_HEIGHT, TASK_NODE_WIDTH } from "@/lib/canvas/definition-to-flow";
import { layoutPositionsInBrowser, warmUpAutoLayout } from "@/lib/canvas/auto-layout-client";
import { canRedo, canUndo, createHistory, historyReducer } from "@/lib/editor/history";
import {
  addTask,
  asDefinition,
  asDraft,
  connect,
  checkConnection,
  moveTasks,
  onlyLayoutDiffers,
  removeEdges,
  removeTasks,
  renameTask,
  setLayout,
  setTaskField,
  setWorkflowField,
  toSubmission,
  type DraftDefinition,
  type Point,
} from "@/lib/editor/document";
import { copyTasks, fragmentToText, parseFragment, pasteFragment } from "@/lib/editor/clipboard";
import { issueCountByTask, placeIssues, type PlacedIssue } from "@/lib/editor/issues";
import { DETAIL_MIN_ZOOM, TaskNode, type TaskFlowNode } from "@/components/graph/task-node";
import { useKeepUnchanged } from "@/components/graph/use-keep-unchanged";
import { openingViewport } from "@/lib/canvas/opening-viewport";
import { Palette, TASK_TYPE_MIME } from "@/components/editor/palette";
import { TaskInspector, WorkflowInspector } from "@/components/editor/inspector";
import { ExportDialog, ImportDialog, RunDialog } from "@/components/editor/dialogs";
import { VersionsMenu, type EditorVersion } from "@/components/editor/versions-menu";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

// Module level, so React Flow does not see a new object on every render.
const nodeTypes = { task: TaskNode };

/** Delay between the last change and the validation run. @default 250 */
const VALIDATE_DEBOUNCE_MS = 250;
const PASTE_OFFSET = { x: 40, y: 40 };

type Selection = { nodes: string[]; edges: string[] };
const NO_SELECTION: Selection = { nodes: [], edges: [] };

/** Where a click-added task goes: right of the anchor, on the first free row. */
function freeSpotRightOf(draft: DraftDefinition, anchor: Point): Point {
  const x = anchor.x + TASK_NODE_WIDTH + 72;
  const taken = Object.values(draft.layout ?? {});
  for (let row = 0; ; row++) {
    for (const dy of row === 0 ? [0] : [row * 100, -row * 100]) {
      const y = anchor.y + dy;
      const clash = taken.some((p) => Math.abs(p.x - x) < TASK_NODE_WIDTH && Math.abs(p.y - y) < TASK_NODE_HEIGHT + 20);
      if (!clash) return { x, y };
    }
  }
}

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** A clipboard kept in the page when the browser refuses clipboard access (no permission, http). */
let pageClipboard: string | null = null;

export type WorkflowEditorProps = {
  /** The definition to edit; undefined for a new workflow. */
  initial?: WorkflowDefinition;
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

function Editor({ initial, version: initialVersion, latestVersion, readOnly = false, versions = [] }: WorkflowEditorProps) {
  const router = useRouter();
  const flow = useReactFlow();
  const canvasRef = useRef<HTMLDivElement>(null);
  const [history, dispatch] = useReducer(
    historyReducer<DraftDefinition>,
    undefined,
    () => createHistory<DraftDefinition>(initial ? asDraft(initial) : { name: "", tasks: [], layout: {} }),
  );
  const draft = history.present;
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  const [version, setVersion] = useState<number | undefined>(initialVersion);
  const [savedText, setSavedText] = useState<string>(() => (initial ? JSON.stringify(toSubmission(asDraft(initial))) : ""));
  const [savedName, setSavedName] = useState<string | undefined>(initial?.name);
  // The version menu: the server's list at open, fetched again after a save creates a version
  // (a new workflow has none until its first save).
  const queryClient = useQueryClient();
  const versionsQuery = useQuery({
    queryKey: ["workflow-versions", savedName],
    queryFn: async () => {
      const response = await fetch(`/api/workflows/${encodeURIComponent(savedName!)}/versions`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return ((await response.json()) as { versions: EditorVersion[] }).versions;
    },
    enabled: savedName !== undefined,
    initialData: savedName !== undefined && savedName === initial?.name && versions.length > 0 ? versions : undefined,
  });
  const versionList = versionsQuery.data ?? [];
  const [issues, setIssues] = useState<PlacedIssue[]>(() => {
    const result = initial ? validateDefinition(initial) : undefined;
    return result && !result.ok ? placeIssues(asDraft(initial!), result.errors) : [];
  });
  const [validatedDraft, setValidatedDraft] = useState<DraftDefinition | null>(initial ? draft : null);
  const [errorsOpen, setErrorsOpen] = useState(false);
  const [dialog, setDialog] = useState<"import" | "export" | "run" | null>(null);
  const [busy, setBusy] = useState<"save" | "run" | "layout" | null>(null);

  const latestDraft = useRef(draft);
  useEffect(() => {
    latestDraft.current = draft;
  }, [draft]);

  // Fit the view after the nodes it should fit have reached React Flow's store: effects run
  // children first, so React Flow has taken the new nodes when this one runs.
  const [fitRequest, setFitRequest] = useState(0);
  /** The opening view (see openingViewport): fitted when readable, else the graph's start. */
  const showOpeningView = useCallback(
    (duration?: number) => {
      const bounds = canvasRef.current?.getBoundingClientRect();
      if (!bounds) return;
      const layout = latestDraft.current.layout ?? {};
      const positions = latestDraft.current.tasks.flatMap((task) => (layout[task.key] ? [layout[task.key]!] : []));
      void flow.setViewport(openingViewport(positions, bounds), duration ? { duration } : undefined);
    },
    [flow],
  );
  useEffect(() => {
    if (fitRequest > 0) showOpeningView(200);
  }, [fitRequest, showOpeningView]);
  const onCanvasInit = useCallback(() => showOpeningView(), [showOpeningView]);

  // Load the layout worker while the page is idle (a read-only view has no Layout button).
  useEffect(() => {
    if (readOnly) return;
    const idle = window.requestIdleCallback ?? ((callback: () => void) => window.setTimeout(callback, 200));
    idle(() => warmUpAutoLayout());
  }, [readOnly]);

  const commit = useCallback(
    (next: DraftDefinition, coalesceKey?: string) => {
      if (readOnly) return;
      dispatch({ type: "commit", present: next, coalesceKey, at: Date.now() });
    },
    [readOnly],
  );

  // ---- validation, debounced -------------------------------------------------------------
  useEffect(() => {
    // A drag, its undo or an auto-layout moves cards only: the problems stay what they were.
    if (draft === validatedDraft || (validatedDraft && onlyLayoutDiffers(draft, validatedDraft))) return;
    const timer = setTimeout(() => {
      const result = validateDefinition(draft);
      setIssues(result.ok ? [] : placeIssues(draft, result.errors));
      setValidatedDraft(draft);
    }, VALIDATE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, validatedDraft]);
  const validating = draft !== validatedDraft && !(validatedDraft && onlyLayoutDiffers(draft, validatedDraft));
  const issueCounts = useMemo(() => issueCountByTask(issues), [issues]);

  // ---- dirty state and the leave guard ---------------------------------------------------
  const currentText = useMemo(() => JSON.stringify(toSubmission(draft)), [draft]);
  const dirty = !readOnly && currentText !== savedText && draft.tasks.length + (draft.name ? 1 : 0) > 0;
  useEffect(() => {
    if (!dirty) return;
    const beforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    // In-app links (Next's <Link>) do not fire beforeunload: ask before following them.
    const onClick = (event: MouseEvent) => {
      const anchor = (event.target as HTMLElement | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
      if (!anchor || anchor.target === "_blank" || anchor.hasAttribute("download")) return;
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      if (!window.confirm("You have unsaved changes. Leave this page and lose them?")) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", beforeUnload);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, [dirty]);

  // ---- graph -----------------------------------------------------------------------------
  const base = useMemo(() => definitionToFlow(asDefinition(draft)), [draft]);
  const selectedNodes = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  // Undo can remove selected tasks; a selection only ever names tasks that exist.
  const taskKeys = useMemo(() => new Set(draft.tasks.map((task) => task.key)), [draft.tasks]);
  if (selection.nodes.some((key) => !taskKeys.has(key))) {
    setSelection({ nodes: selection.nodes.filter((key) => taskKeys.has(key)), edges: [] });
  }
  const selectedEdges = useMemo(() => new Set(selection.edges), [selection.edges]);
  // useKeepUnchanged: an element whose content did not change keeps its object, so React Flow redraws
  // only the cards and edges a change touched (a selection, a rename), not all 500.
  const derivedNodes = useMemo<TaskFlowNode[]>(
    () =>
      base.nodes.map((node) => ({
        ...node,
        selected: selectedNodes.has(node.id),
        ...(measured[node.id] ? { measured: measured[node.id] } : {}),
        draggable: !readOnly,
        // Known sizes: React Flow can leave out off-screen cards before it has measured them.
        width: TASK_NODE_WIDTH,
        height: TASK_NODE_HEIGHT,
        data: { ...node.data, editable: !readOnly, issueCount: issueCounts.get(node.id) ?? 0 },
      })),
    [base.nodes, selectedNodes, measured, readOnly, issueCounts],
  );
  const restingNodes = useKeepUnchanged(derivedNodes);
  const derivedEdges = useMemo<Edge[]>(
    () =>
      base.edges.map((edge) => ({
        ...edge,
        type: "smoothstep",
        selected: selectedEdges.has(edge.id),
        markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
        labelBgPadding: [4, 2] as [number, number],
        labelBgBorderRadius: 4,
        deletable: !readOnly,
      })),
    [base.edges, selectedEdges, readOnly],
  );
  const edges = useKeepUnchanged(derivedEdges);

  // Position changes while dragging stay inside DesignerCanvas; it reports the rest here.
  const onNodesChange = useCallback((changes: NodeChange<TaskFlowNode>[]) => {
    let nextMeasured: Record<string, { width: number; height: number }> | null = null;
    let select: Map<string, boolean> | null = null;
    for (const change of changes) {
      if (change.type === "dimensions" && change.dimensions) {
        nextMeasured ??= {};
        nextMeasured[change.id] = change.dimensions;
      } else if (change.type === "select") {
        select ??= new Map();
        select.set(change.id, change.selected);
      }
    }
    if (nextMeasured) {
      const add = nextMeasured;
      setMeasured((old) => {
        const same = Object.entries(add).every(([id, d]) => old[id]?.width === d.width && old[id]?.height === d.height);
        return same ? old : { ...old, ...add };
      });
    }
    if (select) {
      const updates = select;
      setSelection((old) => {
        const set = new Set(old.nodes);
        for (const [id, on] of updates) {
          if (on) set.add(id);
          else set.delete(id);
        }
        return { ...old, nodes: [...set] };
      });
    }
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const updates = changes.filter((change) => change.type === "select");
    if (updates.length === 0) return;
    setSelection((old) => {
      const set = new Set(old.edges);
      for (const change of updates) {
        if (change.type !== "select") continue;
        if (change.selected) set.add(change.id);
        else set.delete(change.id);
      }
      return { ...old, edges: [...set] };
    });
  }, []);

  // One undo step per drag: the document changes when the drag ends, not on every move.
  const onMoveEnd = useCallback((positions: Record<string, Point>) => commit(moveTasks(draft, positions)), [commit, draft]);
  const onPaneClick = useCallback(() => setSelection(NO_SELECTION), []);

  const onDelete = useCallback(
    ({ nodes: deletedNodes, edges: deletedEdges }: { nodes: TaskFlowNode[]; edges: Edge[] }) => {
      let next = removeEdges(draft, deletedEdges.map((edge) => ({ source: edge.source, target: edge.target })));
      next = removeTasks(next, deletedNodes.map((node) => node.id));
      commit(next);
      setSelection(NO_SELECTION);
    },
    [commit, draft],
  );

  const isValidConnection = useCallback(
    (connection: Connection | Edge) => checkConnection(draft, connection.source, connection.target).ok,
    [draft],
  );
  const onConnect = useCallback(
    (connection: Connection) => {
      const result = connect(draft, connection.source, connection.target);
      if (result.check.ok) commit(result.draft);
    },
    [commit, draft],
  );
  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      // A drop on a handle that isValidConnection refused: say why (a cycle names its loop).
      if (state.isValid !== false || !state.fromNode || !state.toNode) return;
      const fromSource = state.fromHandle?.type !== "target";
      const source = fromSource ? state.fromNode.id : state.toNode.id;
      const target = fromSource ? state.toNode.id : state.fromNode.id;
      const check = checkConnection(draft, source, target);
      if (!check.ok) toast.error("Connection refused", { description: check.message });
    },
    [draft],
  );

  // ---- adding, clipboard -----------------------------------------------------------------
  const addAt = useCallback(
    (type: TaskType, position: Point, connectFrom?: string) => {
      const added = addTask(draft, type, position);
      let next = added.draft;
      if (connectFrom) next = connect(next, connectFrom, added.taskKey).draft;
      commit(next);
      setSelection({ nodes: [added.taskKey], edges: [] });
    },
    [commit, draft],
  );

  const addFromPalette = useCallback(
    (type: TaskType) => {
      const anchorKey = selection.nodes.length === 1 ? selection.nodes[0] : undefined;
      const anchor = anchorKey ? draft.layout?.[anchorKey] : undefined;
      if (anchorKey && anchor) {
        addAt(type, freeSpotRightOf(draft, anchor), anchorKey);
        return;
      }
      const bounds = canvasRef.current?.getBoundingClientRect();
      const center = bounds
        ? flow.screenToFlowPosition({ x: bounds.left + bounds.width / 2, y: bounds.top + bounds.height / 2 })
        : { x: 0, y: 0 };
      let point = { x: center.x - TASK_NODE_WIDTH / 2, y: center.y - TASK_NODE_HEIGHT / 2 };
      while (Object.values(draft.layout ?? {}).some((p) => Math.abs(p.x - point.x) < 20 && Math.abs(p.y - point.y) < 20)) {
        point = { x: point.x + 30, y: point.y + 30 };
      }
      addAt(type, point);
    },
    [addAt, draft, flow, selection.nodes],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(TASK_TYPE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(TASK_TYPE_MIME) as TaskType;
      if (!type || readOnly) return;
      event.preventDefault();
      const point = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      addAt(type, { x: point.x - TASK_NODE_WIDTH / 2, y: point.y - TASK_NODE_HEIGHT / 2 });
    },
    [addAt, flow, readOnly],
  );

  const copySelection = useCallback(async () => {
    if (selection.nodes.length === 0) return false;
    const text = fragmentToText(copyTasks(draft, selection.nodes));
    pageClipboard = text;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // The page clipboard still has it.
    }
    return true;
  }, [draft, selection.nodes]);

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
    [commit, draft],
  );

  const duplicate = useCallback(() => {
    if (selection.nodes.length === 0) return;
    const pasted = pasteFragment(draft, copyTasks(draft, selection.nodes), { offset: PASTE_OFFSET });
    commit(pasted.draft);
    setSelection({ nodes: pasted.taskKeys, edges: [] });
  }, [commit, draft, selection.nodes]);

  // ---- layout, focus ----------------------------------------------------------------------
  const runAutoLayout = useCallback(async () => {
    if (draft.tasks.length === 0) return;
    setBusy("layout");
    try {
      const positions = await layoutPositionsInBrowser(base);
      // ELK's worker may take a moment: place the tasks of the document as it is now.
      commit(setLayout(latestDraft.current, positions));
      setFitRequest((n) => n + 1);
    } catch (error) {
      toast.error("Layout failed", { description: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(null);
    }
  }, [base, commit, draft]);

  const focusTask = useCallback(
    (taskKey: string) => {
      setSelection({ nodes: [taskKey], edges: [] });
      const point = draft.layout?.[taskKey];
      if (point) void flow.setCenter(point.x + TASK_NODE_WIDTH / 2, point.y + TASK_NODE_HEIGHT / 2, { zoom: Math.max(flow.getZoom(), 0.9), duration: 250 });
    },
    [draft.layout, flow],
  );

  // ---- save, run ----------------------------------------------------------------------------
  const save = useCallback(async () => {
    if (readOnly || busy) return;
    const result = validateDefinition(draft);
    if (!result.ok) {
      setIssues(placeIssues(draft, result.errors));
      setValidatedDraft(draft);
      setErrorsOpen(true);
      toast.error("Not saved", { description: `The workflow has ${result.errors.length} problem${result.errors.length === 1 ? "" : "s"}; see the list below the canvas.` });
      return;
    }
    setBusy("save");
    try {
      const submission = toSubmission(draft);
      const response = await fetch("/api/workflows", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(submission),
      });
      const body = (await response.json()) as {
        created?: boolean;
        workflow?: { version: number; name: string };
        error?: { message: string; details?: { path: string; message: string }[] };
      };
      if (!response.ok || !body.workflow) {
        const details = body.error?.details ?? [];
        if (details.length > 0) {
          setIssues(placeIssues(draft, details.map((d) => ({ ...d, code: "server" }))));
          setValidatedDraft(draft);
          setErrorsOpen(true);
        }
        toast.error("Not saved", { description: body.error?.message ?? `HTTP ${response.status}` });
        return;
      }
      setVersion(body.workflow.version);
      setSavedText(JSON.stringify(submission));
      setSavedName(body.workflow.name);
      if (body.created) void queryClient.invalidateQueries({ queryKey: ["workflow-versions", body.workflow.name] });
      if (body.created) toast.success(`Saved v${body.workflow.version}`);
      else toast.info(`No changes — still v${body.workflow.version}`);
      const editPath = `/workflows/${encodeURIComponent(body.workflow.name)}/edit`;
      if (window.location.pathname !== editPath) window.history.replaceState(null, "", editPath);
    } catch (error) {
      toast.error("Not saved", { description: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(null);
    }
  }, [busy, draft, queryClient, readOnly]);

  const startRun = useCallback(
    async (input: Record<string, unknown>) => {
      if (!savedName) return;
      setBusy("run");
      try {
        const response = await fetch("/api/executions", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ workflow: savedName, ...(version ? { version } : {}), input }),
        });
        const body = (await response.json()) as { id?: string; error?: { message: string } };
        if (!response.ok || !body.id) {
          toast.error("Not started", { description: body.error?.message ?? `HTTP ${response.status}` });
          return;
        }
        setDialog(null);
        router.push(`/executions/${encodeURIComponent(body.id)}`);
      } catch (error) {
        toast.error("Not started", { description: error instanceof Error ? error.message : String(error) });
      } finally {
        setBusy(null);
      }
    },
    [router, savedName, version],
  );

  // ---- keyboard ----------------------------------------------------------------------------
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const mod = event.metaKey || event.ctrlKey;
      if (!mod) return;
      const key = event.key.toLowerCase();
      if (key === "s") {
        event.preventDefault();
        void save();
        return;
      }
      if (isTypingTarget(event.target) || readOnly) return;
      if (key === "z" && !event.shiftKey) {
        event.preventDefault();
        dispatch({ type: "undo" });
      } else if ((key === "z" && event.shiftKey) || key === "y") {
        event.preventDefault();
        dispatch({ type: "redo" });
      } else if (key === "c" || key === "x") {
        if (selection.nodes.length === 0) return;
        event.preventDefault();
        void copySelection();
        if (key === "x") {
          commit(removeTasks(draft, selection.nodes));
          setSelection(NO_SELECTION);
        }
      } else if (key === "v") {
        event.preventDefault();
        navigator.clipboard
          .readText()
          .then((text) => pasteText(text || pageClipboard))
          .catch(() => pasteText(pageClipboard));
      } else if (key === "d") {
        event.preventDefault();
        duplicate();
      } else if (key === "a") {
        event.preventDefault();
        setSelection({ nodes: draft.tasks.map((task) => task.key), edges: [] });
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [commit, copySelection, draft, duplicate, pasteText, readOnly, save, selection.nodes]);

  // ---- inspector ---------------------------------------------------------------------------
  const selectedTask = selection.nodes.length === 1 ? draft.tasks.find((task) => task.key === selection.nodes[0]) : undefined;
  const exportText = useMemo(() => {
    if (dialog !== "export") return null;
    const result = validateDefinition(toSubmission(draft));
    // The stored version number is part of the file only while the canvas shows exactly that version.
    return result.ok ? serializeDefinition(version && !dirty ? { ...result.definition, version } : result.definition) : null;
  }, [dialog, draft, version, dirty]);

  const problemCount = issues.length;
  const title = draft.name || "untitled workflow";

  return (
    <div className="flex h-screen min-h-0 flex-col" data-testid="workflow-editor" data-dirty={dirty ? "true" : "false"}>
      {/* Toolbar */}
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-zinc-200 bg-white px-4 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="flex min-w-0 items-center gap-2">
          <h1 className="truncate text-[15px] font-semibold tracking-tight" data-testid="editor-title">
            {title}
          </h1>
          {version ? <Badge tone="accent">v{version}</Badge> : <Badge tone="outline">new</Badge>}
          {readOnly ? <Badge tone="outline">read-only{latestVersion ? ` · latest is v${latestVersion}` : ""}</Badge> : null}
          {dirty ? (
            <span className="text-xs text-zinc-500" data-testid="unsaved">
              • unsaved changes
            </span>
          ) : null}
        </div>
        <button
          type="button"
          onClick={() => setErrorsOpen((open) => !open)}
          data-testid="validation-state"
          data-state={validating ? "checking" : problemCount > 0 ? "invalid" : "valid"}
          className={cn(
            "inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-xs font-medium",
            validating
              ? "text-zinc-500"
              : problemCount > 0
                ? "bg-red-50 text-red-700 hover:bg-red-100 dark:bg-red-500/10 dark:text-red-300"
                : "text-emerald-700 dark:text-emerald-400",
          )}
        >
          {validating ? (
            <Loader2 className="size-3.5 animate-spin" aria-hidden />
          ) : problemCount > 0 ? (
            <AlertTriangle className="size-3.5" aria-hidden />
          ) : (
            <CheckCircle2 className="size-3.5" aria-hidden />
          )}
          {validating ? "Checking…" : problemCount > 0 ? `${problemCount} problem${problemCount === 1 ? "" : "s"}` : "Valid"}
        </button>
        <div className="ml-auto flex items-center gap-1">
          {savedName && versionList.length > 0 ? <VersionsMenu name={savedName} versions={versionList} current={version} /> : null}
          <Button variant="ghost" aria-label="Undo" title="Undo (Ctrl/Cmd+Z)" disabled={readOnly || !canUndo(history)} onClick={() => dispatch({ type: "undo" })} className="px-2">
            <Undo2 className="size-4" aria-hidden />
          </Button>
          <Button variant="ghost" aria-label="Redo" title="Redo (Shift+Ctrl/Cmd+Z)" disabled={readOnly || !canRedo(history)} onClick={() => dispatch({ type: "redo" })} className="px-2">
            <Redo2 className="size-4" aria-hidden />
          </Button>
          <span className="mx-1 h-5 w-px bg-zinc-200 dark:bg-zinc-700" aria-hidden />
          <Button variant="ghost" title="Auto-layout (left to right)" disabled={readOnly || draft.tasks.length === 0 || busy === "layout"} onClick={() => void runAutoLayout()}>
            <LayoutGrid className="size-4" aria-hidden /> Layout
          </Button>
          <Button variant="ghost" aria-label="Zoom to fit" title="Zoom to fit" onClick={() => void flow.fitView({ padding: 0.15, maxZoom: 1, duration: 200 })} className="px-2">
            <Maximize className="size-4" aria-hidden />
          </Button>
          <span className="mx-1 h-5 w-px bg-zinc-200 dark:bg-zinc-700" aria-hidden />
          <Button variant="ghost" disabled={readOnly} onClick={() => setDialog("import")}>
            <Upload className="size-4" aria-hidden /> Import
          </Button>
          <Button variant="ghost" onClick={() => setDialog("export")}>
            <Download className="size-4" aria-hidden /> Export
          </Button>
          <span className="mx-1 h-5 w-px bg-zinc-200 dark:bg-zinc-700" aria-hidden />
          <Button
            disabled={!savedName || dirty}
            title={!savedName ? "Save the workflow first" : dirty ? "Save your changes first" : "Start an execution"}
            onClick={() => setDialog("run")}
          >
            <Play className="size-4" aria-hidden /> Run
          </Button>
          {readOnly ? null : (
            <Button variant="primary" onClick={() => void save()} disabled={busy === "save"} title="Save as a new version (Ctrl/Cmd+S)">
              {busy === "save" ? <Loader2 className="size-4 animate-spin" aria-hidden /> : <Save className="size-4" aria-hidden />} Save
            </Button>
          )}
        </div>
      </header>

      <div className="flex min-h-0 flex-1">
        {readOnly ? null : <Palette onAdd={addFromPalette} />}

        {/* Canvas */}
        <div className="relative flex min-w-0 flex-1 flex-col">
          <div ref={canvasRef} className="min-h-0 flex-1 bg-zinc-50 dark:bg-zinc-950" onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
            <DesignerCanvas
              nodes={restingNodes}
              edges={edges}
              readOnly={readOnly}
              onInit={(initial?.tasks.length ?? 0) > 0 ? onCanvasInit : undefined}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onMoveEnd={onMoveEnd}
              onDelete={onDelete}
              onConnect={onConnect}
              onConnectEnd={onConnectEnd}
              isValidConnection={isValidConnection}
              onPaneClick={onPaneClick}
            />
            {draft.tasks.length === 0 ? (
              <div className="pointer-events-none absolute inset-0 flex items-center justify-center">
                <div className="rounded-xl border border-dashed border-zinc-300 bg-white/80 px-6 py-5 text-center dark:border-zinc-700 dark:bg-zinc-900/80">
                  <p className="text-sm font-medium">An empty canvas</p>
                  <p className="mt-1 max-w-xs text-xs text-zinc-500">Drag a task type from the palette, or click one to add it. Import JSON to start from a file.</p>
                </div>
              </div>
            ) : null}
          </div>
          {errorsOpen ? <ErrorsPanel issues={issues} onFocus={focusTask} onClose={() => setErrorsOpen(false)} /> : null}
        </div>

        {/* Inspector */}
        <aside aria-label="Inspector" className="w-[22rem] shrink-0 overflow-y-auto border-l border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          {selectedTask ? (
            <TaskInspector
              key={selectedTask.key}
              task={selectedTask}
              draft={draft}
              issues={issues}
              readOnly={readOnly}
              onSelectTask={focusTask}
              onChange={(path, value) => commit(setTaskField(draft, selectedTask.key, path, value), `${selectedTask.key}:${path.join(".")}`)}
              onRename={(newKey) => {
                commit(renameTask(draft, selectedTask.key, newKey));
                setSelection({ nodes: [newKey], edges: [] });
              }}
            />
          ) : selection.nodes.length > 1 ? (
            <div className="px-4 py-6 text-sm text-zinc-500">
              {selection.nodes.length} tasks selected. Copy (Ctrl/Cmd+C), duplicate (Ctrl/Cmd+D) or delete them.
            </div>
          ) : (
            <WorkflowInspector draft={draft} issues={issues} readOnly={readOnly} onChange={(path, value) => commit(setWorkflowField(draft, path, value), `workflow:${path.join(".")}`)} />
          )}
        </aside>
      </div>

      <ImportDialog
        open={dialog === "import"}
        onOpenChange={(open) => setDialog(open ? "import" : null)}
        onApply={(definition) => {
          commit(asDraft(definition));
          setSelection(NO_SELECTION);
          toast.success(`Imported ${definition.name}`, { description: `${definition.tasks.length} task${definition.tasks.length === 1 ? "" : "s"}; save to make it a version.` });
          setFitRequest((n) => n + 1);
        }}
      />
      <ExportDialog
        open={dialog === "export"}
        onOpenChange={(open) => setDialog(open ? "export" : null)}
        text={exportText}
        fileName={`${draft.name || "workflow"}.json`}
        problems={problemCount}
      />
      {dialog === "run" ? (
        <RunDialog
          open
          onOpenChange={(open) => setDialog(open ? "run" : null)}
          schema={asDefinition(draft).input}
          starting={busy === "run"}
          onStart={(input) => void startRun(input)}
        />
      ) : null}
    </div>
  );
}

const FIT_VIEW_OPTIONS = { padding: 0.2, maxZoom: 1 };
const PRO_OPTIONS = { hideAttribution: true };
const DELETE_KEYS = ["Backspace", "Delete"];
const MULTI_SELECTION_KEYS = ["Shift", "Meta", "Control"];
/** Graphs bigger than this draw only the nodes and edges inside the viewport. @default 200 */
const VISIBLE_ONLY_ABOVE = 200;
const isZoomedOut = (state: ReactFlowState) => state.transform[2] < DETAIL_MIN_ZOOM;
const minimapNodeColor = (node: TaskFlowNode) => (node.data.issueCount ? "#ef4444" : "#a1a1aa");

type DesignerCanvasProps = {
  /** The nodes at rest (positions from the document). */
  nodes: TaskFlowNode[];
  edges: Edge[];
  readOnly: boolean;
  /**
   * Sets the view when the canvas is ready (a stored workflow). An empty canvas stays put: were it
   * fitted when the first task is dropped, the view would jump under the mouse.
   */
  onInit?: () => void;
  /** Every node change except drag moves (dimensions, selection). */
  onNodesChange: (changes: NodeChange<TaskFlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange[]) => void;
  /** A drag ended: where the dragged nodes are now. */
  onMoveEnd: (positions: Record<string, Point>) => void;
  onDelete: (deleted: { nodes: TaskFlowNode[]; edges: Edge[] }) => void;
  onConnect: (connection: Connection) => void;
  onConnectEnd: (event: MouseEvent | TouchEvent, state: FinalConnectionState) => void;
  isValidConnection: (connection: Connection | Edge) => boolean;
  onPaneClick: () => void;
};

/**
 * The React Flow canvas. It keeps the positions of a drag in progress to itself, so a mouse move
 * re-renders the canvas and the dragged nodes only, not the toolbar, palette and inspector; the
 * document (and the undo history) changes once, when the drag ends.
 */
const DesignerCanvas = memo(function DesignerCanvas({ nodes: restingNodes, edges: detailedEdges, onNodesChange, onMoveEnd, readOnly, ...props }: DesignerCanvasProps) {
  const [dragging, setDragging] = useState<Record<string, Point> | null>(null);
  // Zoomed out (cards drawn as plain blocks), edges lose their arrowheads (sub-pixel there) and
  // their wide invisible hit area: hundreds fewer shapes to paint and hit-test on every mouse move.
  const zoomedOut = useStore(isZoomedOut);
  const edges = useMemo(
    () => (zoomedOut ? detailedEdges.map((edge) => ({ ...edge, markerEnd: undefined, interactionWidth: 0 })) : detailedEdges),
    [detailedEdges, zoomedOut],
  );
  // While dragging only the dragged nodes get new objects, so React Flow re-renders only them.
  const nodes = useMemo<TaskFlowNode[]>(
    () => (dragging ? restingNodes.map((node) => (dragging[node.id] ? { ...node, position: dragging[node.id]! } : node)) : restingNodes),
    [restingNodes, dragging],
  );
  const onChange = useCallback(
    (changes: NodeChange<TaskFlowNode>[]) => {
      let moved: Record<string, Point> | null = null;
      const rest: NodeChange<TaskFlowNode>[] = [];
      for (const change of changes) {
        if (change.type === "position") {
          if (change.position && change.dragging) (moved ??= {})[change.id] = change.position;
        } else rest.push(change);
      }
      if (moved) {
        const add = moved;
        setDragging((old) => ({ ...old, ...add }));
      }
      if (rest.length > 0) onNodesChange(rest);
    },
    [onNodesChange],
  );
  const onNodeDragStop = useCallback(
    (_event: unknown, _node: TaskFlowNode, dragged: TaskFlowNode[]) => {
      onMoveEnd(Object.fromEntries(dragged.map((node) => [node.id, node.position])));
      setDragging(null);
    },
    [onMoveEnd],
  );
  return (
    <ReactFlow<TaskFlowNode, Edge>
      {...props}
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={onChange}
      onNodeDragStop={onNodeDragStop}
      deleteKeyCode={readOnly ? null : DELETE_KEYS}
      selectionKeyCode="Shift"
      multiSelectionKeyCode={MULTI_SELECTION_KEYS}
      nodesDraggable={!readOnly}
      nodesConnectable={!readOnly}
      fitViewOptions={FIT_VIEW_OPTIONS}
      minZoom={0.05}
      maxZoom={2}
      onlyRenderVisibleElements={restingNodes.length > VISIBLE_ONLY_ABOVE}
      proOptions={PRO_OPTIONS}
    >
      <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="var(--color-zinc-300)" />
      <MiniMap<TaskFlowNode> pannable zoomable className="!rounded-md !border !border-zinc-200 dark:!border-zinc-700" nodeColor={minimapNodeColor} />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
});

function ErrorsPanel({ issues, onFocus, onClose }: { issues: PlacedIssue[]; onFocus: (taskKey: string) => void; onClose: () => void }) {
  return (
    <section aria-label="Problems" className="flex max-h-56 shrink-0 flex-col border-t border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900" data-testid="errors-panel">
      <div className="flex items-center justify-between px-4 py-2">
        <h2 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">
          Problems <span className="ml-1 rounded bg-zinc-100 px-1.5 py-0.5 tabular-nums dark:bg-zinc-800">{issues.length}</span>
        </h2>
        <button type="button" onClick={onClose} className="text-xs text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200">
          Hide
        </button>
      </div>
      {issues.length === 0 ? (
        <p className="px-4 pb-3 text-sm text-emerald-700 dark:text-emerald-400">No problems: the workflow is valid.</p>
      ) : (
        <ul className="overflow-y-auto pb-2">
          {issues.map((issue, index) => (
            <li key={index}>
              <button
                type="button"
                disabled={!issue.taskKey}
                onClick={() => issue.taskKey && onFocus(issue.taskKey)}
                className="flex w-full items-baseline gap-3 px-4 py-1 text-left text-[13px] hover:bg-zinc-50 disabled:cursor-default dark:hover:bg-zinc-800/60"
                data-testid="problem"
              >
                <AlertTriangle className="size-3.5 shrink-0 translate-y-0.5 text-red-500" aria-hidden />
                <span className="w-28 shrink-0 truncate font-mono text-xs font-semibold text-zinc-700 dark:text-zinc-300">{issue.taskKey ?? "workflow"}</span>
                <span className="min-w-0 flex-1 text-zinc-700 dark:text-zinc-300">{issue.message}</span>
                <code className="shrink-0 font-mono text-[11px] text-zinc-400">{issue.path || "(root)"}</code>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
