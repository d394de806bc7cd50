"use client";

import { Handle, Position } from "@xyflow/react";
import type { TaskNodeData } from "@/lib/canvas/definition-to-flow";

/**
 * A card's source handles on its right side: one per switch branch (its cases, then the default),
 * each with the branch's id as handle id and its name beside it, so an edge drawn from a handle
 * joins exactly that branch; any other task has one. Shared by the designer's, the preview's and
 * the monitor's cards, since edges out of a switch are anchored on these ids.
 */
export function SourceHandles({ branches, connectable, className, labels = true }: { branches: TaskNodeData["branches"]; connectable: boolean; className?: string; labels?: boolean }) {
  if (!branches || branches.length === 0) return <Handle type="source" position={Position.Right} isConnectable={connectable} className={className} />;
  return (
    <>
      {branches.map((branch, index) => {
        const top = `${((index + 1) / (branches.length + 1)) * 100}%`;
        return (
          <Handle
            key={branch.id}
            id={branch.id}
            type="source"
            position={Position.Right}
            isConnectable={connectable}
            className={className}
            style={{ top }}
            title={`${branch.name} branch`}
            data-branch={branch.id}
          >
            {labels ? (
              <span className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 rounded bg-white/90 px-1 text-[10px] leading-3 font-medium whitespace-nowrap text-zinc-600 dark:bg-zinc-900/90 dark:text-zinc-300">
                {branch.name}
              </span>
            ) : null}
          </Handle>
        );
      })}
    </>
  );
}
