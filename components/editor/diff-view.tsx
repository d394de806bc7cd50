"use client";

import { Background, BackgroundVariant, Controls, MarkerType, ReactFlow, type Edge } from "@xyflow/react";
import { useMemo } from "react";
import { Minus, MoveRight, Pencil, Plus } from "lucide-react";
import type { WorkflowDiff } from "@/lib/editor/diff";
import type { DiffFlowEdge, DiffFlowNode } from "@/lib/editor/diff-graph";
import { TaskNode, type TaskFlowNode } from "@/components/graph/task-node";

const nodeTypes = { task: TaskNode };

function show(value: unknown): string {
  if (value === undefined) return "—";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

export function DiffView({ diff, nodes, edges }: { diff: WorkflowDiff; nodes: DiffFlowNode[]; edges: DiffFlowEdge[] }) {
  const flowNodes = useMemo<TaskFlowNode[]>(() => nodes.map((node) => ({ ...node, draggable: false, connectable: false })), [nodes]);
  const flowEdges = useMemo<Edge[]>(
    () =>
      edges.map((edge) => ({
        ...edge,
        type: "smoothstep",
        markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
        style:
          edge.className === "diff-removed"
            ? { stroke: "var(--color-red-500)", strokeDasharray: "5 4" }
            : edge.className === "diff-added"
              ? { stroke: "var(--color-emerald-500)", strokeWidth: 2 }
              : undefined,
      })),
    [edges],
  );
  return (
    <div className="grid gap-6 p-8 lg:grid-cols-[1fr_24rem]">
      <section aria-label="Graph diff" className="h-[32rem] overflow-hidden rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <ReactFlow nodes={flowNodes} edges={flowEdges} nodeTypes={nodeTypes} fitView fitViewOptions={{ padding: 0.15, maxZoom: 1 }} minZoom={0.1} nodesDraggable={false} nodesConnectable={false} proOptions={{ hideAttribution: true }}>
          <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="var(--color-zinc-300)" />
          <Controls showInteractive={false} />
        </ReactFlow>
      </section>
      <section aria-label="Changes" className="rounded-xl border border-zinc-200 bg-white text-sm dark:border-zinc-800 dark:bg-zinc-900" data-testid="diff-list">
        <h2 className="border-b border-zinc-100 px-4 py-2.5 font-semibold dark:border-zinc-800">Changes</h2>
        <ul className="flex flex-col gap-2 p-4">
          {diff.identical ? <li className="text-zinc-500">The two versions are identical.</li> : null}
          {diff.layoutOnly ? (
            <li className="flex gap-2 text-zinc-600 dark:text-zinc-300">
              <MoveRight className="mt-0.5 size-4 shrink-0 text-zinc-400" aria-hidden /> Layout only: {diff.moved.join(", ")} moved; nothing was rewired or reconfigured.
            </li>
          ) : null}
          {diff.workflowFields.map((field) => (
            <li key={field.field} className="flex gap-2">
              <Pencil className="mt-0.5 size-4 shrink-0 text-amber-500" aria-hidden />
              <span>
                workflow <code className="font-mono text-xs">{field.field}</code>
                <span className="block font-mono text-[11px] text-zinc-500">{show(field.before)} → {show(field.after)}</span>
              </span>
            </li>
          ))}
          {diff.added.map((key) => (
            <li key={`+${key}`} className="flex gap-2" data-change="added">
              <Plus className="mt-0.5 size-4 shrink-0 text-emerald-600" aria-hidden /> task <code className="font-mono text-xs font-semibold">{key}</code> added
            </li>
          ))}
          {diff.removed.map((key) => (
            <li key={`-${key}`} className="flex gap-2" data-change="removed">
              <Minus className="mt-0.5 size-4 shrink-0 text-red-600" aria-hidden /> task <code className="font-mono text-xs font-semibold">{key}</code> removed
            </li>
          ))}
          {diff.changed.map((change) => (
            <li key={`~${change.taskKey}`} className="flex gap-2" data-change="changed">
              <Pencil className="mt-0.5 size-4 shrink-0 text-amber-500" aria-hidden />
              <span className="min-w-0">
                task <code className="font-mono text-xs font-semibold">{change.taskKey}</code> changed
                <ul className="mt-1 flex flex-col gap-0.5 font-mono text-[11px] text-zinc-500">
                  {change.fields.map((field) => (
                    <li key={field.field} className="break-all">
                      {field.field}: {show(field.before)} → {show(field.after)}
                    </li>
                  ))}
                  {change.dependenciesAdded.map((key) => (
                    <li key={`da${key}`} className="text-emerald-700">+ depends on {key}</li>
                  ))}
                  {change.dependenciesRemoved.map((key) => (
                    <li key={`dr${key}`} className="text-red-700">− depends on {key}</li>
                  ))}
                </ul>
              </span>
            </li>
          ))}
          {!diff.layoutOnly && diff.moved.length > 0 ? <li className="text-xs text-zinc-500">Also moved: {diff.moved.join(", ")}</li> : null}
        </ul>
      </section>
    </div>
  );
}
