"use client";

import { Background, BackgroundVariant, Controls, MarkerType, ReactFlow, type Edge } from "@xyflow/react";
import { useMemo } from "react";
import type { FlowEdge, FlowNode } from "@/lib/canvas/definition-to-flow";
import { TaskNode, type TaskFlowNode } from "@/components/graph/task-node";

// Module level, so React Flow does not see a new object on every render.
const nodeTypes = { task: TaskNode };

/**
 * A read-only rendering of a workflow graph with positions already laid out (server-side), so it
 * draws in its final shape with no layout flash. It sits inside a scrolling page, so the mouse
 * wheel scrolls the page; an `interactive` graph pans by drag and zooms with Ctrl/Cmd + wheel, a
 * pinch, a double click or its zoom buttons.
 */
export function WorkflowGraph({
  nodes,
  edges,
  interactive = false,
  className,
}: {
  nodes: FlowNode[];
  edges: FlowEdge[];
  interactive?: boolean;
  className?: string;
}) {
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
    <div className={className} data-testid="workflow-graph">
      <ReactFlow
        nodes={flowNodes}
        edges={flowEdges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.12, maxZoom: 1 }}
        minZoom={0.1}
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
        {interactive ? <Controls showInteractive={false} /> : null}
      </ReactFlow>
    </div>
  );
}
