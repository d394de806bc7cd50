import type { Db } from "@/lib/db/client";
import { exampleDefinitions } from "@/lib/workflow/examples";
import { findLatestVersion } from "@/lib/db/workflow-repository";
import { saveWorkflow } from "@/lib/services/workflows";

/**
 * Seeds the example workflows that do not exist yet. Idempotent: a workflow that exists (in any
 * version, possibly edited by a user) is left alone.
 */
export async function seedExampleWorkflows(db: Db): Promise<string[]> {
  const seeded: string[] = [];
  for (const definition of exampleDefinitions) {
    if (await findLatestVersion(db, definition.name)) continue;
    const result = await saveWorkflow(db, definition, "seed");
    if (result.created) seeded.push(definition.name);
  }
  return seeded;
}
