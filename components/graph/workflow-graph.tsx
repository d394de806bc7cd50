"use client";

import { Background, BackgroundVariant, ControlButton, Controls, MarkerType, ReactFlow, ReactFlowProvider, type Edge } from "@xyflow/react";
import { Maximize } from "lucide-react";
import { useCallback, useMemo, useRef } from "react";
import type { FlowEdge, FlowNode } from "@/lib/canvas/definition-to-flow";
import { TaskNode, type TaskFlowNode } from "@/components/graph/task-node";
import { VIEW_UNPLACED, useFitView } from "@/components/graph/use-fit-view";

// Module level, so React Flow does not see a new object on every render.
const nodeTypes = { task: TaskNode };
/** A thumbnail (not interactive) shows the whole graph, however small; an interactive graph keeps cards readable (lib/canvas/fit-view.ts). */
const THUMBNAIL_FIT = { minZoom: 0.02 };
const INTERACTIVE_FIT = {};

type WorkflowGraphProps = {
  nodes: FlowNode[];
  edges: FlowEdge[];
  interactive?: boolean;
  className?: string;
};

/**
 * A read-only rendering of a workflow graph with positions already laid out (server-side), so it
 * draws in its final shape with no layout flash. It sits inside a scrolling page, so the mouse
 * wheel scrolls the page; an `interactive` graph pans by drag and zooms with Ctrl/Cmd + wheel, a
 * pinch, a double click or its zoom buttons. It opens (and "Zoom to fit" goes) to the shared fit
 * (components/graph/use-fit-view.ts): whole when readable, else the graph's start.
 */
export function WorkflowGraph(props: WorkflowGraphProps) {
  return (
    <ReactFlowProvider>
      <Graph {...props} />
    </ReactFlowProvider>
  );
}

function Graph({ nodes, edges, interactive = false, className }: WorkflowGraphProps) {
  const container = useRef<HTMLDivElement>(null);
  const { fit, placed } = useFitView(container, interactive ? INTERACTIVE_FIT : THUMBNAIL_FIT);
  const onInit = useCallback(() => fit(), [fit]);
  const flowNodes = useMemo<TaskFlowNode[]>(
    () => nodes.map((node) => ({ ...node, draggable: false, connectable: false, selectable: interactive })),
    [nodes, interactive],
  );
  const flowEdges = useMemo<Edge[]>(
    () =>
      edges.map((edge) => ({
        ...edge,
        type: "smoothstep",
        markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
        labelBgPadding: [4, 2] as [number, number],
        labelBgBorderRadius: 4,
      })),
    [edges],
  );
  return (
    <div ref={container} className={className} data-testid="workflow-graph">
      <ReactFlow
        nodes={flowNodes}
        edges={flowEdges}
        nodeTypes={nodeTypes}
        onInit={onInit}
        className={placed ? undefined : VIEW_UNPLACED}
        minZoom={0.02}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={interactive}
        edgesFocusable={interactive}
        elementsSelectable={interactive}
        panOnDrag={interactive}
        zoomOnScroll={false}
        zoomActivationKeyCode={interactive ? ["Control", "Meta"] : null}
        zoomOnPinch={interactive}
        zoomOnDoubleClick={interactive}
        preventScrolling={false}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="var(--color-zinc-300)" />
        {interactive ? (
          <Controls showInteractive={false} showFitView={false}>
            <ControlButton onClick={() => fit({ duration: 200 })} aria-label="Zoom to fit" title="Zoom to fit">
              <Maximize aria-hidden />
            </ControlButton>
          </Controls>
        ) : null}
      </ReactFlow>
    </div>
  );
}
