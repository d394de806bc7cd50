"use client";

import { memo } from "react";
import { Handle, Position, useStore, type Node, type NodeProps, type ReactFlowState } from "@xyflow/react";
import { AlertCircle } from "lucide-react";
import { StatusBadge } from "@/components/monitor/status-visual";
import { TASK_NODE_HEIGHT, TASK_NODE_WIDTH, type TaskNodeData } from "@/lib/canvas/definition-to-flow";
import { TASK_TYPE_VISUAL } from "@/components/graph/task-type-visual";
import { SourceHandles } from "@/components/graph/branch-handles";

/** How a node compares with another version (the diff view). */
export type TaskDiffMark = "added" | "removed" | "changed";

/**
 * The card's data: the mapping's data, plus what the designer adds (connectable handles, a
 * problem marker) and what the diff view adds (added / removed / changed).
 */
export type TaskCardData = TaskNodeData & {
  /** Handles can be dragged to connect (the designer). */
  editable?: boolean;
  /** Number of validation problems of the task; > 0 draws a red marker. */
  issueCount?: number;
  diff?: TaskDiffMark;
};

export type TaskFlowNode = Node<TaskCardData, "task">;

const DIFF_RING: Record<TaskDiffMark, string> = {
  added: "border-emerald-500 ring-2 ring-emerald-500/30",
  removed: "border-red-500 border-dashed ring-2 ring-red-500/25 opacity-70",
  changed: "border-amber-500 ring-2 ring-amber-500/30",
};

const DIFF_LABEL: Record<TaskDiffMark, string> = { added: "added", removed: "removed", changed: "changed" };

/**
 * The task card of the workflow preview, the designer and the diff view: type icon and stripe, the
 * task key in bold (its display name as the tooltip), a one-line summary, handles left (inputs) and
 * right (outputs). The monitor's card (components/monitor/monitor-task-node.tsx) uses the same type
 * visuals and adds a status line.
 */
/**
 * Below this zoom a card's text is under 5 px: it draws as a plain block in its type's color
 * (a big graph zoomed to fit). Fewer elements to paint and hit-test keep dragging smooth on 500
 * cards. @default 0.4
 */
export const DETAIL_MIN_ZOOM = 0.4;
const zoomedOut = (state: ReactFlowState) => state.transform[2] < DETAIL_MIN_ZOOM;

function TaskNodeCard({ data, selected }: NodeProps<TaskFlowNode>) {
  const simple = useStore(zoomedOut);
  const visual = TASK_TYPE_VISUAL[data.taskType];
  const Icon = visual.icon;
  const issues = data.issueCount ?? 0;
  const ring = data.diff
    ? DIFF_RING[data.diff]
    : issues > 0
      ? selected
        ? "border-red-500 ring-2 ring-red-500/40"
        : "border-red-400 ring-1 ring-red-400/30"
      : selected
        ? "border-accent-500 ring-2 ring-accent-500/30"
        : "border-zinc-200 dark:border-zinc-700";
  const handleClass = data.editable ? "!size-2.5 hover:!border-accent-500 hover:!bg-accent-100" : undefined;
  if (simple) {
    // The handles stay: edges are anchored on them.
    return (
      <div
        className={`rounded-lg border-l-[12px] border-y-2 border-r-2 bg-white dark:bg-zinc-900 ${visual.stripeBorder} ${issues > 0 || data.diff || selected ? ring : "border-y-zinc-300 border-r-zinc-300 dark:border-y-zinc-600 dark:border-r-zinc-600"}`}
        style={{ width: TASK_NODE_WIDTH, height: TASK_NODE_HEIGHT }}
        title={data.taskKey}
        data-task-type={data.taskType}
        data-issues={issues > 0 ? issues : undefined}
        data-diff={data.diff}
        data-detail="simple"
      >
        <Handle type="target" position={Position.Left} isConnectable={data.editable === true} />
        <SourceHandles branches={data.branches} connectable={data.editable === true} labels={false} />
      </div>
    );
  }
  return (
    <div
      className={"relative flex items-center gap-2.5 rounded-lg border bg-white pl-3 pr-3 shadow-xs dark:bg-zinc-900 " + ring}
      style={{ width: TASK_NODE_WIDTH, height: TASK_NODE_HEIGHT }}
      data-task-type={data.taskType}
      data-issues={issues > 0 ? issues : undefined}
      data-diff={data.diff}
      data-test-status={data.testStatus}
    >
      <span className={`absolute inset-y-0 left-0 w-1 rounded-l-lg ${visual.stripe}`} aria-hidden />
      <Handle type="target" position={Position.Left} isConnectable={data.editable === true} className={handleClass} />
      <span className={`flex size-8 shrink-0 items-center justify-center rounded-md ${visual.iconTone}`}>
        <Icon className="size-4" aria-hidden />
      </span>
      <span className="min-w-0 flex-1">
        <span className="flex items-baseline justify-between gap-2">
          <span className="truncate text-[13px] font-semibold text-zinc-900 dark:text-zinc-50" title={data.label}>
            {data.taskKey}
          </span>
          <span className="shrink-0 text-[10px] font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
            {data.diff ? DIFF_LABEL[data.diff] : data.taskType}
          </span>
        </span>
        <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400" title={data.summary}>
          {data.summary || "\u00a0"}
        </span>
      </span>
      {data.testStatus ? <StatusBadge status={data.testStatus} className="absolute -bottom-2.5 right-2 bg-white !py-0 text-[10px] shadow-sm" /> : null}
      {issues > 0 ? (
        <span
          className="absolute -top-2 -right-2 flex h-5 min-w-5 items-center justify-center gap-0.5 rounded-full bg-red-600 px-1 text-[10px] font-semibold text-white shadow-sm"
          title={`${issues} problem${issues === 1 ? "" : "s"}`}
          data-testid="node-issue-marker"
        >
          <AlertCircle className="size-3" aria-hidden />
          {issues}
        </span>
      ) : null}
      <SourceHandles branches={data.branches} connectable={data.editable === true} className={handleClass} />
    </div>
  );
}

export const TaskNode = memo(TaskNodeCard);
