"use client";

import { memo } from "react";
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { TASK_NODE_HEIGHT, TASK_NODE_WIDTH, type TaskNodeData } from "@/lib/canvas/definition-to-flow";
import { TASK_TYPE_VISUAL } from "@/components/graph/task-type-visual";

export type TaskFlowNode = Node<TaskNodeData, "task">;

/**
 * The task card shared by the workflow preview, the designer and the monitor: type icon and
 * stripe, the task key in bold (its display name as the tooltip), a one-line summary, handles left (inputs) and right (outputs).
 */
function TaskNodeCard({ data, selected }: NodeProps<TaskFlowNode>) {
  const visual = TASK_TYPE_VISUAL[data.taskType];
  const Icon = visual.icon;
  return (
    <div
      className={
        "relative flex items-center gap-2.5 overflow-hidden rounded-lg border bg-white pl-3 pr-3 shadow-xs dark:bg-zinc-900 " +
        (selected ? "border-accent-500 ring-2 ring-accent-500/30" : "border-zinc-200 dark:border-zinc-700")
      }
      style={{ width: TASK_NODE_WIDTH, height: TASK_NODE_HEIGHT }}
      data-task-type={data.taskType}
    >
      <span className={`absolute inset-y-0 left-0 w-1 ${visual.stripe}`} aria-hidden />
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className={`flex size-8 shrink-0 items-center justify-center rounded-md ${visual.iconTone}`}>
        <Icon className="size-4" aria-hidden />
      </span>
      <span className="min-w-0 flex-1">
        <span className="flex items-baseline justify-between gap-2">
          <span className="truncate text-[13px] font-semibold text-zinc-900 dark:text-zinc-50" title={data.label}>
            {data.taskKey}
          </span>
          <span className="shrink-0 text-[10px] font-medium uppercase tracking-wide text-zinc-400">{data.taskType}</span>
        </span>
        <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400" title={data.summary}>
          {data.summary || "\u00a0"}
        </span>
      </span>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

export const TaskNode = memo(TaskNodeCard);
