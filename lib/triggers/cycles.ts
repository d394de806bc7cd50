/**
 * Workflow triggers that form a cycle across workflows are refused at save (409): A starts when B
 * ends, and B (its latest version) starts when A ends, however long the chain. A trigger on the
 * workflow itself is a validation error already (lib/workflow/trigger-checks.ts). Cycles that mix
 * triggers with subworkflow tasks are not looked for here (see lib/triggers/README.md).
 */
import type { WorkflowDefinition } from "@/lib/workflow/schema";

type Source = { workflow: string; key: string; path: string };

function sourcesOf(definition: WorkflowDefinition): Source[] {
  return (definition.triggers ?? []).flatMap((trigger, index) => (trigger.type === "workflow" ? [{ workflow: trigger.workflow, key: trigger.key, path: `triggers[${index}].workflow` }] : []));
}

/**
 * The shortest chain `[definition, source, source of source, …, definition]`, with the trigger of
 * `definition` it starts from; breadth-first, each workflow visited once.
 */
export async function findTriggerCycle(
  definition: WorkflowDefinition,
  resolve: (name: string) => Promise<WorkflowDefinition | null>,
): Promise<{ chain: string[]; path: string; key: string } | undefined> {
  const visited = new Set<string>();
  const queue: Array<{ name: string; chain: string[]; first: Source }> = [];
  for (const source of sourcesOf(definition)) {
    if (source.workflow !== definition.name) queue.push({ name: source.workflow, chain: [definition.name, source.workflow], first: source });
  }
  for (let at = 0; at < queue.length; at += 1) {
    const { name, chain, first } = queue[at]!;
    if (visited.has(name)) continue;
    visited.add(name);
    const reached = await resolve(name);
    if (!reached) continue;
    for (const next of sourcesOf(reached)) {
      if (next.workflow === definition.name) return { chain: [...chain, definition.name], path: first.path, key: first.key };
      queue.push({ name: next.workflow, chain: [...chain, next.workflow], first });
    }
  }
  return undefined;
}
