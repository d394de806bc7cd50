"use client";

import Link from "next/link";
import { Background, BackgroundVariant, Controls, MarkerType, MiniMap, ReactFlow, type Edge } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { ALL_STATUSES } from "@/lib/engine/statuses";
import type { FlowEdge, FlowNode } from "@/lib/canvas/definition-to-flow";
import { formatDurationMs, formatUtc, isEdgeTaken, overlayFor } from "@/lib/canvas/execution-overlay";
import type { ExecutionView as Execution, TaskView } from "@/lib/services/executions";
import { MonitorTaskNode, type MonitorFlowNode } from "@/components/monitor/monitor-task-node";
import { JsonView } from "@/components/monitor/json-view";
import { StatusBadge, StatusLegend, isFinishedExecution } from "@/components/monitor/status-visual";
import { TaskTimeline } from "@/components/monitor/task-timeline";
import { useLiveExecution, type LiveMode } from "@/components/monitor/use-live-execution";
import { cn } from "@/components/ui/cn";
import { ExecutionActions, TaskActions } from "@/components/monitor/execution-actions";
import { useCan } from "@/components/auth/viewer-context";
import { ExecutionHistory, historyKey } from "@/components/monitor/execution-history";
import { RerunDialog } from "@/components/monitor/rerun-dialog";

const nodeTypes = { monitorTask: MonitorTaskNode };

export type ExecutionViewProps = {
  initial: Execution;
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** Retry policy's maximumAttempts per task key (for "attempt 2/3"). */
  maxAttempts: Record<string, number>;
  children?: React.ReactNode;
};

/** The clock for running durations: ticks every second while something runs. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function ExecutionView({ initial, nodes, edges, maxAttempts }: ExecutionViewProps) {
  const canOperate = useCan("operator");
  const { execution, mode, refetch } = useLiveExecution(initial.id, initial);
  const [selected, setSelected] = useState<string | null>(null);
  const [rerunFrom, setRerunFrom] = useState<string | null>(null);
  const [previewReset, setPreviewReset] = useState<string[] | null>(null);
  const onChanged = useCallback(() => void refetch(), [refetch]);
  const finished = isFinishedExecution(execution.status);
  const now = useNow(!finished);

  const flowNodes = useMemo<MonitorFlowNode[]>(
    () =>
      nodes.map((node) => ({
        ...node,
        type: "monitorTask" as const,
        draggable: false,
        connectable: false,
        selected: node.id === selected,
        data: {
          ...node.data,
          ...overlayFor(node.id, execution.tasks, maxAttempts[node.id] ?? null, now),
          preview: previewReset ? (previewReset.includes(node.id) ? ("reset" as const) : ("kept" as const)) : undefined,
        },
      })),
    [nodes, execution.tasks, maxAttempts, now, selected, previewReset],
  );
  const statusByKey = useMemo(() => new Map(flowNodes.map((node) => [node.id, node.data.status])), [flowNodes]);
  const flowEdges = useMemo<Edge[]>(
    () =>
      edges.map((edge) => {
        const taken = isEdgeTaken(statusByKey.get(edge.source) ?? "PENDING", statusByKey.get(edge.target) ?? "PENDING");
        return {
          ...edge,
          type: "smoothstep",
          animated: taken && statusByKey.get(edge.target) === "RUNNING",
          markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14, color: taken ? "var(--color-emerald-600)" : undefined },
          style: taken ? { stroke: "var(--color-emerald-600)", strokeWidth: 2 } : { strokeDasharray: "4 4" },
          data: { taken },
          className: taken ? "edge-taken" : "edge-not-taken",
        };
      }),
    [edges, statusByKey],
  );
  const presentStatuses = ALL_STATUSES.filter((status) => flowNodes.some((node) => node.data.status === status));
  const selectedTasks = selected ? execution.tasks.filter((task) => task.taskKey === selected) : [];

  return (
    <div className="grid gap-5 p-6 xl:grid-cols-[minmax(0,1fr)_24rem]">
      <section aria-label="Execution graph" className="flex min-w-0 flex-col overflow-hidden rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-100 px-4 py-2 dark:border-zinc-800">
          <div className="flex flex-wrap items-center gap-3">
            <StatusBadge status={execution.status} className="text-sm" />
            {canOperate ? <ExecutionActions execution={execution} onChanged={onChanged} /> : null}
          </div>
          <LiveIndicator mode={mode} finished={finished} />
        </div>
        <div className="h-[30rem]" data-testid="execution-graph">
          <ReactFlow
            nodes={flowNodes}
            edges={flowEdges}
            nodeTypes={nodeTypes}
            fitView
            fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
            minZoom={0.1}
            nodesDraggable={false}
            nodesConnectable={false}
            onNodeClick={(_event, node) => setSelected(node.id)}
            onPaneClick={() => setSelected(null)}
            proOptions={{ hideAttribution: true }}
          >
            <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="var(--color-zinc-300)" />
            <Controls showInteractive={false} />
            {nodes.length > 12 ? <MiniMap pannable zoomable /> : null}
          </ReactFlow>
        </div>
        <div className="border-t border-zinc-100 px-4 py-2 dark:border-zinc-800">
          <StatusLegend statuses={presentStatuses} />
        </div>
      </section>
      <aside aria-label="Inspector" className="min-w-0 rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        {selected ? (
          <TaskInspector
            taskKey={selected}
            tasks={selectedTasks}
            onClose={() => setSelected(null)}
            actions={
              canOperate ? (
              <TaskActions
                execution={execution}
                taskKey={selected}
                task={selectedTasks.find((task) => task.mapIndex === -1)}
                taskType={nodes.find((node) => node.id === selected)?.data.taskType ?? ""}
                onChanged={onChanged}
                onRerun={() => setRerunFrom(selected)}
              />
              ) : null
            }
          />
        ) : (
          <ExecutionOverview execution={execution} now={now} />
        )}
      </aside>
      {rerunFrom ? (
        <RerunDialog execution={execution} taskKey={rerunFrom} onClose={() => setRerunFrom(null)} onPreview={setPreviewReset} onDone={onChanged} />
      ) : null}
      <section aria-label="Timeline" className="rounded-xl border border-zinc-200 bg-white p-4 xl:col-span-2 dark:border-zinc-800 dark:bg-zinc-900">
        <h2 className="mb-3 text-sm font-semibold">Timeline</h2>
        <TaskTimeline execution={execution} order={nodes.map((node) => node.id)} now={now} onSelect={setSelected} />
      </section>
    </div>
  );
}

function LiveIndicator({ mode, finished }: { mode: LiveMode; finished: boolean }) {
  const label = finished ? "Finished" : mode === "live" ? "Live" : mode === "polling" ? "Polling every 2 s" : "Connecting…";
  return (
    <span className="flex items-center gap-1.5 text-xs text-zinc-500" data-testid="live-indicator" data-mode={finished ? "finished" : mode}>
      <span className={cn("size-2 rounded-full", finished ? "bg-zinc-300" : mode === "live" ? "bg-emerald-500 animate-pulse" : "bg-amber-400")} aria-hidden />
      {label}
    </span>
  );
}

function ExecutionOverview({ execution, now }: { execution: Execution; now: number }) {
  const started = execution.startedAt ? Date.parse(execution.startedAt) : null;
  const ended = execution.endedAt ? Date.parse(execution.endedAt) : null;
  return (
    <div className="flex flex-col gap-4 p-4">
      <h2 className="text-sm font-semibold">Execution</h2>
      <p className="-mt-2 text-xs text-zinc-500">Select a task on the graph to inspect it.</p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-xs" aria-label="Timings">
        <dt className="text-zinc-500">Created</dt>
        <dd>{formatUtc(execution.createdAt)}</dd>
        <dt className="text-zinc-500">Started</dt>
        <dd>{execution.startedAt ? formatUtc(execution.startedAt) : "not yet"}</dd>
        <dt className="text-zinc-500">Ended</dt>
        <dd>{execution.endedAt ? formatUtc(execution.endedAt) : "—"}</dd>
        <dt className="text-zinc-500">{ended ? "Took" : "Running for"}</dt>
        <dd className="tabular-nums" data-testid="execution-duration">
          {started ? formatDurationMs((ended ?? now) - started) : "—"}
        </dd>
        {execution.createdBy ? (
          <>
            <dt className="text-zinc-500">Started by</dt>
            <dd>{execution.createdBy}</dd>
          </>
        ) : null}
      </dl>
      <ExecutionHistory executionId={execution.id} changeKey={historyKey(execution)} />
      {execution.error ? <JsonView label="Error" value={execution.error} /> : null}
      <JsonView label="Input" value={execution.input} />
      <JsonView label="Output" value={execution.output} empty={isFinishedExecution(execution.status) ? "—" : "Not finished yet"} />
    </div>
  );
}

function TaskInspector({ taskKey, tasks, onClose, actions }: { taskKey: string; tasks: TaskView[]; onClose: () => void; actions: React.ReactNode }) {
  const own = tasks.find((task) => task.mapIndex === -1);
  const items = tasks.filter((task) => task.mapIndex >= 0);
  const attempts = own?.attempts ?? [];
  const latest = attempts[attempts.length - 1];
  return (
    <div className="flex flex-col gap-4 p-4" data-testid="task-inspector">
      <div className="flex items-start justify-between gap-2">
        <div>
          <h2 className="font-mono text-sm font-semibold">{taskKey}</h2>
          <div className="mt-1">{own ? <StatusBadge status={own.status} /> : <StatusBadge status="PENDING" />}</div>
        </div>
        <button type="button" onClick={onClose} className="text-xs text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200">
          Close
        </button>
      </div>
      {actions}
      {!own ? <p className="text-sm text-zinc-500">Not reached yet.</p> : null}
      {latest ? (
        <>
          {latest.error ? <JsonView label="Error" value={latest.error} /> : null}
          <JsonView label="Input" value={latest.input} />
          <JsonView label="Output" value={latest.output} />
          {latest.heartbeatDetails !== null ? (
            <JsonView label={latest.heartbeatAt ? `Progress (last heartbeat ${new Date(latest.heartbeatAt).toLocaleTimeString()})` : "Progress"} value={latest.heartbeatDetails} />
          ) : null}
          {latest.logs ? <JsonView label="Logs" value={latest.logs} /> : null}
          <section aria-label="Attempts">
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Attempts</h3>
            <ol className="flex flex-col gap-1.5">
              {attempts.map((attempt) => (
                <li key={attempt.id} className="rounded-md border border-zinc-100 px-2 py-1.5 text-xs dark:border-zinc-800">
                  <div className="flex items-center justify-between gap-2">
                    <span className="font-medium">#{attempt.attempt}</span>
                    <StatusBadge status={attempt.status} />
                  </div>
                  <div className="mt-1 text-zinc-500">
                    {attempt.startedAt ? new Date(attempt.startedAt).toLocaleTimeString() : "not started"}
                    {attempt.startedAt && attempt.endedAt ? ` · ${formatDurationMs(Date.parse(attempt.endedAt) - Date.parse(attempt.startedAt))}` : ""}
                    {attempt.worker ? ` · ${attempt.worker}` : ""}
                    {attempt.nextRunAt && attempt.status === "RETRYING" ? ` · due ${new Date(attempt.nextRunAt).toLocaleTimeString()}` : ""}
                  </div>
                  {attempt.childExecutionId ? (
                    <Link className="mt-1 inline-block text-accent-600 hover:underline" href={`/executions/${attempt.childExecutionId}`}>
                      child execution →
                    </Link>
                  ) : null}
                  {attempt.heartbeatDetails !== null && attempt !== latest ? (
                    <div className="mt-1 truncate font-mono text-zinc-500" title={JSON.stringify(attempt.heartbeatDetails)}>
                      progress {JSON.stringify(attempt.heartbeatDetails)}
                    </div>
                  ) : null}
                  {attempt.error && attempt !== latest ? (
                    <div className="mt-1 text-red-700 dark:text-red-400">{(attempt.error as { message?: string }).message}</div>
                  ) : null}
                </li>
              ))}
            </ol>
          </section>
        </>
      ) : null}
      {items.length > 0 ? <MapItems items={items} /> : null}
    </div>
  );
}

const ITEMS_PAGE = 20;

function MapItems({ items }: { items: TaskView[] }) {
  const [page, setPage] = useState(0);
  const pages = Math.ceil(items.length / ITEMS_PAGE);
  const shown = items.slice(page * ITEMS_PAGE, (page + 1) * ITEMS_PAGE);
  return (
    <section aria-label="Map items">
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Items ({items.length})</h3>
      <ul className="divide-y divide-zinc-100 text-xs dark:divide-zinc-800">
        {shown.map((item) => {
          const child = item.attempts[item.attempts.length - 1]?.childExecutionId;
          return (
            <li key={item.mapIndex} className="flex items-center justify-between gap-2 py-1">
              <span className="tabular-nums">#{item.mapIndex}</span>
              {child ? (
                <Link className="truncate text-accent-600 hover:underline" href={`/executions/${child}`}>
                  child
                </Link>
              ) : null}
              <StatusBadge status={item.status} />
            </li>
          );
        })}
      </ul>
      {pages > 1 ? (
        <div className="mt-2 flex items-center justify-between text-xs">
          <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)} className="disabled:opacity-40">
            Previous
          </button>
          <span className="text-zinc-500">
            {page + 1} / {pages}
          </span>
          <button type="button" disabled={page >= pages - 1} onClick={() => setPage(page + 1)} className="disabled:opacity-40">
            Next
          </button>
        </div>
      ) : null}
    </section>
  );
}
