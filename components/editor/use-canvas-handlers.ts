"use client";

import { useCallback, type DragEvent, type RefObject } from "react";
import { useReactFlow, type Connection, type Edge, type FinalConnectionState } from "@xyflow/react";
import { toast } from "sonner";
import type { TaskType } from "@/lib/workflow";
import { TASK_NODE_HEIGHT, TASK_NODE_WIDTH } from "@/lib/canvas/definition-to-flow";
import { addTask, checkConnection, connect, moveTasks, removeEdges, removeTasks, type DraftDefinition, type Point } from "@/lib/editor/document";
import type { TaskFlowNode } from "@/components/graph/task-node";
import { TASK_TYPE_MIME } from "@/components/editor/palette";
import { NO_SELECTION, type Selection } from "@/components/editor/use-selection";
import { useFitView } from "@/components/graph/use-fit-view";

type CanvasHandlerOptions = {
  draft: DraftDefinition;
  selection: Selection;
  setSelection: (selection: Selection) => void;
  commit: (next: DraftDefinition) => void;
  readOnly: boolean;
  /** The canvas element: the palette adds tasks at its centre. */
  canvasRef: RefObject<HTMLDivElement | null>;
};

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

/**
 * The edits made on the canvas, each one undo step: moving (when a drag ends), deleting, connecting
 * (a refused connection says why), adding from the palette (click or drop), and focusing a task.
 */
export function useCanvasHandlers({ draft, selection, setSelection, commit, readOnly, canvasRef }: CanvasHandlerOptions) {
  const flow = useReactFlow();

  // One undo step per drag: the document changes when the drag ends, not on every move.
  const onMoveEnd = useCallback((positions: Record<string, Point>) => commit(moveTasks(draft, positions)), [commit, draft]);
  const onPaneClick = useCallback(() => setSelection(NO_SELECTION), [setSelection]);

  const onDelete = useCallback(
    ({ nodes: deletedNodes, edges: deletedEdges }: { nodes: TaskFlowNode[]; edges: Edge[] }) => {
      let next = removeEdges(draft, deletedEdges.map((edge) => ({ source: edge.source, target: edge.target })));
      next = removeTasks(next, deletedNodes.map((node) => node.id));
      commit(next);
      setSelection(NO_SELECTION);
    },
    [commit, draft, setSelection],
  );

  const isValidConnection = useCallback(
    (connection: Connection | Edge) => checkConnection(draft, connection.source, connection.target).ok,
    [draft],
  );
  const onConnect = useCallback(
    (connection: Connection) => {
      const result = connect(draft, connection.source, connection.target, connection.sourceHandle);
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

  const addAt = useCallback(
    (type: TaskType, position: Point, connectFrom?: string) => {
      const added = addTask(draft, type, position);
      let next = added.draft;
      if (connectFrom) next = connect(next, connectFrom, added.taskKey).draft;
      commit(next);
      setSelection({ nodes: [added.taskKey], edges: [] });
    },
    [commit, draft, setSelection],
  );

  /** A click in the palette: right of the one selected task (connected to it), else mid-canvas. */
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
    [addAt, canvasRef, draft, flow, selection.nodes],
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

  /** Selects a task and centres the view on it (a problem in the list, a task named in the inspector, the node search). */
  const { focus } = useFitView(canvasRef);
  const focusTask = useCallback(
    (taskKey: string) => {
      setSelection({ nodes: [taskKey], edges: [] });
      const point = draft.layout?.[taskKey];
      if (point) focus(point);
    },
    [draft.layout, focus, setSelection],
  );

  return { onMoveEnd, onPaneClick, onDelete, isValidConnection, onConnect, onConnectEnd, addFromPalette, onDragOver, onDrop, focusTask };
}
