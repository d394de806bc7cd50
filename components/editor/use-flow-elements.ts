"use client";

import { useCallback, useMemo, useState } from "react";
import { MarkerType, type Edge, type EdgeChange, type NodeChange } from "@xyflow/react";
import { definitionToFlow, TASK_NODE_HEIGHT, TASK_NODE_WIDTH } from "@/lib/canvas/definition-to-flow";
import { asDefinition, type DraftDefinition } from "@/lib/editor/document";
import type { TaskFlowNode } from "@/components/graph/task-node";
import { useKeepUnchanged } from "@/components/graph/use-keep-unchanged";
import type { Selection } from "@/components/editor/use-selection";

type Size = { width: number; height: number };

type FlowElementsOptions = {
  draft: DraftDefinition;
  selection: Selection;
  setSelection: (update: (old: Selection) => Selection) => void;
  readOnly: boolean;
  /** Problems per task key, shown on the cards and the minimap. */
  issueCounts: Map<string, number>;
  /** Each task's status in the Test panel's last run, shown on its card; null when none is shown. */
  testStatuses?: ReadonlyMap<string, string> | null;
};

/**
 * The canvas's nodes and edges, drawn from the document, the selection, the problems and the sizes
 * React Flow measured; and the handlers that feed selection and sizes back (not positions: see
 * DesignerCanvas). `graph` is the document's plain graph (for the auto-layout).
 */
export function useFlowElements({ draft, selection, setSelection, readOnly, issueCounts, testStatuses = null }: FlowElementsOptions) {
  const [measured, setMeasured] = useState<Record<string, Size>>({});
  const graph = useMemo(() => definitionToFlow(asDefinition(draft)), [draft]);
  const selectedNodes = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  const selectedEdges = useMemo(() => new Set(selection.edges), [selection.edges]);
  // useKeepUnchanged: an element whose content did not change keeps its object, so React Flow redraws
  // only the cards and edges a change touched (a selection, a rename), not all 500.
  const derivedNodes = useMemo<TaskFlowNode[]>(
    () =>
      graph.nodes.map((node) => ({
        ...node,
        selected: selectedNodes.has(node.id),
        ...(measured[node.id] ? { measured: measured[node.id] } : {}),
        draggable: !readOnly,
        // Known sizes: React Flow can leave out off-screen cards before it has measured them.
        width: TASK_NODE_WIDTH,
        height: TASK_NODE_HEIGHT,
        data: { ...node.data, editable: !readOnly, issueCount: issueCounts.get(node.id) ?? 0, ...(testStatuses?.has(node.id) ? { testStatus: testStatuses.get(node.id) } : {}) },
      })),
    [graph.nodes, selectedNodes, measured, readOnly, issueCounts, testStatuses],
  );
  const nodes = useKeepUnchanged(derivedNodes);
  const derivedEdges = useMemo<Edge[]>(
    () =>
      graph.edges.map((edge) => ({
        ...edge,
        type: "smoothstep",
        selected: selectedEdges.has(edge.id),
        markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
        labelBgPadding: [4, 2] as [number, number],
        labelBgBorderRadius: 4,
        deletable: !readOnly,
      })),
    [graph.edges, selectedEdges, readOnly],
  );
  const edges = useKeepUnchanged(derivedEdges);

  // Position changes while dragging stay inside DesignerCanvas; it reports the rest here.
  const onNodesChange = useCallback(
    (changes: NodeChange<TaskFlowNode>[]) => {
      let nextMeasured: Record<string, Size> | null = null;
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
    },
    [setSelection],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
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
    },
    [setSelection],
  );

  return { graph, nodes, edges, onNodesChange, onEdgesChange };
}
