import { conflict, validationFailed, type ErrorDetail } from "@/lib/services/errors";
import { applyInputDefaults } from "@/lib/workflow/input-defaults";
import { compileJsonSchema, type CompiledSchema } from "@/lib/workflow/json-schema-validator";
import { boundFromEnv, LruCache } from "@/lib/workflow/lru";
import type { InputJsonSchema } from "@/lib/workflow/schema";

/** The workflow version an input is checked for: its stored id (the cache key) and input schema. */
export type InputSchemaOf = { versionId: string; label: string; schema: InputJsonSchema | undefined };

type Compiled = { compiled: CompiledSchema; chars: number } | { error: string; chars: number };

/**
 * Compiled input schemas by workflow version id (a version never changes, so neither does its
 * schema): compiling takes milliseconds, checking an input microseconds. Bounded like every cache
 * (lib/runtime/README.md, "Memory bounds"): FLOWDECK_INPUT_SCHEMA_CACHE_ENTRIES versions (500) and
 * FLOWDECK_INPUT_SCHEMA_CACHE_CHARS characters of their schemas' JSON (4 Mi).
 */
export const inputSchemaCache = new LruCache<string, Compiled>({
  maxEntries: boundFromEnv("FLOWDECK_INPUT_SCHEMA_CACHE_ENTRIES", 500),
  maxWeight: boundFromEnv("FLOWDECK_INPUT_SCHEMA_CACHE_CHARS", 4 * 1024 * 1024),
  weigh: (entry) => entry.chars,
});

function compiledFor(of: InputSchemaOf & { schema: InputJsonSchema }): Compiled {
  const cached = inputSchemaCache.get(of.versionId);
  if (cached) return cached;
  const chars = JSON.stringify(of.schema).length;
  const result = compileJsonSchema(of.schema);
  const entry: Compiled = result.ok ? { compiled: result.schema, chars } : { error: result.message, chars };
  inputSchemaCache.set(of.versionId, entry);
  return entry;
}

/**
 * Checks an execution input against the workflow's input JSON Schema (draft 2020-12, with Ajv:
 * nested objects, arrays, minimum, pattern, formats, …): every problem with its path (`input.n`,
 * `input.names[1]`). Without a schema the input only has to be an object. A stored schema that
 * is not valid JSON Schema (saved before saves checked it) is a 409 naming the version.
 */
export function checkExecutionInput(of: InputSchemaOf, input: unknown): ErrorDetail[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return [{ path: "input", message: "must be a JSON object" }];
  }
  if (!of.schema) return [];
  const compiled = compiledFor({ ...of, schema: of.schema });
  if ("error" in compiled) {
    throw conflict(`${of.label} has an input schema that is not valid JSON Schema (${compiled.error}); save a corrected version`, [{ path: "input", message: compiled.error }]);
  }
  return compiled.compiled.check(input, "input");
}

/**
 * The input an execution runs with: the schema's defaults applied, then checked. Every way an
 * execution gets an input (start, rerun with new input, restart on another version) goes through
 * here; what does not fit is a 400 saying `refusal`, listing each problem with its path.
 */
export function prepareExecutionInput(of: InputSchemaOf, input: unknown, refusal: string): unknown {
  const withDefaults = applyInputDefaults(of.schema, input);
  const problems = checkExecutionInput(of, withDefaults);
  if (problems.length > 0) throw validationFailed(refusal, problems);
  return withDefaults;
}
