/**
 * Workflow triggers that form a cycle across workflows are refused at save (409): A starts when B
 * ends, and B (its latest version) starts when A ends, however long the chain. A trigger on the
 * workflow itself is a validation error already (lib/workflow/trigger-checks.ts). Cycles that mix
 * triggers with subworkflow tasks: findStartCycle below.
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

/** One step of a start cycle: `from` runs `to` as a child (a subworkflow or map task), or `from`'s end starts `to` (a workflow trigger). */
export type StartStep = { from: string; to: string; kind: "runs" | "ends" };

/**
 * A cycle of starts that mixes workflow triggers with child workflows, which neither check above
 * sees: B starts when A ends (B's trigger) and B runs A as a subworkflow, so every A starts another
 * A forever, each in a new tree (the tree limits never see it). Walks forward from `definition`
 * over "X starts Y" steps: X's children (from X's latest definition) and the workflows whose
 * triggers fire when X ends (`triggerTargets`, other workflows' active triggers; `definition`'s own
 * come from the definition). Returns the steps of the shortest cycle back to `definition` that
 * contains at least one trigger; a cycle of children only is the subworkflow cycle check's. Pinned
 * versions of children are read as their latest version (a cycle through an older pinned version
 * is missed rather than a save refused for a version nobody runs).
 */
export async function findStartCycle(
  definition: WorkflowDefinition,
  resolve: (name: string) => Promise<WorkflowDefinition | null>,
  triggerTargets: (name: string) => Promise<string[]>,
  childrenOf: (definition: WorkflowDefinition) => string[],
): Promise<StartStep[] | undefined> {
  const name = definition.name;
  const sources = new Set(sourcesOf(definition).map((source) => source.workflow));
  const successors = async (from: string, reached: WorkflowDefinition | null): Promise<StartStep[]> => [
    ...(reached ? childrenOf(reached).map((to) => ({ from, to, kind: "runs" as const })) : []),
    ...(await triggerTargets(from)).filter((to) => to !== name).map((to) => ({ from, to, kind: "ends" as const })),
  ];
  const visited = new Set<string>();
  const queue: Array<{ at: string; steps: StartStep[] }> = [];
  for (const step of await successors(name, definition)) if (step.to !== name) queue.push({ at: step.to, steps: [step] });
  for (let index = 0; index < queue.length; index += 1) {
    const { at, steps } = queue[index]!;
    const triggered = steps.some((step) => step.kind === "ends");
    const id = `${at}|${triggered}`;
    if (visited.has(id)) continue;
    visited.add(id);
    // `definition` starts when `at` ends: the cycle closes with one of its own triggers.
    if (sources.has(at)) return [...steps, { from: at, to: name, kind: "ends" }];
    const reached = await resolve(at);
    for (const step of await successors(at, reached)) {
      if (step.to === name) {
        if (triggered) return [...steps, step];
        continue; // children only: the subworkflow cycle check's
      }
      queue.push({ at: step.to, steps: [...steps, step] });
    }
  }
  return undefined;
}

/** "a runs b; b's end starts c; …" */
export function describeStartCycle(steps: StartStep[]): string {
  return steps.map((step) => (step.kind === "runs" ? `'${step.from}' runs '${step.to}'` : `'${step.from}' ending starts '${step.to}'`)).join(", ");
}
