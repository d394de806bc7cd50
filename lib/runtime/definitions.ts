import type { Db } from "@/lib/db/client";
import { boundFromEnv, LruCache } from "@/lib/workflow/lru";
import type { WorkflowDefinition } from "@/lib/workflow/schema";

/** Most definitions kept parsed (FLOWDECK_DEFINITION_CACHE_ENTRIES). @default 500 */
export const DEFINITION_CACHE_ENTRIES = boundFromEnv("FLOWDECK_DEFINITION_CACHE_ENTRIES", 500);
/** Most JSON text (characters) behind the definitions kept (FLOWDECK_DEFINITION_CACHE_CHARS). @default 16 Mi */
export const DEFINITION_CACHE_CHARS = boundFromEnv("FLOWDECK_DEFINITION_CACHE_CHARS", 16 * 1024 * 1024);

/**
 * Definitions by id, least recently used evicted first. Versions are immutable, so a process-wide
 * cache never goes stale; bounded in entries and in the size of their JSON so that churn (many
 * saved versions, large definitions) cannot grow a long-running engine without limit.
 */
const cache = new LruCache<string, { definition: WorkflowDefinition; chars: number }>({
  maxEntries: DEFINITION_CACHE_ENTRIES,
  maxWeight: DEFINITION_CACHE_CHARS,
  weigh: (entry) => entry.chars,
});

export async function loadDefinition(db: Pick<Db, "workflowDefinition">, definitionId: string): Promise<WorkflowDefinition> {
  const cached = cache.get(definitionId);
  if (cached) return cached.definition;
  const row = await db.workflowDefinition.findUniqueOrThrow({ where: { id: definitionId }, select: { definition: true } });
  const definition = JSON.parse(row.definition) as WorkflowDefinition;
  cache.set(definitionId, { definition, chars: row.definition.length });
  return definition;
}

/** How many definitions and how much JSON the cache holds (tests, the soak). */
export function definitionCacheStats(): { entries: number; chars: number } {
  return { entries: cache.size, chars: cache.weight };
}
