/**
 * The workflow settings' trigger forms (issue 13, point 1), pure: which fields a trigger of each
 * type has (generated from its zod schema in lib/workflow/schema.ts, like the task inspector's
 * params, so a new trigger option appears in the designer by itself), whether the form can show a
 * draft's `triggers` at all (else the designer falls back to editing them as JSON), and the edits
 * of the list: add, set a field, remove, move.
 */
import {
  scheduleTriggerSchema,
  TRIGGER_KEY_MAX_LENGTH,
  TRIGGER_TYPES,
  webhookTriggerSchema,
  workflowTriggerSchema,
  type TriggerType,
} from "@/lib/workflow";
import { fieldsForSchema, type FieldSpec } from "@/lib/editor/form-fields";

export type DraftTrigger = { type: TriggerType; key: string; [field: string]: unknown };

const TRIGGER_SCHEMAS = { schedule: scheduleTriggerSchema, webhook: webhookTriggerSchema, workflow: workflowTriggerSchema } as const;

/** What the type choice of "Add trigger" says (the description is the schema's). */
export const TRIGGER_TYPE_CHOICES = TRIGGER_TYPES.map((type) => ({
  type,
  label: type === "workflow" ? "workflow event" : type,
  description: TRIGGER_SCHEMAS[type].description ?? "",
}));

export function isTriggerType(value: unknown): value is TriggerType {
  return typeof value === "string" && (TRIGGER_TYPES as readonly string[]).includes(value);
}

const fieldsByType = new Map<TriggerType, FieldSpec[]>();

/**
 * The form fields of a trigger type, in the schema's order; `type` is chosen once, when it is
 * added. No string field of a trigger is evaluated (only `input`, a JSON template, is), so none
 * is an expression field.
 */
export function triggerFields(type: TriggerType): FieldSpec[] {
  let fields = fieldsByType.get(type);
  if (!fields) {
    fields = fieldsForSchema(TRIGGER_SCHEMAS[type])
      .filter((spec) => spec.name !== "type")
      .map((spec) => (spec.kind === "text" ? { ...spec, expression: false } : spec));
    fieldsByType.set(type, fields);
  }
  return fields;
}

export type TriggerList = { ok: true; triggers: DraftTrigger[] } | { ok: false; reason: string };

/**
 * The draft's `triggers` as the form shows them, or why it cannot: not a list, an entry that is not
 * an object of a known type, or a field its type does not have (the form would hide it, so it could
 * not be seen or removed). Those are edited as JSON; validation names what is wrong.
 */
export function readTriggers(value: unknown): TriggerList {
  if (value === undefined) return { ok: true, triggers: [] };
  if (!Array.isArray(value)) return { ok: false, reason: "triggers is not a list" };
  for (const [index, trigger] of value.entries()) {
    if (typeof trigger !== "object" || trigger === null || Array.isArray(trigger)) return { ok: false, reason: `trigger ${index + 1} is not an object` };
    const { type } = trigger as Record<string, unknown>;
    if (!isTriggerType(type)) return { ok: false, reason: `trigger ${index + 1} has no known type (${TRIGGER_TYPES.join(", ")})` };
    const known = new Set(["type", ...triggerFields(type).map((spec) => spec.name)]);
    const unknown = Object.keys(trigger).find((name) => !known.has(name));
    if (unknown !== undefined) return { ok: false, reason: `trigger ${index + 1} has a field the form does not know: "${unknown}"` };
  }
  return { ok: true, triggers: value as DraftTrigger[] };
}

/** `base`, or `base-2`, `base-3`, … — the first trigger key not taken. */
export function uniqueTriggerKey(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const clean = base.replace(/[^A-Za-z0-9_-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, TRIGGER_KEY_MAX_LENGTH - 4) || "trigger";
  if (!used.has(clean)) return clean;
  for (let n = 2; ; n++) {
    const candidate = `${clean}-${n}`;
    if (!used.has(candidate)) return candidate;
  }
}

/**
 * A new trigger of a type: a free key, and the fields the schema requires. A schedule starts with
 * the contract's example cron (it needs one of cron or every), so it is valid and previews at once.
 */
export function newTrigger(type: TriggerType, taken: readonly DraftTrigger[]): DraftTrigger {
  const key = uniqueTriggerKey(type === "schedule" ? "nightly" : type === "webhook" ? "hook" : "after", taken.map((trigger) => trigger.key));
  const trigger: DraftTrigger = { type, key };
  for (const spec of triggerFields(type)) {
    if (spec.required && !(spec.name in trigger)) trigger[spec.name] = "";
  }
  if (type === "schedule") trigger.cron = "0 2 * * *";
  return trigger;
}

export function addTrigger(triggers: readonly DraftTrigger[], type: TriggerType): DraftTrigger[] {
  return [...triggers, newTrigger(type, triggers)];
}

/** Sets one field of one trigger; `undefined` removes the field. */
export function setTriggerField(triggers: readonly DraftTrigger[], index: number, name: string, value: unknown): DraftTrigger[] {
  return triggers.map((trigger, i) => {
    if (i !== index) return trigger;
    const next = { ...trigger };
    if (value === undefined) delete next[name];
    else next[name] = value;
    return next;
  });
}

export function removeTrigger(triggers: readonly DraftTrigger[], index: number): DraftTrigger[] {
  return triggers.filter((_, i) => i !== index);
}

/** Moves a trigger up (-1) or down (+1); out of range leaves the list as it is. */
export function moveTrigger(triggers: readonly DraftTrigger[], index: number, delta: -1 | 1): DraftTrigger[] {
  const target = index + delta;
  if (index < 0 || index >= triggers.length || target < 0 || target >= triggers.length) return [...triggers];
  const next = [...triggers];
  [next[index], next[target]] = [next[target]!, next[index]!];
  return next;
}

/** The value the definition gets: no `triggers` field when the list is empty. */
export function triggersValue(triggers: readonly DraftTrigger[]): DraftTrigger[] | undefined {
  return triggers.length === 0 ? undefined : [...triggers];
}

/** The path (as validation reports it) of a trigger's field: `triggers[1].cron`; the trigger itself without a name. */
export function triggerPath(index: number, name?: string): string {
  return name === undefined ? `triggers[${index}]` : `triggers[${index}].${name}`;
}
