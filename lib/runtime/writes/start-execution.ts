/**
 * A new execution: the one place an Execution row is built. Used by a start (API, UI, CLI), a
 * restart (a new execution of a finished one) and a child (a subworkflow task, a map item running
 * a workflow). The row is QUEUED and due for a decision at once; its first decision step starts it.
 */
import { randomUUID } from "node:crypto";
import type { NewEvent } from "@/lib/runtime/events";
import { toJsonText } from "@/lib/runtime/json";
import type { ExecutionRow } from "@/lib/runtime/snapshots";
import type { HotTx } from "./types";

export type NewExecution = {
  id?: string;
  definition: { id: string; name: string; version: number };
  input: unknown;
  correlationId?: string | null;
  /** The attempt that runs this execution as its child, and where the parent is in its tree. */
  parent?: { executionId: string; taskRunId: string; depth: number; rootExecutionId: string } | null;
  /** Who asked: the actor, or "engine" for a child. */
  createdBy: string;
  now: Date;
};

export function newExecutionRow(spec: NewExecution): ExecutionRow {
  const id = spec.id ?? randomUUID();
  return {
    id,
    definitionId: spec.definition.id,
    workflowName: spec.definition.name,
    workflowVersion: spec.definition.version,
    status: "QUEUED",
    input: toJsonText(spec.input),
    output: null,
    error: null,
    correlationId: spec.correlationId ?? null,
    parentExecutionId: spec.parent?.executionId ?? null,
    parentTaskRunId: spec.parent?.taskRunId ?? null,
    createdBy: spec.createdBy,
    createdAt: spec.now,
    startedAt: null,
    endedAt: null,
    updatedAt: spec.now,
    version: 0,
    nextDecisionAt: spec.now,
    depth: spec.parent ? spec.parent.depth + 1 : 0,
    rootExecutionId: spec.parent?.rootExecutionId ?? id,
    treeSize: 1,
  };
}

/**
 * Inserts the execution with its EXECUTION_CREATED event (`payload` says where it came from), in
 * the caller's transaction. `reason` is the operator's, for a restart.
 */
export async function insertNewExecution(tx: HotTx, row: ExecutionRow, payload: Record<string, unknown>, reason: string | null = null): Promise<void> {
  await tx.insertExecution(row);
  const event: NewEvent = { executionId: row.id, type: "EXECUTION_CREATED", actor: row.createdBy, reason, createdAt: row.createdAt, payload, labels: { workflow: row.workflowName } };
  await tx.insertEvents([event]);
}
