"use client";

import Link from "next/link";
import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  useStore,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type ReactFlowState,
} from "@xyflow/react";
import { Maximize } from "lucide-react";
import { memo, useCallback, useMemo, useState } from "react";
import type { Point } from "@/lib/editor/document";
import { DETAIL_MIN_ZOOM, TaskNode, type TaskFlowNode } from "@/components/graph/task-node";

// Module level, so React Flow does not see a new object on every render.
const nodeTypes = { task: TaskNode };
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
  /** VIEW_UNPLACED (use-fit-view.ts) until the opening view is set. */
  className?: string;
  /** The zoom buttons' "fit view": the same fit as the toolbar's (use-opening-view.ts), not React Flow's, which goes down to minZoom. */
  onFit: () => void;
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
export const DesignerCanvas = memo(function DesignerCanvas({ nodes: restingNodes, edges: detailedEdges, onNodesChange, onMoveEnd, onFit, readOnly, ...props }: DesignerCanvasProps) {
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
      minZoom={0.05}
      maxZoom={2}
      onlyRenderVisibleElements={restingNodes.length > VISIBLE_ONLY_ABOVE}
      proOptions={PRO_OPTIONS}
    >
      <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="var(--color-zinc-300)" />
      <MiniMap<TaskFlowNode> pannable zoomable className="!rounded-md !border !border-zinc-200 dark:!border-zinc-700" nodeColor={minimapNodeColor} />
      <Controls showInteractive={false} showFitView={false}>
        <ControlButton onClick={onFit} aria-label="Fit view" title="Fit view">
          <Maximize aria-hidden />
        </ControlButton>
      </Controls>
    </ReactFlow>
  );
});

/** Shown over an empty canvas: how to start. */
export function EmptyCanvasHint() {
  return (
    <div className="pointer-events-none absolute inset-0 flex items-center justify-center">
      <div className="rounded-xl border border-dashed border-zinc-300 bg-white/80 px-6 py-5 text-center dark:border-zinc-700 dark:bg-zinc-900/80">
        <p className="text-sm font-medium">An empty canvas</p>
        <p className="mt-1 max-w-xs text-xs text-zinc-500">
          Drag a task type from the palette, or click one to add it. Import JSON to start from a file, or{" "}
          <Link href="/workflows/new" className="pointer-events-auto font-medium text-accent-700 underline-offset-2 hover:underline dark:text-accent-100">
            start from a template
          </Link>
          .
        </p>
      </div>
    </div>
  );
}
