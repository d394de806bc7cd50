"use client";

import Link from "next/link";
import { memo } from "react";
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { TASK_NODE_HEIGHT, TASK_NODE_WIDTH } from "@/lib/canvas/definition-to-flow";
import { formatDurationMs, type MonitorNodeData } from "@/lib/canvas/execution-overlay";
import { TASK_TYPE_VISUAL } from "@/components/graph/task-type-visual";
import { SourceHandles } from "@/components/graph/branch-handles";
import { statusLook } from "@/components/monitor/status-palette";
import { StatusIcon } from "@/components/monitor/status-visual";
import { cn } from "@/components/ui/cn";

export type MonitorFlowNode = Node<MonitorNodeData, "monitorTask">;

/**
 * The task card of the live graph: the designer's card (type icon, key, summary) with a status
 * ring in the status color, and a status line with icon, label, attempt n/m and duration — color is
 * never the only signal.
 */
function MonitorTaskCard({ data, selected }: NodeProps<MonitorFlowNode>) {
  const visual = TASK_TYPE_VISUAL[data.taskType];
  const Icon = visual.icon;
  const look = statusLook(data.status);
  const attempts = data.attempt > 1 || (data.maxAttempts ?? 1) > 1 ? `${data.attempt}/${data.maxAttempts ?? "∞"}` : null;
  const counts = data.itemCounts
    ? Object.entries(data.itemCounts)
        .map(([status, count]) => `${count} ${statusLook(status).label.toLowerCase()}`)
        .join(" · ")
    : null;
  return (
    <div
      className={cn(
        "relative flex flex-col justify-center gap-1 overflow-hidden rounded-lg border bg-white pl-3 pr-3 shadow-xs dark:bg-zinc-900",
        look.dashed ? "border-dashed border-zinc-300 dark:border-zinc-600" : "border-transparent ring-2",
        !look.dashed && look.colors.ring,
        look.animated && "animate-pulse-ring",
        selected && "outline-2 outline-offset-2 outline-accent-500",
        data.status === "PENDING" && "opacity-75",
        data.preview === "reset" && "outline-2 outline-dashed outline-offset-4 outline-amber-500",
        data.preview === "kept" && "opacity-50",
      )}
      style={{ width: TASK_NODE_WIDTH, height: TASK_NODE_HEIGHT + 14 }}
      data-status={data.status}
      data-preview={data.preview}
    >
      {data.preview === "reset" ? (
        <span className="absolute -top-px right-2 rounded-b bg-amber-500 px-1 text-[9px] font-semibold tracking-wide text-white uppercase">runs again</span>
      ) : null}
      <span className={`absolute inset-y-0 left-0 w-1 ${visual.stripe}`} aria-hidden />
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="flex items-center gap-2">
        <Icon className={cn("size-3.5 shrink-0", visual.iconTone, "bg-transparent dark:bg-transparent")} aria-hidden />
        <span className="truncate text-[13px] font-semibold text-zinc-900 dark:text-zinc-50" title={data.label}>
          {data.taskKey}
        </span>
        <span className="ml-auto shrink-0 text-[10px] font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">{data.taskType}</span>
      </span>
      <span className="flex items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
        <span className="min-w-0 flex-1 truncate" title={data.summary}>
          {counts ?? (data.summary || "\u00a0")}
        </span>
        {data.childExecutionId ? (
          <Link href={`/executions/${data.childExecutionId}`} className="nodrag shrink-0 font-medium text-accent-600 hover:underline" onClick={(event) => event.stopPropagation()}>
            child →
          </Link>
        ) : null}
      </span>
      <span className={cn("flex items-center gap-1 text-[11px] font-medium", look.colors.text, "dark:text-zinc-200")} data-testid="node-status">
        <StatusIcon status={data.status} className="size-3" />
        {look.label}
        {attempts ? <span className="font-normal text-zinc-500">· attempt {attempts}</span> : null}
        {data.durationMs !== null ? <span className="ml-auto font-normal tabular-nums text-zinc-500">{formatDurationMs(data.durationMs)}</span> : null}
      </span>
      <SourceHandles branches={data.branches} connectable={false} />
    </div>
  );
}

export const MonitorTaskNode = memo(MonitorTaskCard);
