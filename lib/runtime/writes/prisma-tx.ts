import type { Tx } from "@/lib/db/client";
import { EVENT_COLUMNS, eventValues } from "@/lib/runtime/store";
import { LIVE_EXECUTION_STATUSES, LIVE_TASK_STATUSES } from "./fence";
import type { Fence, WriteTx } from "./types";

/** A fence as a Prisma `where` (the drivers' SQL of the same fence is in lib/runtime/store.ts). */
export function fenceWhere(fence: Fence) {
  return {
    status: { in: [...fence.statuses] },
    ...(fence.lockedBy !== undefined ? { lockedBy: fence.lockedBy } : {}),
    ...(fence.dueBy ? { nextRunAt: { lte: fence.dueBy } } : {}),
    ...(fence.leaseExpiredBefore ? { leaseExpiresAt: { lt: fence.leaseExpiredBefore } } : {}),
    ...(fence.leaseLiveAt ? { leaseExpiresAt: { gte: fence.leaseLiveAt } } : {}),
  };
}

/**
 * WriteTx over a Prisma transaction: the whole interface, for the transitions that need its reads
 * (and for operations, which also read through Prisma in the same transaction).
 */
export function prismaWriteTx(tx: Tx): WriteTx {
  return {
    guardExecution: async (id, version, patch, bump = true) =>
      (await tx.execution.updateMany({ where: { id, version }, data: bump ? { ...patch, version: { increment: 1 } } : patch })).count === 1,
    bumpExecution: async (id, patch) => void (await tx.execution.update({ where: { id }, data: { ...patch, version: { increment: 1 } } })),
    decideNoLaterThan: async (id, at) => void (await tx.execution.updateMany({ where: { id, OR: [{ nextDecisionAt: null }, { nextDecisionAt: { gt: at } }] }, data: { nextDecisionAt: at } })),
    updateRun: async (id, fence, patch) => (await tx.taskRun.updateMany({ where: { id, ...fenceWhere(fence) }, data: patch })).count === 1,
    updateRunByKey: async (executionId, key, patch) =>
      (await tx.taskRun.updateMany({ where: { executionId, taskKey: key.taskKey, mapIndex: key.mapIndex, attempt: key.attempt }, data: patch })).count === 1,
    insertRuns: async (rows) => void (rows.length > 0 && (await tx.taskRun.createMany({ data: [...rows] }))),
    countInTree: async (rootId, max) => (await tx.execution.updateMany({ where: { id: rootId, treeSize: { lt: max } }, data: { treeSize: { increment: 1 } } })).count === 1,
    insertExecution: async (row) => void (await tx.execution.create({ data: row })),
    insertEvents: async (events) =>
      void (
        events.length > 0 &&
        (await tx.executionEvent.createMany({
          data: events.map((event) => Object.fromEntries(EVENT_COLUMNS.map((column, i) => [column, eventValues(event)[i]])) as never),
        }))
      ),
    readExecution: (id) => tx.execution.findUnique({ where: { id } }),
    findRuns: async (ids) => (ids.length === 0 ? [] : tx.taskRun.findMany({ where: { id: { in: [...ids] } } })),
    liveRuns: (executionId) => tx.taskRun.findMany({ where: { executionId, status: { in: [...LIVE_TASK_STATUSES] } }, select: { id: true, taskKey: true, mapIndex: true, taskType: true, status: true } }),
    liveChildren: async (taskRunId) =>
      (await tx.execution.findMany({ where: { parentTaskRunId: taskRunId, status: { in: [...LIVE_EXECUTION_STATUSES] } }, select: { id: true } })).map((row) => row.id),
    liveRunsOf: async (executionIds) =>
      executionIds.length === 0
        ? []
        : tx.taskRun.findMany({
            where: { executionId: { in: [...executionIds] }, status: { in: [...LIVE_TASK_STATUSES] } },
            select: { id: true, executionId: true, taskKey: true, mapIndex: true, taskType: true, status: true },
          }),
    liveChildrenOf: async (executionIds) =>
      executionIds.length === 0
        ? []
        : (await tx.execution.findMany({ where: { parentExecutionId: { in: [...executionIds] }, status: { in: [...LIVE_EXECUTION_STATUSES] } }, select: { id: true } })).map((row) => row.id),
    liveInTree: async (rootId, take) =>
      (await tx.execution.findMany({ where: { rootExecutionId: rootId, id: { not: rootId }, status: { in: [...LIVE_EXECUTION_STATUSES] } }, select: { id: true }, take })).map((row) => row.id),
    endLiveExecution: async (id, patch) =>
      (await tx.execution.updateMany({ where: { id, status: { in: [...LIVE_EXECUTION_STATUSES] } }, data: { ...patch, version: { increment: 1 } } })).count === 1,
    updateRuns: async (ids, fence, patch) => (ids.length === 0 ? 0 : (await tx.taskRun.updateMany({ where: { id: { in: [...ids] }, ...fenceWhere(fence) }, data: patch })).count),
    deleteEndedRuns: async (ids) => (ids.length === 0 ? 0 : (await tx.taskRun.deleteMany({ where: { id: { in: [...ids] }, status: { notIn: [...LIVE_TASK_STATUSES] } } })).count),
    startedTasksOf: async (executionIds) =>
      executionIds.length === 0
        ? []
        : tx.taskRun.findMany({ where: { executionId: { in: [...executionIds] }, mapIndex: -1 }, select: { executionId: true, taskKey: true }, distinct: ["executionId", "taskKey"] }),
    definitionsOf: async (executionIds) => {
      if (executionIds.length === 0) return [];
      const executions = await tx.execution.findMany({ where: { id: { in: [...executionIds] } }, select: { id: true, definitionId: true, workflowName: true, startedAt: true, createdAt: true } });
      const ids = [...new Set(executions.map((execution) => execution.definitionId))];
      const rows = await tx.workflowDefinition.findMany({ where: { id: { in: ids } }, select: { id: true, definition: true } });
      const text = new Map(rows.map((row) => [row.id, row.definition]));
      return executions.flatMap((execution) => {
        const definition = text.get(execution.definitionId);
        const { workflowName, startedAt, createdAt } = execution;
        return definition === undefined ? [] : [{ executionId: execution.id, definitionId: execution.definitionId, definition, workflowName, startedAt, createdAt }];
      });
    },
  };
}
