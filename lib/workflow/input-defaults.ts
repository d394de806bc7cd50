/**
 * Execution input defaults: the `default` of each top-level property of the workflow's input JSON
 * Schema fills in a field the caller left out. The engine applies this when an execution starts,
 * so that `$input.branch` reads "main" when the schema says so.
 */
import type { InputJsonSchema } from "./schema";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The input with the schema's top-level defaults added where a field is absent. An input that is
 * not an object is returned as it is; absent input counts as `{}`. Defaults are deep-copied.
 */
export function applyInputDefaults(schema: InputJsonSchema | undefined, input: unknown): unknown {
  const properties = schema?.properties;
  if (!properties) return input;
  if (input !== undefined && !isRecord(input)) return input;
  const result: Record<string, unknown> = { ...(input ?? {}) };
  for (const [field, property] of Object.entries(properties)) {
    if (field === "__proto__" || !isRecord(property) || !("default" in property)) continue;
    if (result[field] === undefined) result[field] = structuredClone(property.default);
  }
  return result;
}
