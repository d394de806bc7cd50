/**
 * What a fire starts: the execution row of the trigger's workflow version with its input made
 * from the trigger's template (`$trigger` bound) and checked against the workflow's input schema,
 * and what started it (`trigger: { type, key, fireTime | requestId | sourceExecution }`), or why it
 * cannot start. Nothing is written here: writes/fire-trigger.ts claims and inserts it.
 */
import type { Db } from "@/lib/db/client";
import { evaluateTemplate } from "@/lib/pool/evaluate";
import { loadDefinition } from "@/lib/runtime/definitions";
import type { FireClaim } from "@/lib/runtime/writes/fire-trigger";
import { newExecutionRow } from "@/lib/runtime/writes/start-execution";
import { prepareExecutionInput } from "@/lib/services/execution-input";
import { ServiceError } from "@/lib/services/errors";
import type { TriggerDefinition } from "@/lib/workflow/schema";

export type TriggerRowLike = { id: string; workflowName: string; key: string; type: string; definitionId: string; definitionVersion: number; spec: string };

/** The actor a fire is recorded under: `schedule:<workflow>/<key>`, `webhook:…`, `workflow:…`. */
export function triggerActor(row: Pick<TriggerRowLike, "type" | "workflowName" | "key">): string {
  return `${row.type}:${row.workflowName}/${row.key}`;
}

export function triggerSpec(row: Pick<TriggerRowLike, "spec">): TriggerDefinition {
  return JSON.parse(row.spec) as TriggerDefinition;
}

/**
 * The start of one fire: `binding` is `$trigger` (what the template reads), `recorded` what the
 * execution records as its trigger, `fallbackInput` the input when the trigger has no template.
 */
export async function prepareFireStart(
  db: Db,
  row: TriggerRowLike,
  binding: Record<string, unknown>,
  recorded: Record<string, unknown>,
  fallbackInput: unknown,
  actor: string,
  now: Date,
): Promise<FireClaim["start"]> {
  const spec = triggerSpec(row);
  let input: unknown = fallbackInput;
  if (spec.input !== undefined) {
    const evaluated = await evaluateTemplate(spec.input, { trigger: binding }, { basePath: `triggers.${row.key}.input` });
    if (!evaluated.ok) return { failure: `the trigger's input template failed: ${evaluated.error.message}` };
    input = evaluated.value ?? {};
  }
  const definition = await loadDefinition(db, row.definitionId);
  try {
    input = prepareExecutionInput(
      { versionId: row.definitionId, label: `workflow '${row.workflowName}' v${row.definitionVersion}`, schema: definition.input },
      input,
      `the input made by trigger '${row.key}' does not fit workflow '${row.workflowName}' v${row.definitionVersion}`,
    );
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    const details = error.details.map((detail) => `${detail.path || "(input)"}: ${detail.message}`).join("; ");
    return { failure: details ? `${error.message}: ${details}` : error.message };
  }
  const trigger = { type: row.type, key: row.key, ...recorded };
  const execution = newExecutionRow({
    definition: { id: row.definitionId, name: row.workflowName, version: row.definitionVersion },
    input,
    createdBy: actor,
    trigger,
    now,
  });
  return { execution, payload: { workflow: row.workflowName, version: row.definitionVersion, trigger } };
}
