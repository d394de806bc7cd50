/**
 * Inspector forms generated from the definition schema: each zod object (a type's params, the
 * retry policy, the timeouts) becomes a list of fields with label, description and default taken
 * from the schema's metadata, so a new param in lib/workflow appears in the designer by itself.
 */
import * as z from "zod";

export type FieldKind = "text" | "integer" | "number" | "boolean" | "select" | "multiselect" | "list" | "json";

export type FieldSpec = {
  name: string;
  label: string;
  description?: string;
  kind: FieldKind;
  required: boolean;
  options?: string[];
  default?: unknown;
  /** A string field that may hold a `{% … %}` expression (checked as you type). */
  expression: boolean;
};

type JsonSchema = {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  default?: unknown;
};

/** "initialIntervalMs" → "Initial interval (ms)", "url" → "URL". */
export function labelFor(name: string): string {
  const ms = name.endsWith("Ms");
  const base = ms ? name.slice(0, -2) : name;
  const words = base.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  const text = words.replace(/\burl\b/g, "URL").replace(/^./, (c) => c.toUpperCase());
  return ms ? `${text} (ms)` : text;
}

function kindOf(schema: JsonSchema): Pick<FieldSpec, "kind" | "options"> {
  if (schema.$ref) return { kind: "json" };
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === "string")) {
    return { kind: "select", options: schema.enum as string[] };
  }
  switch (schema.type) {
    case "string":
      return { kind: "text" };
    case "integer":
      return { kind: "integer" };
    case "number":
      return { kind: "number" };
    case "boolean":
      return { kind: "boolean" };
    case "array":
      if (Array.isArray(schema.items?.enum) && schema.items.enum.every((v) => typeof v === "string")) return { kind: "multiselect", options: schema.items.enum as string[] };
      return schema.items?.type === "string" && !schema.items.enum ? { kind: "list" } : { kind: "json" };
    default:
      return { kind: "json" };
  }
}

const cache = new WeakMap<z.ZodType, FieldSpec[]>();

/** The fields of a zod object schema, in the schema's (canonical) order. */
export function fieldsForSchema(schema: z.ZodType): FieldSpec[] {
  const cached = cache.get(schema);
  if (cached) return cached;
  let json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  if (json.$ref) {
    const id = json.$ref.replace("#/$defs/", "");
    json = json.$defs?.[id] ?? json;
  }
  const required = new Set(json.required ?? []);
  const fields = Object.entries(json.properties ?? {}).map(([name, property]): FieldSpec => {
    const { kind, options } = kindOf(property);
    return {
      name,
      label: labelFor(name),
      ...(property.description ? { description: property.description } : {}),
      kind,
      ...(options ? { options } : {}),
      required: required.has(name),
      ...(property.default !== undefined ? { default: property.default } : {}),
      expression: kind === "text" || (kind === "json" && Boolean(property.anyOf?.some((v) => v.type === "string"))),
    };
  });
  cache.set(schema, fields);
  return fields;
}

/** The value a form shows for a JSON field. */
export function jsonFieldText(value: unknown): string {
  return value === undefined ? "" : JSON.stringify(value, null, 2);
}

export type ParsedField = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * What a typed-in text means for a field of this kind: `undefined` (remove the field) when empty,
 * a number for numeric fields, a list from lines or commas, JSON for JSON fields.
 */
export function parseFieldText(kind: FieldKind, text: string): ParsedField {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, value: undefined };
  switch (kind) {
    case "integer":
    case "number": {
      const value = Number(trimmed);
      if (!Number.isFinite(value)) return { ok: false, message: "must be a number" };
      if (kind === "integer" && !Number.isInteger(value)) return { ok: false, message: "must be a whole number" };
      return { ok: true, value };
    }
    case "list":
      return { ok: true, value: trimmed.split(/[\n,]/).map((item) => item.trim()).filter((item) => item !== "") };
    case "json":
      try {
        return { ok: true, value: JSON.parse(trimmed) };
      } catch (error) {
        return { ok: false, message: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
      }
    default:
      return { ok: true, value: text };
  }
}
