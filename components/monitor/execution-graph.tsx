"use client";

import { Background, BackgroundVariant, ControlButton, Controls, MiniMap, ReactFlow, ReactFlowProvider, type Edge } from "@xyflow/react";
import { Maximize } from "lucide-react";
import { useCallback, useMemo, useRef } from "react";
import { MonitorTaskNode, type MonitorFlowNode } from "@/components/monitor/monitor-task-node";
import { NodeSearch } from "@/components/graph/node-search";
import { VIEW_UNPLACED, useFitView } from "@/components/graph/use-fit-view";
import { useNodeSearch } from "@/components/graph/use-node-search";

const nodeTypes = { monitorTask: MonitorTaskNode };
const PRO_OPTIONS = { hideAttribution: true };
/** Graphs with more tasks than this get a minimap. @default 12 */
const MINIMAP_ABOVE = 12;

type ExecutionGraphProps = {
  nodes: MonitorFlowNode[];
  edges: Edge[];
  /** A card clicked, or found by the search (null: the pane clicked). */
  onSelect: (taskKey: string | null) => void;
};

/**
 * The monitor's graph: opens fitted when readable, else on the graph's start (use-fit-view.ts),
 * "Zoom to fit" does the same, and Ctrl/⌘+K (or Ctrl/⌘+F on the graph) finds a task, centres and
 * selects it.
 */
export function ExecutionGraph(props: ExecutionGraphProps) {
  return (
    <ReactFlowProvider>
      <Graph {...props} />
    </ReactFlowProvider>
  );
}

function Graph({ nodes, edges, onSelect }: ExecutionGraphProps) {
  const container = useRef<HTMLDivElement>(null);
  const { fit, focus, placed } = useFitView(container);
  const search = useNodeSearch(container);
  const searchable = useMemo(() => nodes.map((node) => node.data), [nodes]);
  const onInit = useCallback(() => fit(), [fit]);
  const pick = useCallback(
    (key: string) => {
      const node = nodes.find((candidate) => candidate.id === key);
      if (!node) return;
      onSelect(key);
      focus(node.position);
    },
    [nodes, onSelect, focus],
  );
  return (
    <div ref={container} className="h-[30rem]" data-testid="execution-graph">
      <ReactFlow<MonitorFlowNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onInit={onInit}
        className={placed ? undefined : VIEW_UNPLACED}
        minZoom={0.05}
        nodesDraggable={false}
        nodesConnectable={false}
        onNodeClick={(_event, node) => onSelect(node.id)}
        onPaneClick={() => onSelect(null)}
        proOptions={PRO_OPTIONS}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="var(--color-zinc-300)" />
        <Controls showInteractive={false} showFitView={false}>
          <ControlButton onClick={() => fit({ duration: 200 })} aria-label="Zoom to fit" title="Zoom to fit">
            <Maximize aria-hidden />
          </ControlButton>
        </Controls>
        {nodes.length > MINIMAP_ABOVE ? <MiniMap pannable zoomable /> : null}
      </ReactFlow>
      <NodeSearch open={search.open} onOpenChange={search.setOpen} tasks={searchable} onPick={pick} />
    </div>
  );
}
