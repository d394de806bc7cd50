import { validationFailed, type ErrorDetail } from "@/lib/services/errors";
import { applyInputDefaults } from "@/lib/workflow/input-defaults";
import type { InputJsonSchema } from "@/lib/workflow/schema";

const TYPE_CHECKS: Record<string, (value: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  number: (v) => typeof v === "number" && Number.isFinite(v),
  integer: (v) => typeof v === "number" && Number.isInteger(v),
  boolean: (v) => typeof v === "boolean",
  object: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
  array: (v) => Array.isArray(v),
  null: (v) => v === null,
};

/**
 * Checks an execution input against the top level of the workflow's input schema: the input is an
 * object, required fields are present, each declared field has its declared type(s) and, where
 * given, one of its enum values. (Nested schemas are not checked: the engine's expressions see
 * whatever the caller sent below the top level.)
 */
export function checkExecutionInput(schema: InputJsonSchema | undefined, input: unknown): ErrorDetail[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return [{ path: "input", message: "must be a JSON object" }];
  }
  if (!schema) return [];
  const record = input as Record<string, unknown>;
  const problems: ErrorDetail[] = [];
  for (const field of schema.required ?? []) {
    if (record[field] === undefined) problems.push({ path: `input.${field}`, message: "is required" });
  }
  for (const [field, spec] of Object.entries(schema.properties ?? {})) {
    const value = record[field];
    if (value === undefined) continue;
    const types = spec.type === undefined ? [] : Array.isArray(spec.type) ? spec.type.map(String) : [String(spec.type)];
    if (types.length > 0 && !types.some((type) => TYPE_CHECKS[type]?.(value) ?? true)) {
      problems.push({ path: `input.${field}`, message: `must be ${types.join(" or ")}` });
      continue;
    }
    if (Array.isArray(spec.enum) && !spec.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
      problems.push({ path: `input.${field}`, message: `must be one of ${spec.enum.map((v) => JSON.stringify(v)).join(", ")}` });
    }
  }
  return problems;
}

/**
 * The input an execution runs with: the schema's defaults applied, then checked. Every way an
 * execution gets an input (start, rerun with new input, restart on another version) goes through
 * here; what does not fit is a 400 saying `refusal`, listing each problem with its path.
 */
export function prepareExecutionInput(schema: InputJsonSchema | undefined, input: unknown, refusal: string): unknown {
  const withDefaults = applyInputDefaults(schema, input);
  const problems = checkExecutionInput(schema, withDefaults);
  if (problems.length > 0) throw validationFailed(refusal, problems);
  return withDefaults;
}
