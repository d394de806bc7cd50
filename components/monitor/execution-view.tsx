"use client";

import { MarkerType, type Edge } from "@xyflow/react";
import { useCallback, useMemo, useState } from "react";
import { ALL_STATUSES } from "@/lib/engine/statuses";
import type { FlowEdge, FlowNode } from "@/lib/canvas/definition-to-flow";
import { indexTasks, isEdgeTaken, overlayFor } from "@/lib/canvas/execution-overlay";
import { useKeepUnchanged } from "@/components/graph/use-keep-unchanged";
import { snapshotsOf } from "@/lib/engine/available-operations";
import type { WorkflowDefinition } from "@/lib/workflow/schema";
import type { ExecutionView as Execution } from "@/lib/services/executions";
import type { MonitorFlowNode } from "@/components/monitor/monitor-task-node";
import { ExecutionGraph } from "@/components/monitor/execution-graph";
import { ExecutionOverview, TaskInspector } from "@/components/monitor/execution-inspector";
import { StatusBadge, StatusLegend, isFinishedExecution } from "@/components/monitor/status-visual";
import { TaskTimeline } from "@/components/monitor/task-timeline";
import { useLiveExecution, type LiveMode } from "@/components/monitor/use-live-execution";
import { cn } from "@/components/ui/cn";
import { useNow } from "@/components/ui/use-now";
import { ExecutionActions, TaskActions } from "@/components/monitor/execution-actions";
import { useCan } from "@/components/auth/viewer-context";
import { RerunDialog } from "@/components/monitor/rerun-dialog";
import { EventHistory } from "@/components/monitor/event-history";
import { ExecutionLogs } from "@/components/monitor/execution-logs";
import { ReplayBar } from "@/components/monitor/replay-bar";
import { useReplay } from "@/components/monitor/use-replay";
import { executionAtMoment, tasksAtMoment } from "@/components/monitor/replay-views";

export type ExecutionViewProps = {
  initial: Execution;
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** Retry policy's maximumAttempts per task key (for "attempt 2/3"). */
  maxAttempts: Record<string, number>;
  /** The pinned definition: which operations would do something is planned on it (available-operations.ts). */
  definition: WorkflowDefinition;
  /** The server's request time: the first render's clock, so the HTML hydrates as rendered. */
  serverNow: number;
  /** A shared replay moment (`?at=<event id>`): the scrubber opens there once the history is loaded. */
  initialAt?: string | null;
  /** The last event `initial` reflects: the live stream continues after it. */
  initialEventId?: string | null;
  children?: React.ReactNode;
};

export function ExecutionView({ initial, nodes, edges, maxAttempts, definition, serverNow, initialAt = null, initialEventId = null }: ExecutionViewProps) {
  const { execution: liveExecution, mode, refetch } = useLiveExecution(initial.id, initial, initialEventId);
  const [selected, setSelected] = useState<string | null>(null);
  const [rerunFrom, setRerunFrom] = useState<string | null>(null);
  const [previewReset, setPreviewReset] = useState<string[] | null>(null);
  const onChanged = useCallback(() => void refetch(), [refetch]);
  const finished = isFinishedExecution(liveExecution.status);
  // Durations tick every second while something runs.
  const liveNow = useNow(serverNow, !finished);
  // Changes whenever the live view does: the Events tab and the replay read the history again then.
  const revision = useMemo(
    () => `${liveExecution.status}:${liveExecution.tasks.map((task) => `${task.status}${task.attempts.length}`).join(",")}:${liveExecution.history.superseded.length}`,
    [liveExecution],
  );
  const taskTypes = useMemo(() => Object.fromEntries(nodes.map((node) => [node.id, node.data.taskType as string])), [nodes]);
  const replay = useReplay({ executionId: initial.id, revision, taskTypes, initialAt });
  const moment = replay.moment;
  // While replaying, the graph, inspector and overview show the moment; at the end, the live view.
  const execution = useMemo(() => (moment ? executionAtMoment(moment, liveExecution) : liveExecution), [moment, liveExecution]);
  const tasks = moment ? moment.tasks : liveExecution.tasks;
  const now = moment ? (moment.event ? Date.parse(moment.event.createdAt) : serverNow) : liveNow;
  const canOperate = useCan("operator") && !moment;

  const taskIndex = useMemo(() => indexTasks(tasks), [tasks]);
  // Cards whose content did not change keep their object, so React Flow redraws only what changed
  // (durations tick every second on running cards only).
  const flowNodes = useKeepUnchanged(useMemo<MonitorFlowNode[]>(
    () =>
      nodes.map((node) => ({
        ...node,
        type: "monitorTask" as const,
        draggable: false,
        connectable: false,
        selected: node.id === selected,
        data: {
          ...node.data,
          ...overlayFor(node.id, taskIndex, maxAttempts[node.id] ?? null, now),
          preview: previewReset ? (previewReset.includes(node.id) ? ("reset" as const) : ("kept" as const)) : undefined,
        },
      })),
    [nodes, taskIndex, maxAttempts, now, selected, previewReset],
  ));
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
  const selectedTasks = selected ? (moment ? tasksAtMoment(moment, liveExecution, selected) : liveExecution.tasks.filter((task) => task.taskKey === selected)) : [];
  const runs = useMemo(() => snapshotsOf(liveExecution.tasks), [liveExecution.tasks]);
  const [tab, setTab] = useState<HistoryTab>("timeline");

  return (
    <div className="grid gap-5 p-6 xl:grid-cols-[minmax(0,1fr)_24rem]">
      <section aria-label="Execution graph" className="flex min-w-0 flex-col overflow-hidden rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-100 px-4 py-2 dark:border-zinc-800">
          <div className="flex flex-wrap items-center gap-3">
            <StatusBadge status={execution.status} className="text-sm" />
            {canOperate ? <ExecutionActions execution={execution} definition={definition} runs={runs} onChanged={onChanged} /> : null}
          </div>
          <LiveIndicator mode={mode} finished={finished} replaying={moment !== null} />
        </div>
        <ExecutionGraph nodes={flowNodes} edges={flowEdges} onSelect={setSelected} />
        <ReplayBar controls={replay} />
        <div className="border-t border-zinc-100 px-4 py-2 dark:border-zinc-800">
          <StatusLegend statuses={presentStatuses} />
        </div>
      </section>
      <aside aria-label="Inspector" className="min-w-0 rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        {selected ? (
          <TaskInspector
            executionId={initial.id}
            live={moment === null}
            logsUntil={moment ? now : null}
            taskKey={selected}
            tasks={selectedTasks}
            superseded={execution.history.superseded.filter((attempt) => attempt.taskKey === selected)}
            onClose={() => setSelected(null)}
            actions={
              canOperate ? (
                <TaskActions
                  execution={execution}
                  definition={definition}
                  runs={runs}
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
        <RerunDialog execution={liveExecution} taskKey={rerunFrom} onClose={() => setRerunFrom(null)} onPreview={setPreviewReset} onDone={onChanged} />
      ) : null}
      <section aria-label={TAB_LABEL[tab]} className="rounded-xl border border-zinc-200 bg-white p-4 xl:col-span-2 dark:border-zinc-800 dark:bg-zinc-900">
        <div role="tablist" aria-label="Execution history" className="mb-3 flex gap-1">
          {HISTORY_TABS.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              onClick={() => setTab(name)}
              className={cn("rounded-md px-2.5 py-1 text-sm font-semibold", tab === name ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100" : "text-zinc-600 hover:bg-zinc-50 dark:text-zinc-400 dark:hover:bg-zinc-800/50")}
            >
              {TAB_LABEL[name]}
            </button>
          ))}
        </div>
        {tab === "timeline" ? (
          <TaskTimeline execution={liveExecution} order={nodes.map((node) => node.id)} now={liveNow} onSelect={setSelected} />
        ) : tab === "events" ? (
          <EventHistory executionId={execution.id} revision={revision} />
        ) : (
          <ExecutionLogs executionId={execution.id} taskKeys={nodes.map((node) => node.id)} />
        )}
      </section>
    </div>
  );
}

const HISTORY_TABS = ["timeline", "events", "logs"] as const;
type HistoryTab = (typeof HISTORY_TABS)[number];
const TAB_LABEL: Record<HistoryTab, string> = { timeline: "Timeline", events: "Events", logs: "Logs" };

function LiveIndicator({ mode, finished, replaying }: { mode: LiveMode; finished: boolean; replaying: boolean }) {
  if (replaying) {
    return (
      <span className="flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400" data-testid="live-indicator" data-mode="replay">
        <span className="size-2 rounded-full bg-accent-500" aria-hidden />
        Replaying the history
      </span>
    );
  }
  const label = finished ? "Finished" : mode === "live" ? "Live" : mode === "polling" ? "Polling every 2 s" : "Connecting…";
  return (
    <span className="flex items-center gap-1.5 text-xs text-zinc-500" data-testid="live-indicator" data-mode={finished ? "finished" : mode}>
      <span className={cn("size-2 rounded-full", finished ? "bg-zinc-300" : mode === "live" ? "bg-emerald-500 animate-pulse" : "bg-amber-400")} aria-hidden />
      {label}
    </span>
  );
}
