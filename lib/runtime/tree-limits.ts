/**
 * Limits of one tree of executions (a root and the children its subworkflow tasks and maps of
 * workflows start, recursively). Without them a workflow that runs itself grows without end.
 *
 * | limit | setting | default | what a user sees |
 * |---|---|---|---|
 * | nesting depth of child executions | FLOWDECK_MAX_CHILD_DEPTH | 16 | the task's attempt fails with CHILD_DEPTH_EXCEEDED, naming the chain (final: no retry) |
 * | executions in one tree (the root included, ever started) | FLOWDECK_MAX_TREE_EXECUTIONS | 10,000 | the task's attempt (or map item) fails with TREE_SIZE_EXCEEDED (final: no retry) |
 *
 * The depth is stored on every execution (`depth`, 0 for a root) and the tree's size on its root
 * (`treeSize`, bumped in the transaction that starts a child: lib/runtime/writes/start-attempt.ts).
 * Both errors are final whatever the task's retry policy (lib/engine/retry.ts FINAL_ERROR_CODES):
 * the depth of a chain and the count of a tree never go down, so another attempt cannot succeed.
 */
import type { Db } from "@/lib/db/client";
import type { TaskRunError } from "@/lib/engine/types";
import type { ExecutionRow } from "@/lib/runtime/snapshots";
import { boundFromEnv } from "@/lib/workflow/lru";

/** How many levels of children below a root (a root's child is at depth 1). */
export function maxChildDepth(): number {
  return boundFromEnv("FLOWDECK_MAX_CHILD_DEPTH", 16);
}

/** How many executions one tree may have had, its root included. */
export function maxTreeExecutions(): number {
  return boundFromEnv("FLOWDECK_MAX_TREE_EXECUTIONS", 10_000);
}

/** `a → b → … → y → z`: the chain of workflow names from the root to the child refused. */
export function describeChain(names: readonly string[]): string {
  if (names.length <= 6) return names.join(" → ");
  return [...names.slice(0, 3), "…", ...names.slice(-2)].join(" → ");
}

/** Where a parent is in its tree (rows from before the columns count as roots). */
export function treeOf(execution: Pick<ExecutionRow, "id" | "depth" | "rootExecutionId">): { rootExecutionId: string; parentDepth: number } {
  return { rootExecutionId: execution.rootExecutionId ?? execution.id, parentDepth: execution.depth };
}

/**
 * The error a child start fails with when the child would be deeper than maxChildDepth(), or null.
 * The chain is read up the parent links only then (at most maxChildDepth() reads).
 */
export async function childDepthError(db: Db, parent: Pick<ExecutionRow, "id" | "depth" | "workflowName" | "parentExecutionId">, childName: string): Promise<TaskRunError | null> {
  const max = maxChildDepth();
  if (parent.depth + 1 <= max) return null;
  const names = [parent.workflowName, childName];
  let up = parent.parentExecutionId;
  for (let hops = 0; up && hops <= max; hops++) {
    const row = await db.execution.findUnique({ where: { id: up }, select: { workflowName: true, parentExecutionId: true } });
    if (!row) break;
    names.unshift(row.workflowName);
    up = row.parentExecutionId;
  }
  return {
    code: "CHILD_DEPTH_EXCEEDED",
    message: `child workflow '${childName}' would be ${parent.depth + 1} levels deep; the limit is ${max} (FLOWDECK_MAX_CHILD_DEPTH): ${describeChain(names)} (${parent.depth + 1} levels)`,
  };
}

/** The error a child start fails with when its tree is full. */
export function treeSizeError(childName: string): TaskRunError {
  const max = maxTreeExecutions();
  return { code: "TREE_SIZE_EXCEEDED", message: `cannot start child workflow '${childName}': its tree already has ${max} executions, the limit (FLOWDECK_MAX_TREE_EXECUTIONS)` };
}
