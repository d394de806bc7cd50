import type { Db } from "@/lib/db/client";
import type { WorkflowDefinition } from "@/lib/workflow/schema";

/**
 * Definitions by id. Versions are immutable, so a process-wide cache never goes stale; bounded so
 * a long-running engine does not grow without limit.
 */
const cache = new Map<string, WorkflowDefinition>();
const MAX_CACHED = 500;

export async function loadDefinition(db: Pick<Db, "workflowDefinition">, definitionId: string): Promise<WorkflowDefinition> {
  const cached = cache.get(definitionId);
  if (cached) return cached;
  const row = await db.workflowDefinition.findUniqueOrThrow({ where: { id: definitionId }, select: { definition: true } });
  const definition = JSON.parse(row.definition) as WorkflowDefinition;
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(definitionId, definition);
  return definition;
}
